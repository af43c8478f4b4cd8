import type { Role } from '../../common/policy/policy';
import type { MessageKey } from '../i18n/messages.en';

export const ROLE_LABEL: Record<Role, MessageKey> = {
  admin: 'role.admin',
  manager: 'role.manager',
  viewer: 'role.viewer',
};
