import { systemClock } from '../../../backend-sync/clock';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX } from '../../../common/sync/protocol';
import { EnrollmentService } from '../../../backend-sync/sync/enrollment.service';
import { CoreHarness } from '../../support/core-harness';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

describeEachDialect('sync routes over HTTP', (dialect) => {
  let s: TestServer;
  let pc: CoreHarness;
  let code: string;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    pc = new CoreHarness();
    await pc.setUp();
    const storeId = randomUUID();
    await s.database.db
      .insertInto('stores')
      .values({
        id: storeId,
        name: 'Maple Street',
        brand: 'Northwind',
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    ({ code } = await new EnrollmentService(s.database.db, systemClock).issueCode(
      storeId,
      'admin',
    ));
  });
  afterAll(async () => {
    pc.dispose();
    await s.close();
  });

  it('a store PC enrolls, pins the server key, and uploads its chain idempotently', async () => {
    const macKey = (await pc.secrets.get(`${pc.kh.profileId}/audit-mac-key`))!;
    const enroll = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/enroll`,
      payload: {
        code,
        deviceId: pc.kh.deviceId,
        deviceName: 'Till 1',
        appVersion: '0.1.0',
        auditMacKey: macKey,
      },
    });
    expect(enroll.statusCode).toBe(200);
    const body = enroll.json<{ credential: string; serverPublicKey: string; storeName: string }>();
    expect(body.serverPublicKey).toContain('BEGIN PUBLIC KEY');
    expect(body.storeName).toBe('Maple Street');

    const entries = pc.kh.audit.after(0, 100);
    const push = (key: string, auth = `Device ${body.credential}`) =>
      s.app.inject({
        method: 'POST',
        url: `${SYNC_API_PREFIX}/audit`,
        headers: { authorization: auth, 'idempotency-key': key },
        payload: { entries },
      });
    const first = await push('batch-0001');
    expect(first.json()).toEqual({
      acknowledgedSeq: entries.length,
      stored: entries.length,
      duplicates: 0,
    });
    expect((await push('batch-0001')).json()).toEqual(first.json());
    expect((await push('batch-0002', 'Device nope')).statusCode).toBe(401);
    const noKey = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/audit`,
      headers: { authorization: `Device ${body.credential}` },
      payload: { entries },
    });
    expect(noKey.statusCode).toBe(400);
    // The code was single use.
    const again = await s.app.inject({
      method: 'POST',
      url: `${SYNC_API_PREFIX}/enroll`,
      payload: {
        code,
        deviceId: randomUUID(),
        deviceName: 'Till 2',
        appVersion: '0.1.0',
        auditMacKey: macKey,
      },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ error: { code: 'enrollment_refused' } });
  });
});
