import type { AuditRecord } from '../../../../common/audit/audit-record';
import { SYNC_API_PREFIX } from '../../../../common/sync/protocol';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../../support/core-harness';
import {
  call,
  createStore,
  enrollPc,
  type AdminApi,
  type EnrolledPc,
} from '../../stores/support/admin-api';

export const DAY = 24 * 3_600_000;
/** Both tills start on 2026-11-29 at 09:00 UTC (the fake clocks' default). */
export const DAY1 = Date.UTC(2026, 10, 29);
export const DAY2 = DAY1 + DAY;
/** A store name a spreadsheet would run as a formula, typed by an admin. */
export const EVIL_STORE = '=HYPERLINK("http://evil.example","Open")';

/**
 * A small, known dataset from two real store PCs (real audit chains):
 *
 * | store | day        | sign-ins | failures                     | lockouts |
 * |-------|------------|----------|------------------------------|----------|
 * | North | 2026-11-29 | 1        | 2 (Ada, wrong password)      | 0        |
 * | North | 2026-11-30 | 1        | 1 (Ada, wrong code)          | 0        |
 * | South | 2026-11-29 | 1        | 10 ("@intruder", unknown)    | 1        |
 *
 * Every sign-in is by the PC's first admin; "-danger" also fails once on South.
 */
export interface TwoStores {
  north: CoreHarness;
  south: CoreHarness;
  adaId: string;
  chainNorth: AuditRecord[];
  chainSouth: AuditRecord[];
  dispose(): void;
}

export async function buildTwoStores(): Promise<TwoStores> {
  const north = new CoreHarness();
  const south = new CoreHarness();
  const { secret } = await north.setUp();
  await south.setUp();
  const adaId = (
    north.kh.db.prepare("SELECT id FROM accounts WHERE username = 'ada.admin'").get() as {
      id: string;
    }
  ).id;
  // North, day 1: two wrong passwords (30 s apart: no throttling in the way).
  for (let i = 0; i < 2; i++) {
    await errorCode(() => north.kh.signIn.signIn('Ada.Admin', 'not the password'));
    north.clock.advance(30_000);
  }
  // North, day 2: a sign-in, then a wrong code.
  north.clock.advance(DAY);
  await north.signInWithCode('Ada.Admin', ADMIN_PASSWORD, secret);
  const step = expectStep(await north.kh.signIn.signIn('Ada.Admin', ADMIN_PASSWORD), 'needs_totp');
  await errorCode(() => north.kh.signIn.submitCode(step.challengeId, '000000'));
  // South, day 1: someone tries an unknown name until it locks; and one more odd name.
  for (let i = 0; i < 10; i++) {
    await errorCode(() => south.kh.signIn.signIn('@intruder', 'guess'));
    south.clock.advance(31_000);
  }
  await errorCode(() => south.kh.signIn.signIn('-danger', 'guess'));
  return {
    north,
    south,
    adaId,
    chainNorth: north.kh.audit.after(0, 1000),
    chainSouth: south.kh.audit.after(0, 1000),
    dispose() {
      north.dispose();
      south.dispose();
    },
  };
}

export interface UploadedStores {
  northId: string;
  southId: string;
  northPc: EnrolledPc;
  southPc: EnrolledPc;
}

/** Creates the two stores on the server, enrolls both PCs and uploads their chains. */
export async function uploadTwoStores(api: AdminApi, data: TwoStores): Promise<UploadedStores> {
  const northId = await createStore(api, 'North');
  const southId = await createStore(api, EVIL_STORE);
  const enroll = async (store: string, pc: CoreHarness) =>
    enrollPc(api, store, {
      deviceId: pc.kh.deviceId,
      macKey: (await pc.secrets.get(`${pc.kh.profileId}/audit-mac-key`))!,
    });
  const northPc = await enroll(northId, data.north);
  const southPc = await enroll(southId, data.south);
  for (const [pc, chain] of [
    [northPc, data.chainNorth],
    [southPc, data.chainSouth],
  ] as const) {
    const r = await call(
      api.s,
      'POST',
      `${SYNC_API_PREFIX}/audit`,
      null,
      { entries: chain },
      {
        ...pc.auth,
        'idempotency-key': `upload-${pc.deviceId}`,
      },
    );
    if (r.statusCode !== 200) throw new Error(`upload failed: ${r.body}`);
  }
  return { northId, southId, northPc, southPc };
}
