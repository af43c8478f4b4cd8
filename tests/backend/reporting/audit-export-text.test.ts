import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { isCanonicalName } from '../../../common/text/canonical-text';
import { sign, signedChain } from '../support/audit-chain';
import { describeEachDialect } from '../support/server-harness';
import {
  call,
  createStore,
  enrollPc,
  startAdminApi,
  type AdminApi,
} from '../stores/support/admin-api';

/**
 * The server's CSV export shows controls and text-direction characters escaped, never raw, in
 * names and details alike (details may hold any canonical text; an entry stored before the rule
 * may hold anything), and keeps its formula guard. The JSON export keeps the exact values.
 */
describeEachDialect('audit CSV export: controls shown escaped', (dialect) => {
  let api: AdminApi;
  let csv: string;
  let json: { seq: number; targetName: string | null; details: Record<string, unknown> }[];

  beforeAll(async () => {
    api = await startAdminApi(dialect);
    const storeId = await createStore(api, 'Maple Street');
    const macKey = randomBytes(32);
    const pc = await enrollPc(api, storeId, { macKey: macKey.toString('base64') });
    const [first, second, third] = signedChain(pc.deviceId, macKey, 3);
    const formula = sign({ ...strip(first!), targetName: '=HYPERLINK("http://x","y")' }, macKey);
    const quoting = sign(
      {
        ...strip(second!),
        prevHash: formula.hash,
        details: { typed: 'evil\u202egpj.exe', tab: 'a\tb', line: 'x\u2028y' },
      },
      macKey,
    );
    const last = sign({ ...strip(third!), prevHash: quoting.hash }, macKey);
    const r = await call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/audit`,
      null,
      {
        entries: [formula, quoting, last],
      },
      { ...pc.auth, 'idempotency-key': 'export-text-0001' },
    );
    expect(r.statusCode, r.body).toBe(200);
    // An entry stored before the canonical-text rule, with a bidi control in its target name.
    await api.s.database.db
      .insertInto('audit_events')
      .values({
        device_id: pc.deviceId,
        seq: 4,
        store_id: storeId,
        at: last.at + 1000,
        actor_id: null,
        actor_name: 'Old\u0085PC',
        action: 'auth.sign_in',
        target_id: '',
        target_name: 'old\u202ename',
        outcome: 'failure',
        details: JSON.stringify({ reason: 'unknown_user' }),
        prev_hash: last.hash,
        hash: 'f'.repeat(64),
        mac: 'f'.repeat(64),
        received_at: last.at + 1000,
      })
      .execute();
    // And one stored before times were limited, beyond what a Date can show.
    await api.s.database.db
      .insertInto('audit_events')
      .values({
        device_id: pc.deviceId,
        seq: 5,
        store_id: storeId,
        at: 9e15,
        actor_id: null,
        actor_name: null,
        action: 'auth.sign_in',
        target_id: '',
        target_name: 'far future',
        outcome: 'failure',
        details: '{}',
        prev_hash: 'f'.repeat(64),
        hash: 'e'.repeat(64),
        mac: 'e'.repeat(64),
        received_at: last.at + 2000,
      })
      .execute();
    csv = (await call(api.s, 'GET', '/api/v1/audit/export?format=csv', api.admin)).body;
    json = (await call(api.s, 'GET', '/api/v1/audit/export?format=json', api.admin)).json();
  });
  afterAll(() => api.s.close());

  it('an entry whose time a Date cannot show does not end the export: it is shown as a number', () => {
    const lines = csv.split('\r\n');
    expect(lines.at(-2)).toMatch(/^9000000000000000,/);
    expect(lines.at(-2)).toContain('far future');
    expect(json.map((e) => e.seq)).toContain(5);
  });

  it('no line holds a raw control, bidi control or separator; each is shown as \\uXXXX', () => {
    const lines = csv.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(7); // header, 5 entries, the final line break
    for (const line of lines) expect(isCanonicalName(line), JSON.stringify(line)).toBe(true);
    expect(csv).toContain('evil\\u202Egpj.exe');
    expect(csv).toContain('a\\tb'); // details are JSON: JSON escapes C0 controls itself
    expect(csv).toContain('x\\u2028y');
    expect(csv).toContain('old\\u202Ename');
    expect(csv).toContain('Old\\u0085PC');
  });

  it('keeps the formula guard', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('the JSON export keeps the exact values (machine-readable, JSON-escaped)', () => {
    expect(json.find((e) => e.seq === 2)?.details).toMatchObject({ typed: 'evil\u202egpj.exe' });
    expect(json.find((e) => e.seq === 4)?.targetName).toBe('old\u202ename');
  });
});

function strip<T extends { hash: string; mac: string }>(entry: T): Omit<T, 'hash' | 'mac'> {
  const { hash: _hash, mac: _mac, ...body } = entry;
  return body;
}
