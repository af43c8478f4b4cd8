import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecordSchema } from '../../../common/audit/audit-record';
import { isCanonicalName } from '../../../common/text/canonical-text';
import type { AuditEvent } from '../../../electron/core/audit/audit-log';
import { CoreHarness, errorCode } from '../../support/core-harness';

const codePoints = (s: string | null) => Array.from(s ?? '').length;

/**
 * The audit log records only what it can record faithfully: what is hashed is what SQLite
 * stores and what the sync server accepts. Anything else is refused, and the action with it.
 */
describe('audit log: canonical text', () => {
  let h: CoreHarness;
  let admin: string;
  beforeEach(async () => {
    h = new CoreHarness();
    admin = (await h.setUp()).session.sessionId;
  });
  afterEach(() => h.dispose());

  const count = () => h.kh.audit.query().total;
  const event = (patch: Partial<AuditEvent>): AuditEvent => ({
    action: 'permission.denied',
    outcome: 'denied',
    actor: { id: 'a1', name: 'ada.admin' },
    target: { id: '', name: 'someone' },
    ...patch,
  });

  it('refuses an event with text SQLite would store altered or an admin could misread', async () => {
    const before = count();
    const refused: Partial<AuditEvent>[] = [
      { target: { id: '', name: '\ud800x' } },
      { target: { id: '', name: 'x\udc00' } },
      { actor: { id: 'a1', name: 'ada\u0000' } },
      { target: { id: '', name: 'evil\u202egpj.exe' } },
      { target: { id: '', name: 'two\nlines' } },
      { target: { id: '', name: 'para\u2029' } },
      { target: { id: 'x\u2066', name: 'someone' } },
      { target: { id: 'i'.repeat(65), name: 'someone' } },
      { details: { reason: 'a\ud800' } },
      { details: { ['key\u0000']: 1 } },
      { details: { nested: [{ deep: '\udfff' }] } },
      { details: { at: new Date(0) } },
      { details: { n: Number.NaN } },
      { details: { list: [undefined] } },
    ];
    for (const patch of refused) {
      expect(await errorCode(() => h.kh.audit.append(event(patch))), JSON.stringify(patch)).toBe(
        'audit_text_refused',
      );
    }
    expect(count()).toBe(before);
    expect(h.kh.audit.verify()).toEqual({ ok: true, checked: before });
  });

  it('a refused entry rolls back the action it belongs to', async () => {
    const accounts = () => h.kh.db.prepare('SELECT count(*) AS n FROM accounts').get();
    const before = accounts();
    const code = await errorCode(() =>
      h.kh.db.transaction(() => {
        h.kh.db.prepare("UPDATE accounts SET display_name = 'changed'").run();
        h.kh.audit.append(event({ details: { name: 'x\ud800' } }));
      })(),
    );
    expect(code).toBe('audit_text_refused');
    expect(accounts()).toEqual(before);
    expect(
      h.kh.db.prepare("SELECT count(*) AS n FROM accounts WHERE display_name = 'changed'").get(),
    ).toEqual({ n: 0 });
  });

  it('cuts long names on code points to the shared limit; the chain verifies', () => {
    const long = h.kh.audit.append(event({ target: { id: '', name: 'a'.repeat(230) } }));
    expect(long.targetName).toBe('a'.repeat(200));
    // 300 astral letters: 600 UTF-16 units, cut to 200 code points, no half pair left over.
    const astral = h.kh.audit.append(
      event({
        target: { id: '', name: `b${'𠀀'.repeat(300)}` },
        actor: { id: 'a1', name: '𝄞'.repeat(201) },
      }),
    );
    expect(codePoints(astral.targetName)).toBe(200);
    expect(astral.targetName).toBe(`b${'𠀀'.repeat(199)}`);
    expect(astral.actorName).toBe('𝄞'.repeat(200));
    // Bidi controls are allowed in details (canonical TEXT); names never hold them.
    const quoted = h.kh.audit.append(event({ details: { typed: 'x\u202e' } }));
    expect(quoted.details).toEqual({ typed: 'x\u202e' });
    const stored = h.kh.audit.after(0, 1000);
    expect(stored.slice(-3)).toEqual([long, astral, quoted]);
    for (const entry of stored) expect(auditRecordSchema.safeParse(entry).success).toBe(true);
    expect(h.kh.audit.verify()).toMatchObject({ ok: true });
  });

  it('the CSV export shows controls escaped and keeps its formula guard', () => {
    h.kh.audit.append(event({ target: { id: '', name: '=HYPERLINK("http://x")' } }));
    h.kh.audit.append(event({ details: { typed: 'evil\u202egpj.exe', sep: 'x\u2029y' } }));
    const csv = h.kh.auditLog.export(admin, 'csv');
    for (const line of csv.split('\r\n')) expect(isCanonicalName(line), line).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain('evil\\u202Egpj.exe');
    expect(csv).toContain('x\\u2029y');
    // The JSON export keeps the exact value.
    expect(h.kh.auditLog.export(admin, 'json')).toContain('evil\u202egpj.exe');
  });
});
