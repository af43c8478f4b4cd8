import {
  describeDetails,
  type AuditDetailSpec,
  type DescribedDetail,
} from '../../../common/audit/audit-details';
import { ROLES, type ProfileId, type Role } from '../../../common/policy/policy';
import {
  POLICY_FIELDS,
  POLICY_NULL_WORDS,
  type PolicyFieldChange,
  type PolicyValue,
} from '../../../common/policy/policy-diff';
import { escapeForDisplay } from '../../../common/text/canonical-text';
import type { LocaleFormats } from '../../i18n/locale-format';
import type { Params } from '../../i18n/message-format';
import type { MessageKey } from '../../i18n/messages.en';
import { detailsText } from './audit-labels';
import { ROLE_LABEL } from '../../components/role-label';

/** What turning details into words needs: the dictionary and the reader's formats. */
export interface DetailWords extends LocaleFormats {
  t(key: MessageKey, params?: Params): string;
}

const PROFILE_LABEL: Record<ProfileId, MessageKey> = {
  standard: 'profile.standard',
  pci: 'profile.pci',
  classic: 'profile.classic',
};

/** A value from the entry itself, as text: controls and text-direction characters escaped. */
function raw(value: unknown): string {
  return escapeForDisplay(
    typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
  );
}

/** `{value}` (and `{relative}` for times) for a detail's words; the catalogue checked the type. */
function params(w: DetailWords, spec: AuditDetailSpec, value: unknown, at: number): Params {
  const role = (r: Role) => w.t(ROLE_LABEL[r]);
  switch (spec.kind) {
    case 'text':
    case 'key':
      return { value: raw(value) };
    case 'time':
      return { value: w.dateTime(value as number), relative: w.relative(value as number, at) };
    case 'duration':
      return { value: w.duration(value as number) };
    case 'count':
      return { value: value as number };
    case 'number':
      return { value: w.number(value as number) };
    case 'role':
      return { value: role(value as Role) };
    case 'code':
      return { value: w.t(`audit.code.${spec.set}.${String(value)}` as MessageKey) };
    case 'flag':
      return { value: String(value) };
    case 'profiles': {
      const byRole = value as Partial<Record<Role, ProfileId>>;
      const items = ROLES.filter((r) => byRole[r]).map(
        (r) => `${role(r)}: ${w.t(PROFILE_LABEL[byRole[r]!])}`,
      );
      return { value: w.list(items) };
    }
    case 'profile_warnings': {
      const list = value as { role: Role; profile: ProfileId }[];
      return {
        value: w.list(list.map((x) => `${role(x.role)} (${w.t(PROFILE_LABEL[x.profile])})`)),
      };
    }
    case 'policy_changes':
      return {
        value: (value as PolicyFieldChange[])
          .map((c) => `${role(c.role)}: ${policySetting(w, c)}`)
          .join('; '),
      };
    case 'totp_step':
      return { value: w.time((value as number) * 30_000) };
  }
}

/** "idle lock 15 minutes → 5 minutes": one setting a policy change moved, in words. */
function policySetting(w: DetailWords, c: PolicyFieldChange): string {
  const said = (v: PolicyValue): string => {
    const unit = POLICY_FIELDS[c.field];
    if (v === null)
      return w.t(
        `audit.policy_value.${POLICY_NULL_WORDS[c.field as keyof typeof POLICY_NULL_WORDS]}`,
      );
    if (unit === 'profile') return w.t(PROFILE_LABEL[v as ProfileId]);
    if (unit === 'flag') return w.t(v ? 'audit.policy_value.on' : 'audit.policy_value.off');
    return w.t(`audit.policy_unit.${unit}`, { value: v as number });
  };
  return w.t('audit.policy_setting', {
    setting: w.t(`audit.policy_field.${c.field}`),
    before: said(c.before),
    after: said(c.after),
  });
}

function phrase(w: DetailWords, detail: DescribedDetail, at: number): string {
  if ('unknown' in detail) return detailsText({ [detail.key]: detail.value });
  const { spec, value, words } = detail;
  if (value === null && spec.kind === 'time' && spec.never)
    return w.t(`audit.detail.${spec.never}` as MessageKey);
  return w.t(`audit.detail.${words}` as MessageKey, params(w, spec, value, at));
}

/**
 * An entry's details in words, one phrase each, in the reader's language: times and numbers by
 * locale, counts with their plural, roles and codes named. What the catalogue does not know
 * (common/audit/audit-details.ts) is shown as "key: value"; anything taken from the entry is
 * escaped (controls, text-direction characters), as the rest of the viewer does.
 */
export function auditDetailPhrases(
  w: DetailWords,
  entry: { action: string; at: number; details: Readonly<Record<string, unknown>> },
): string[] {
  return describeDetails(entry.action, entry.details).map((d) => phrase(w, d, entry.at));
}

/** The phrases on one line, as the audit tables show them. */
export function auditDetailsText(
  w: DetailWords,
  entry: { action: string; at: number; details: Readonly<Record<string, unknown>> },
): string {
  return auditDetailPhrases(w, entry).join(' · ');
}
