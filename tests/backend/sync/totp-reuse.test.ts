import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { ServerAudit } from '../../../backend-sync/services/server-audit';
import { recordTotpUses, TOTP_USE_RETENTION_MS } from '../../../backend-sync/sync/totp-reuse';
import { ADMIN_PASSWORD, CoreHarness } from '../../support/core-harness';
import {
  call,
  createStore,
  enrollPc,
  serverEvents,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
} from '../stores/support/admin-api';
import { describeEachDialect } from '../support/server-harness';
import { asBeforeStoreKeys } from '../../support/pre-store-keys';

/**
 * Two real store PCs. Ada's account is on both (as after a sync: same account id, same TOTP
 * secret). Someone reads her code over her shoulder on till A and types it on till B within
 * the same 30 seconds: each PC, offline, accepts it once. The server must notice.
 */
const tillA = new CoreHarness();
const tillB = new CoreHarness();
let adaId: string;
let reuseStep: number;
let chainA: AuditRecord[];
let chainB: AuditRecord[];

beforeAll(async () => {
  const { secret } = await tillA.setUp();
  const { secret: secretB } = await tillB.setUp();
  adaId = (
    tillA.kh.db.prepare("SELECT id FROM accounts WHERE username = 'ada.admin'").get() as {
      id: string;
    }
  ).id;
  // Ada's synced copy on till B (B's own first admin, also named Ada, is another person),
  // written straight into a till whose records nothing signs (one from before store keys).
  await asBeforeStoreKeys(tillB);
  tillB.kh.db
    .prepare(
      `INSERT INTO accounts (id, username, display_name, email, role, status, password_hash,
         password_changed_at, totp_secret, totp_enabled_at, totp_last_step, created_at, updated_at)
       SELECT ?, 'ada.lovelace', 'Ada Lovelace', email, role, 'active', password_hash,
         password_changed_at, ?, totp_enabled_at, 0, created_at, updated_at
       FROM accounts WHERE username = 'ada.admin'`,
    )
    .run(adaId, secret);
  // Same wall time on both tills (each sign-in below moves its till on by one 30 s step).
  const gap = tillA.clock.nowMs() - tillB.clock.nowMs();
  if (gap > 0) tillB.clock.advance(gap);
  else tillA.clock.advance(-gap);
  // The reuse: one code, one step, two tills.
  await tillA.signInWithCode('Ada.Admin', ADMIN_PASSWORD, secret); // step S
  await tillB.signInWithCode('ada.lovelace', ADMIN_PASSWORD, secret); // step S
  // Not reuses: Ada again on A (S+1); B's own admin in that same step (another person);
  // Ada again on B in another step (S+2).
  await tillA.signInWithCode('Ada.Admin', ADMIN_PASSWORD, secret);
  await tillB.signInWithCode('Ada.Admin', ADMIN_PASSWORD, secretB);
  await tillB.signInWithCode('ada.lovelace', ADMIN_PASSWORD, secret);
  chainA = tillA.kh.audit.after(0, 1000);
  chainB = tillB.kh.audit.after(0, 1000);
  const steps = (chain: AuditRecord[]) =>
    chain
      .filter((e) => e.action === 'auth.sign_in' && e.actorId === adaId && e.outcome === 'success')
      .map((e) => e.details.totpStep as number | undefined);
  // The desktop records the step of each password + TOTP sign-in.
  const [first, second] = steps(chainA).slice(-2);
  expect(first).toEqual(expect.any(Number));
  expect(second).toBe(first! + 1);
  expect(steps(chainB)).toEqual([first, first! + 2]);
  reuseStep = first!;
});

afterAll(() => {
  tillA.dispose();
  tillB.dispose();
});

