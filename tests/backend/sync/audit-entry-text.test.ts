import { systemClock } from '../../../backend-sync/clock';
import { randomBytes, randomUUID } from 'node:crypto';
import { DATE_MAX_MS } from '../../../common/time/time.schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GENESIS_HASH, type AuditRecord } from '../../../common/audit/audit-record';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { expectGenericError } from '../auth/support/auth-helpers';
import { sign, signedChain } from '../support/audit-chain';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

type Body = Omit<AuditRecord, 'hash' | 'mac'>;

/**
 * Uploaded entries whose text breaks the canonical-text rule (common/text/canonical-text.ts),
 * each properly hashed and MACed: the server refuses the batch with 422 `invalid_entry` naming
 * the entry's seq, stores nothing, and does not report a chain break (the chain is fine; the
 * text is not). On SQLite and PostgreSQL, where NUL in text used to be a 500.
 */
describeEachDialect('audit upload: entries with text the server does not accept', (dialect) => {
  let s: TestServer;
  const macKey = randomBytes(32);
  const deviceId = randomUUID();
  let credential: string;
  /** Entries 1–3 stored; each case sends 4–6 with one of them changed. */
  let stored: AuditRecord[];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({ id: storeId, name: 'Elm Road', brand: '', created_at: 0, updated_at: 0 })
      .execute();
    const { code } = await new EnrollmentService(s.database.db, systemClock).issueCode(
      storeId,
      'admin',
    );
    const enrolled = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/enroll`,
      payload: {
        code,
        deviceId,
        deviceName: 'Till 1',
        appVersion: '0.1.0',
        auditMacKey: macKey.toString('base64'),
      },
    });
    credential = enrolled.json<{ credential: string }>().credential;
    stored = signedChain(deviceId, macKey, 3);
    expect((await upload('text-0000', { entries: stored })).statusCode).toBe(200);
  });
  afterAll(() => s.close());

  let keys = 0;
  const upload = (key: string, payload: unknown) =>
    s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: { authorization: `Device ${credential}`, 'idempotency-key': key },
      payload: payload as string,
    });
  const counts = async () => {
    const n = async (table: 'audit_events' | 'idempotency_keys') =>
      Number(
        (
          await s.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('device_id', '=', deviceId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const breaks = await s.database.db
      .selectFrom('server_audit')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('action', '=', 'audit.chain_break')
      .executeTakeFirstOrThrow();
    return {
      entries: await n('audit_events'),
      keys: await n('idempotency_keys'),
      breaks: Number(breaks.n),
    };
  };

  /** Seqs 4–6 after what is stored, properly chained and signed, with `patch` on seq `at`. */
  const batch = (at: number, patch: Partial<Body>): AuditRecord[] => {
    const next = signedChain(deviceId, macKey, 3, {
      startSeq: 4,
      prevHash: stored.at(-1)?.hash ?? GENESIS_HASH,
    });
    const out: AuditRecord[] = [];
    for (const entry of next) {
      const { hash: _h, mac: _m, ...body } = entry;
      const prevHash = out.at(-1)?.hash ?? stored.at(-1)!.hash;
      out.push(sign({ ...body, ...(entry.seq === at ? patch : {}), prevHash }, macKey));
    }
    return out;
  };

  const refused: [string, number, Partial<Body>][] = [
    ['targetName', 4, { targetName: '\ud800x' }],
    ['targetName', 5, { targetName: 'x\udc00' }],
    ['targetName', 6, { targetName: 'evil\u202egpj.exe' }],
    ['targetName', 5, { targetName: 'a'.repeat(201) }],
    ['actorName', 5, { actorName: 'Cat\u0000' }],
    ['actorName', 4, { actorName: 'two\nlines' }],
    ['actorName', 6, { actorName: 'para\u2029' }],
    ['actorId', 5, { actorId: 'id\u2066' }],
    ['targetId', 6, { targetId: '\ud834' }],
    ['details', 5, { details: { reason: 'x\ud800' } }],
    ['details', 4, { details: { ['key\u0000']: 1 } }],
    ['details', 6, { details: { nested: [{ deeper: 'a\u0000b' }] } }],
    ['details', 5, { details: { deep: JSON.parse(`${'['.repeat(40)}0${']'.repeat(40)}`) } }],
    ['at', 5, { at: DATE_MAX_MS + 1 }],
    ['at', 6, { at: Number.MAX_SAFE_INTEGER }],
  ];

  it.each(refused)(
    '%s at seq %i: 422 invalid_entry naming the seq; nothing stored',
    async (field, seq, patch) => {
      const before = await counts();
      const r = await upload(`text-${String((keys += 1)).padStart(4, '0')}`, {
        entries: batch(seq, patch),
      });
      expectGenericError(r, 422, 'invalid_entry');
      expect(r.json()).toMatchObject({ error: { details: { seq, field } } });
      expect(await counts()).toEqual(before);
    },
  );

  it('details nested 10,000 deep: 422 naming the seq, no stack overflow, nothing stored', async () => {
    const before = await counts();
    // Sent as text: signing or serialising it here would overflow this worker's stack. The
    // server refuses it for its depth before it looks at the hash.
    const body = JSON.stringify({ entries: batch(5, { details: { deep: 'DEEP' } }) }).replace(
      '"DEEP"',
      `${'['.repeat(10_000)}0${']'.repeat(10_000)}`,
    );
    const r = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: {
        authorization: `Device ${credential}`,
        'idempotency-key': 'text-0099',
        'content-type': 'application/json',
      },
      payload: body,
    });
    expectGenericError(r, 422, 'invalid_entry');
    expect(r.json()).toMatchObject({ error: { details: { seq: 5, field: 'details' } } });
    expect(await counts()).toEqual(before);
  });

  it('several bad entries: refused naming one of them, nothing stored', async () => {
    const before = await counts();
    const entries = batch(4, { details: { x: '\ud800' } });
    entries[1] = sign({ ...entries[1]!, targetName: 'x\u202e' }, macKey);
    const r = await upload('text-0100', { entries });
    expectGenericError(r, 422, 'invalid_entry');
    const named = (r.json() as { error: { details: { seq: number } } }).error.details.seq;
    expect([4, 5]).toContain(named);
    expect(await counts()).toEqual(before);
  });

  it('other malformed entries keep the generic 400; an honest batch goes in afterwards', async () => {
    const before = await counts();
    const wrongType = batch(4, {}).map((e, i) => (i === 1 ? { ...e, outcome: 'maybe' } : e));
    expectGenericError(await upload('text-0101', { entries: wrongType }), 400, 'invalid_request');
    expect(await counts()).toEqual(before);
    // Canonical text, including what only names refuse, in details: accepted as sent.
    const honest = batch(5, { details: { typed: 'x\u202e\t' }, targetName: 'Zoë 𝄞 👩\u200d💻' });
    const r = await upload('text-0102', { entries: honest });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ acknowledgedSeq: 6, stored: 3, duplicates: 0 });
    const row = await s.database.db
      .selectFrom('audit_events')
      .select(['target_name', 'details'])
      .where('device_id', '=', deviceId)
      .where('seq', '=', 5)
      .executeTakeFirstOrThrow();
    expect(row.target_name).toBe('Zoë 𝄞 👩\u200d💻');
    expect(JSON.parse(row.details)).toEqual({ typed: 'x\u202e\t' });
    expect((await counts()).breaks).toBe(before.breaks);
  });
});
