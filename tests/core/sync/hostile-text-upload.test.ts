import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiResult } from '../../../common/ipc/contract';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { createApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../electron/core/api/window-context';
import { secretName } from '../../../electron/core/keychain/secret-store';
import { call, createStore } from '../../backend/stores/support/admin-api';
import { describeEachDialect } from '../../backend/support/server-harness';
import { ADMIN_PASSWORD, CoreHarness } from '../../support/core-harness';
import { hostileString, mostlyPlainString, printableString } from '../../support/hostile-text';
import {
  issueCode,
  serverChain,
  startSyncWorld,
  TestPc,
  type SyncWorld,
} from './support/sync-world';

/**
 * Property: whatever string an attacker at the store PC types into a field that reaches the
 * audit log, the call through dispatch is either refused with a clear error, or its entry is
 * written so that the PC's chain verifies AND the real sync server accepts the upload (and its
 * copy verifies). Fields: usernames (staff.create refused and allowed, sign-in), display names,
 * store and brand names (first run), the device name (connect). Runs are bounded: the state of
 * the PC carries from one run to the next, so a failure stops at once (no shrinking).
 */

/** Errors a person can read: the generic refusal or a core error with its own message. */
const CLEAR_ERRORS = new Set([
  'invalid_request',
  'forbidden',
  'invalid_username',
  'username_taken',
  'invalid_credentials',
  'throttled',
  'account_locked',
  'password_rejected',
  'audit_text_refused',
]);
const CREW_PASSWORD = 'espresso tamper on the counter';

/** Valid-looking usernames: letters of several scripts (some astral, some NFKC-folded). */
const usernameLike = fc.string({
  unit: fc.constantFrom('a', 'Z', 'é', 'ß', 'ﬀ', 'Ａ', '𠀀', '𝐀', 'я', 'ह', '.', '_', '-', '7'),
  minLength: 2,
  maxLength: 70,
});
const anyUsername = fc.oneof(usernameLike, hostileString, mostlyPlainString);
/** First run needs four good names at once: mostly printable ones, so that many runs set up. */
const mostlyValid = fc.oneof(
  { weight: 5, arbitrary: printableString },
  { weight: 1, arbitrary: hostileString },
);

function expectClear(result: ApiResult<unknown>, what: string): void {
  if (result.ok) return;
  expect(CLEAR_ERRORS.has(result.error.code), `${what}: ${result.error.code}`).toBe(true);
  expect(result.error.message.length).toBeGreaterThan(10);
}

describeEachDialect('hostile text from the PC to the sync server', (dialect) => {
  let world: SyncWorld;
  let storeId: string;
  const disposables: CoreHarness[] = [];
  beforeAll(async () => {
    world = await startSyncWorld(dialect);
    storeId = await createStore(world.api, 'Maple Street');
  });
  afterAll(async () => {
    for (const pc of disposables) pc.dispose();
    await world.close();
  });

  /** A standalone PC the server knows (enrolled with its own device id and MAC key). */
  async function serverKnown(pc: CoreHarness) {
    const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
    const r = await call(world.api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
      code: await issueCode(world.api, storeId),
      deviceId: pc.kh.deviceId,
      deviceName: 'Till',
      appVersion: '0.1.0',
      auditMacKey: macKey,
    });
    expect(r.statusCode, r.body).toBe(200);
    const credential = r.json<{ credential: string }>().credential;
    let acknowledged = 0;
    return {
      /** The PC's chain verifies; its new entries upload as the sync engine sends them. */
      async check(): Promise<void> {
        expect(pc.kh.audit.verify()).toMatchObject({ ok: true });
        for (;;) {
          const entries = pc.kh.audit.after(acknowledged, 500);
          if (entries.length === 0) break;
          const up = await call(
            world.api.s,
            'POST',
            `${SYNC_API_PREFIX}/audit`,
            null,
            { entries },
            {
              authorization: `Device ${credential}`,
              'idempotency-key': `prop-${randomUUID()}`,
            },
          );
          expect(up.statusCode, up.body).toBe(200);
          acknowledged = up.json<{ acknowledgedSeq: number }>().acknowledgedSeq;
        }
        const copy = await serverChain(world, pc.kh.deviceId, macKey);
        expect(copy).toMatchObject({ verified: true, count: acknowledged });
      },
    };
  }

  it('usernames and display names: staff.create (crew and admin) and sign-in', async () => {
    const pc = new CoreHarness();
    disposables.push(pc);
    const { secret } = await pc.setUp();
    const handlers = createApiHandlers(pc.kh);
    const admin: WindowContext = {
      ...newWindowContext(),
      sessionId: (await pc.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId,
    };
    const { temporaryPassword } = await pc.kh.staff.create(admin.sessionId!, {
      username: 'cat.crew',
      displayName: 'Cat Crew',
      email: '',
      role: 'viewer',
    });
    const crew = newWindowContext();
    const first = await dispatch(handlers, crew, 'auth.signIn', {
      username: 'cat.crew',
      password: temporaryPassword,
    });
    const challengeId = (first as { data: { challengeId: string } }).data.challengeId;
    await dispatch(handlers, crew, 'auth.submitNewPassword', {
      challengeId,
      newPassword: CREW_PASSWORD,
    });
    expect(crew.sessionId).not.toBeNull();
    const server = await serverKnown(pc);
    const step = fc.oneof(
      fc.record({ kind: fc.constant('crew.create' as const), username: anyUsername }),
      fc.record({
        kind: fc.constant('admin.create' as const),
        username: anyUsername,
        displayName: mostlyPlainString,
      }),
      fc.record({ kind: fc.constant('sign-in' as const), username: anyUsername }),
    );
    let written = 0;
    await fc.assert(
      fc.asyncProperty(step, async (s) => {
        const before = pc.kh.audit.query().total;
        const staff = (username: string, displayName = 'New Person') => ({
          username,
          displayName,
          email: '',
          role: 'viewer',
        });
        const result =
          s.kind === 'crew.create'
            ? await dispatch(handlers, crew, 'staff.create', staff(s.username))
            : s.kind === 'admin.create'
              ? await dispatch(handlers, admin, 'staff.create', staff(s.username, s.displayName))
              : await dispatch(handlers, newWindowContext(), 'auth.signIn', {
                  username: s.username,
                  password: 'not the password',
                });
        expectClear(result, s.kind);
        written += pc.kh.audit.query().total - before;
        await server.check();
      }),
      { numRuns: 150, endOnFailure: true },
    );
    // The runs wrote entries, not only refusals at the door.
    expect(written).toBeGreaterThan(30);
  });

  it('store, brand and first admin names: first run', async () => {
    let pc: CoreHarness | null = null;
    let setUps = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          storeName: mostlyValid,
          brandName: mostlyValid,
          username: fc.oneof(
            { weight: 4, arbitrary: usernameLike },
            { weight: 1, arbitrary: hostileString },
          ),
          displayName: mostlyValid,
        }),
        async (names) => {
          if (!pc) {
            pc = new CoreHarness();
            disposables.push(pc);
            await pc.open();
          }
          const result = await dispatch(
            createApiHandlers(pc.kh),
            newWindowContext(),
            'setup.createFirstAdmin',
            { profile: 'standard', email: '', password: ADMIN_PASSWORD, ...names },
          );
          expectClear(result, 'first run');
          if (!result.ok) {
            expect(pc.kh.audit.query().total).toBe(0);
            return;
          }
          setUps += 1;
          await (await serverKnown(pc)).check();
          pc = null; // set up: the next run needs a new PC
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
    expect(setUps).toBeGreaterThan(5);
  });

  it('device name: connect', async () => {
    let pc: TestPc | null = null;
    let code = await issueCode(world.api, storeId);
    let connected = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(printableString, hostileString), async (deviceName) => {
        if (!pc) {
          pc = new TestPc(world);
          disposables.push(pc);
          await pc.open();
        }
        const result = await dispatch(
          createApiHandlers(pc.kh),
          newWindowContext(),
          'sync.connect',
          {
            serverUrl: world.url,
            code,
            deviceName,
          },
        );
        expectClear(result, 'connect');
        if (!result.ok) return;
        connected += 1;
        expect(result.data).toMatchObject({ connected: true, lastError: null, pendingEntries: 0 });
        const device = await world.api.s.database.db
          .selectFrom('devices')
          .select('name')
          .where('id', '=', pc.kh.deviceId)
          .executeTakeFirstOrThrow();
        expect(device.name).toBe(deviceName.trim());
        const macKey = (await pc.secrets.get(secretName(pc.kh.profileId, 'audit-mac-key')))!;
        expect(pc.kh.audit.verify()).toMatchObject({ ok: true });
        expect(await serverChain(world, pc.kh.deviceId, macKey)).toMatchObject({
          verified: true,
          count: pc.kh.audit.query().total,
        });
        pc = null;
        code = await issueCode(world.api, storeId);
      }),
      { numRuns: 24, endOnFailure: true },
    );
    expect(connected).toBeGreaterThan(3);
  });
});