describeEachDialect('one TOTP code accepted on two PCs', (dialect) => {
  let api: AdminApi;
  let a: EnrolledPc;
  let b: EnrolledPc;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    const north = await createStore(api, 'North');
    const south = await createStore(api, 'South');
    const macOf = async (pc: CoreHarness) =>
      (await pc.secrets.get(`${pc.kh.profileId}/audit-mac-key`))!;
    a = await enrollPc(api, north, { deviceId: tillA.kh.deviceId, macKey: await macOf(tillA) });
    b = await enrollPc(api, south, { deviceId: tillB.kh.deviceId, macKey: await macOf(tillB) });
  });
  afterAll(() => api.s.close());

  const upload = (pc: EnrolledPc, entries: AuditRecord[], key: string) =>
    call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/audit`,
      null,
      { entries },
      {
        ...pc.auth,
        'idempotency-key': key,
      },
    );

  it('is flagged once, when the second PC uploads, with both uses', async () => {
    expect((await upload(a, chainA, 'till-a-0001')).statusCode).toBe(200);
    expect(await serverEvents(api.s, 'totp.reuse_across_devices')).toEqual([]);
    const half = Math.ceil(chainB.length / 2);
    const first = await upload(b, chainB.slice(0, half), 'till-b-0001');
    expect(first.statusCode, first.body).toBe(200);
    const second = await upload(b, chainB.slice(half), 'till-b-0002');
    expect(second.statusCode, second.body).toBe(200);

    const flags = await serverEvents(api.s, 'totp.reuse_across_devices');
    expect(flags).toHaveLength(1);
    const useA = chainA.find((e) => e.details.totpStep === reuseStep)!;
    const useB = chainB.find((e) => e.details.totpStep === reuseStep)!;
    expect(flags[0]).toEqual({
      outcome: 'failure',
      actorId: adaId,
      targetId: adaId,
      storeId: expect.any(String),
      details: {
        personName: 'ada.lovelace',
        step: reuseStep,
        deviceId: tillB.kh.deviceId,
        seq: useB.seq,
        at: useB.at,
        otherUses: [{ deviceId: tillA.kh.deviceId, seq: useA.seq, at: useA.at }],
      },
    });

    // Retries (same key, or a new key over entries already stored) flag nothing new and
    // record no use twice.
    const uses = () =>
      api.s.database.db
        .selectFrom('totp_step_uses')
        .select(['person_id', 'step', 'device_id', 'seq'])
        .orderBy('device_id')
        .orderBy('step')
        .orderBy('person_id')
        .execute();
    const recorded = await uses();
    expect(recorded.filter((u) => u.person_id === adaId)).toHaveLength(4);
    expect((await upload(b, chainB.slice(half), 'till-b-0002')).statusCode).toBe(200);
    const overlap = await upload(b, chainB, 'till-b-0003');
    expect(overlap.json()).toMatchObject({ stored: 0, duplicates: chainB.length });
    expect(await serverEvents(api.s, 'totp.reuse_across_devices')).toHaveLength(1);
    expect(await uses()).toEqual(recorded);

    // Admins find it among the server's events.
    const found = await call(
      api.s,
      'GET',
      '/api/v1/audit/server-events?action=totp.reuse_across_devices',
      api.admin,
    );
    expect(found.json()).toMatchObject({ total: 1, events: [{ targetId: adaId }] });
  });
});

// Its own server: only one PostgreSQL test server is open at a time (see the report on the
// migrator's table check).
describeEachDialect('one TOTP code on two PCs, uploaded at the same moment', (dialect) => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
  });
  afterAll(() => api.s.close());

  it('is still flagged: the second upload waits for the first to commit', async () => {
    const { db } = api.s.database;
    const audit = new ServerAudit(db, api.clock);
    const use = (chain: AuditRecord[]) => chain.filter((e) => e.details.totpStep === reuseStep);
    const a = { deviceId: tillA.kh.deviceId, storeId: 'store-a' };
    const b = { deviceId: tillB.kh.deviceId, storeId: 'store-b' };
    let second: Promise<number> | undefined;
    const first = await db.transaction().execute(async (tx) => {
      const flagged = await recordTotpUses(tx, dialect, audit, a, use(chainA), api.clock.nowMs());
      // Till B's upload starts while till A's transaction is still open.
      second = db
        .transaction()
        .execute((tx2) => recordTotpUses(tx2, dialect, audit, b, use(chainB), api.clock.nowMs()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return flagged;
    });
    expect(first).toBe(0);
    expect(await second).toBe(1);
    expect(await serverEvents(api.s, 'totp.reuse_across_devices')).toHaveLength(1);
  });
});

describeEachDialect('recorded TOTP uses are pruned', (dialect) => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
  });
  afterAll(() => api.s.close());

  const STEP_MS = 30_000;
  /** A successful password + TOTP sign-in of `personId` at step `step`, as a PC records it. */
  const signInAt = (personId: string, step: number, seq: number): AuditRecord =>
    ({
      seq,
      at: step * STEP_MS,
      action: 'auth.sign_in',
      outcome: 'success',
      actorId: personId,
      actorName: personId,
      details: { method: 'password+totp', totpStep: step },
    }) as unknown as AuditRecord;
  const rowsOf = async (personId: string) =>
    (
      await api.s.database.db
        .selectFrom('totp_step_uses')
        .select(['step', 'device_id'])
        .where('person_id', '=', personId)
        .orderBy('step')
        .orderBy('device_id')
        .execute()
    ).map((r) => `${Number(r.step)}@${r.device_id}`);

  it('drops a person’s uses older than the offline window on their next upload; the flag still works', async () => {
    const { db } = api.s.database;
    const audit = new ServerAudit(db, api.clock);
    const record = (deviceId: string, entries: AuditRecord[], now = api.clock.nowMs()) =>
      db
        .transaction()
        .execute((tx) =>
          recordTotpUses(tx, dialect, audit, { deviceId, storeId: 'store' }, entries, now),
        );
    const now = api.clock.nowMs();
    const current = Math.floor(now / STEP_MS);
    const windowSteps = TOTP_USE_RETENTION_MS / STEP_MS;
    const stale = current - windowSteps - 10; // beyond the window
    const lateButKept = current - 2 * 24 * 120; // two days ago: a PC that was offline

    // Old uses of Ada (two PCs) and of Bob; a two-day-old use of Ada on PC A.
    await record('pc-a', [signInAt('ada', stale, 1), signInAt('ada', lateButKept, 2)]);
    await record('pc-b', [signInAt('ada', stale + 1, 1)]);
    await record('pc-a', [signInAt('bob', stale, 3)]);
    await db
      .insertInto('totp_step_uses')
      .values([
        { person_id: 'ada', step: stale - 5, device_id: 'pc-c', seq: 1, at: 0 },
        { person_id: 'ada', step: stale - 6, device_id: 'pc-c', seq: 2, at: 0 },
      ])
      .execute();
    // A use older than the window is not even recorded.
    expect(await rowsOf('ada')).toEqual([
      `${stale - 6}@pc-c`,
      `${stale - 5}@pc-c`,
      `${lateButKept}@pc-a`,
    ]);
    expect(await rowsOf('bob')).toEqual([]);

    // PC B, back online after two days, uploads Ada's sign-in with the very code PC A took,
    // and a fresh one: the stale rows go, the replay is flagged.
    const flagged = await record('pc-b', [
      signInAt('ada', lateButKept, 7),
      signInAt('ada', current, 8),
    ]);
    expect(flagged).toBe(1);
    expect(await rowsOf('ada')).toEqual([
      `${lateButKept}@pc-a`,
      `${lateButKept}@pc-b`,
      `${current}@pc-b`,
    ]);
    const flags = await serverEvents(api.s, 'totp.reuse_across_devices');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      actorId: 'ada',
      details: { step: lateButKept, deviceId: 'pc-b', otherUses: [{ deviceId: 'pc-a', seq: 2 }] },
    });

    // The same code on a third PC right away is flagged too.
    expect(await record('pc-c', [signInAt('ada', current, 1)])).toBe(1);
    // Once the window has passed, the old rows are gone with the next upload.
    const later = now + TOTP_USE_RETENTION_MS + 60 * 60 * 1000;
    const laterStep = Math.floor(later / STEP_MS);
    expect(await record('pc-a', [signInAt('ada', laterStep, 9)], later)).toBe(0);
    expect(await rowsOf('ada')).toEqual([`${laterStep}@pc-a`]);
  });
});

describeEachDialect('TOTP uses of a whole batch, recorded together', (dialect) => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
  });
  afterAll(() => api.s.close());

  const STEP_MS = 30_000;
  const signInAt = (personId: string, step: number, seq: number): AuditRecord =>
    ({
      seq,
      at: step * STEP_MS + seq,
      action: 'auth.sign_in',
      outcome: 'success',
      actorId: personId,
      actorName: `Name of ${personId}`,
      details: { method: 'password+totp', totpStep: step },
    }) as unknown as AuditRecord;

  it('flags each entry whose (person, step) another PC used, once, and stores each use once', async () => {
    const { db } = api.s.database;
    const audit = new ServerAudit(db, api.clock);
    const record = (deviceId: string, entries: AuditRecord[]) =>
      db
        .transaction()
        .execute((tx) =>
          recordTotpUses(
            tx,
            dialect,
            audit,
            { deviceId, storeId: 'store' },
            entries,
            api.clock.nowMs(),
          ),
        );
    const s = Math.floor(api.clock.nowMs() / STEP_MS);
    // PC A: Ada at s and s+1, Bob at s, Cy at s+2.
    expect(
      await record('pc-a', [
        signInAt('ada', s, 1),
        signInAt('ada', s + 1, 2),
        signInAt('bob', s, 3),
        signInAt('cy', s + 2, 4),
      ]),
    ).toBe(0);
    // PC B, one batch of many people and steps: Ada at s+1 and Bob at s are reuses; Ada at
    // s+2 (Cy's step, another person), Bob at s+1 (Ada's step) and Dee are not. Entries that
    // are not password + TOTP sign-ins are ignored.
    const batch = [
      signInAt('ada', s + 2, 10),
      signInAt('ada', s + 1, 11),
      { ...signInAt('eve', s, 12), details: { method: 'password' } } as unknown as AuditRecord,
      signInAt('bob', s + 1, 13),
      signInAt('bob', s, 14),
      signInAt('dee', s, 15),
    ];
    expect(await record('pc-b', batch)).toBe(2);
    const flags = await serverEvents(api.s, 'totp.reuse_across_devices');
    expect(
      flags.map((f) => [f.actorId, f.details.step, f.details.seq, f.details.otherUses]),
    ).toEqual(
      expect.arrayContaining([
        ['ada', s + 1, 11, [{ deviceId: 'pc-a', seq: 2, at: (s + 1) * STEP_MS + 2 }]],
        ['bob', s, 14, [{ deviceId: 'pc-a', seq: 3, at: s * STEP_MS + 3 }]],
      ]),
    );
    expect(flags).toHaveLength(2);
    const rows = await db
      .selectFrom('totp_step_uses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', 'pc-b')
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(5);

    // A third PC with the code of the pair both A and B used lists both, oldest first.
    expect(await record('pc-c', [signInAt('bob', s, 20)])).toBe(1);
    const third = (await serverEvents(api.s, 'totp.reuse_across_devices')).find(
      (f) => f.details.deviceId === 'pc-c',
    );
    expect(third?.details.otherUses).toEqual([
      { deviceId: 'pc-a', seq: 3, at: s * STEP_MS + 3 },
      { deviceId: 'pc-b', seq: 14, at: s * STEP_MS + 14 },
    ]);
  });
});
