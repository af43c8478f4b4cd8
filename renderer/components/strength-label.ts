import type { MessageKey } from '../i18n/messages.en';

/**
 * The words for each strength level (0–4): the meter's levels (meterLevel in
 * common/policy/password-evaluator.ts) and a policy's minStrength use the same scale.
 */
export const STRENGTH_LABEL: readonly [MessageKey, MessageKey, MessageKey, MessageKey, MessageKey] =
  [
    'password.strength_0',
    'password.strength_1',
    'password.strength_2',
    'password.strength_3',
    'password.strength_4',
  ];

/** The label of a level; out-of-range levels (none today) read as the weakest. */
export function strengthLabel(level: number): MessageKey {
  return STRENGTH_LABEL[level] ?? 'password.strength_0';
}
