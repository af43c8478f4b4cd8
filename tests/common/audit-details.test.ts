import { describe, expect, it } from 'vitest';
import {
  AUDIT_CODE_SETS,
  AUDIT_DETAILS,
  describeDetails,
  type AuditDetailSpec,
} from '../../common/audit/audit-details';
import { AUDIT_ACTIONS } from '../../common/audit/audit-record';
import { formatMessage } from '../../renderer/i18n/message-format';
import { en } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';

const DICTIONARIES = { en, es, fr } as const;
const specsOf = (action: string): Record<string, AuditDetailSpec> =>
  (AUDIT_DETAILS as Record<string, Record<string, AuditDetailSpec> | undefined>)[action] ?? {};

/** The catalogue of entry details (common/audit/audit-details.ts) is complete and has words. */
describe('audit details catalogue', () => {
  it.each([...AUDIT_ACTIONS])('%s has a catalogue entry', (action) => {
    // A new action appended to AUDIT_ACTIONS without an entry fails here (and in tsc).
    expect(Object.hasOwn(AUDIT_DETAILS, action)).toBe(true);
  });

  it('holds no entry for an action that does not exist', () => {
    expect(Object.keys(AUDIT_DETAILS).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it.each(Object.entries(DICTIONARIES))(
    'every detail and every code has words in %s that fill their value',
    (lang, dict) => {
      const words = dict as Record<string, string | undefined>;
      for (const action of AUDIT_ACTIONS) {
        for (const [key, spec] of Object.entries(specsOf(action))) {
          const phrase = words[`audit.detail.${spec.words ?? key}`];
          expect(phrase, `${lang}: ${action}.${key}`).toBeTruthy();
          // The value is in the phrase, and a sample fills every placeholder.
          expect(phrase, `${lang}: ${action}.${key}`).toMatch(/\{value\b/);
          const sample = spec.kind === 'flag' ? 'true' : spec.kind === 'count' ? 2 : 'X';
          const filled = formatMessage(phrase!, { value: sample, relative: 'R' }, lang);
          expect(filled, `${lang}: ${action}.${key}`).not.toMatch(/[{}]/);
          if (spec.kind === 'time' && spec.never)
            expect(words[`audit.detail.${spec.never}`], `${lang}: ${spec.never}`).toBeTruthy();
        }
      }
      for (const [set, codes] of Object.entries(AUDIT_CODE_SETS))
        for (const code of codes)
          expect(words[`audit.code.${set}.${code}`], `${lang}: ${set}.${code}`).toBeTruthy();
    },
  );

  it('reads details in catalogue order; unknown keys and wrong kinds come after, as they are', () => {
    const described = describeDetails('auth.lockout', {
      extra: 'x',
      until: 1_000,
      failures: 'ten',
    });
    expect(described).toEqual([
      {
        key: 'until',
        words: 'locked_until',
        spec: AUDIT_DETAILS['auth.lockout'].until,
        value: 1_000,
      },
      { key: 'extra', unknown: true, value: 'x' },
      { key: 'failures', unknown: true, value: 'ten' },
    ]);
    // A code of another set is not this detail's kind.
    expect(describeDetails('auth.session_lock', { reason: 'bad_password' })).toEqual([
      { key: 'reason', unknown: true, value: 'bad_password' },
    ]);
    // An action this version does not know (an entry from a newer PC): every detail unknown.
    expect(describeDetails('future.action', { a: 1 })).toEqual([
      { key: 'a', unknown: true, value: 1 },
    ]);
    // null without words of its own is left out; with them ("until a manager unlocks it") kept.
    expect(describeDetails('sync.pull', { accounts: 1, policyVersion: null })).toHaveLength(1);
    expect(describeDetails('auth.lockout', { until: null })[0]).toMatchObject({ key: 'until' });
  });
});
