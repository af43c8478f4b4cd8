import { describe, expect, it } from 'vitest';
import { auditName, detailsText } from '../../renderer/features/audit/audit-labels';

/** What the desktop's audit viewers show of a recorded name or details (audit-labels.ts). */
describe('audit viewer text', () => {
  it('shows controls, text-direction characters and lone surrogates escaped', () => {
    expect(auditName('evil\u202egpj.exe')).toBe('evil\\u202Egpj.exe');
    expect(auditName('Old\u0085PC\u2066')).toBe('Old\\u0085PC\\u2066');
    expect(auditName('x\ud800')).toBe('x\\uD800');
    expect(auditName('Zoë 𝄞 👩\u200d💻')).toBe('Zoë 𝄞 👩\u200d💻');
  });

  it('shows details as "key: value" with the same escaping', () => {
    expect(detailsText({ reason: 'bad_password', failures: 2 })).toBe(
      'reason: bad_password · failures: 2',
    );
    expect(detailsText({ typed: 'a\u202eb', nested: { line: 'x\u2028y' } })).toBe(
      'typed: a\\u202Eb · nested: {"line":"x\\u2028y"}',
    );
    expect(detailsText({ tab: 'a\tb' })).toBe('tab: a\\u0009b');
  });
});
