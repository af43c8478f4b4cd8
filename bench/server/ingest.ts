/**
 * Part 3 of the server benchmark: audit ingest (POST /sync/audit, batches of 500 chained, MACed
 * entries from an enrolled PC) in events per second against a raw batched insert of the same
 * rows into the same table.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Dialect } from '../../backend-sync/db/dialect';
import { MAX_AUDIT_BATCH, SYNC_API_PREFIX } from '../../common/sync/protocol';
import { signedChain, storeDayMix } from '../../tests/backend/support/audit-chain';
import { post, startServer } from './bench-server';
import { INGEST_WARM_UP } from './settings';

export interface IngestFigures {
  dialect: Dialect;
  /** Whether batches hold password + TOTP sign-ins (which feed the TOTP-reuse check). */
  withTotp: boolean;
  ingestPerSecond: number;
  rawPerSecond: number;
  events: number;
}

/** A store PC's audit trail: a realistic mix of actions, a valid hash chain and MACs. */
function auditChain(
  deviceId: string,
  macKey: Buffer,
  count: number,
  startAt: number,
  withTotp: boolean,
) {
  return signedChain(deviceId, macKey, count, {
    at: startAt,
    spacingMs: 7_000,
    people: 20,
    mix: storeDayMix(withTotp),
  });
}

/**
 * One turn of the event loop. Each side of the ingest comparison ends its time with one, so the
 * garbage collection its own allocations scheduled (V8 runs a scavenge as a task, at the next
 * turn) is charged to it. The raw side never yields to the loop: without this, its collections
 * ran inside the next upload's time (about 1 ms of a 14 ms upload on the machine this was found
 * on; ingest shares of 42–46 % without it and 45–54 % with it, six runs each).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function benchIngest(
  dialect: Dialect,
  withTotp: boolean,
  batches: number,
): Promise<IngestFigures> {
  const server = await startServer(dialect);
  try {
    const { app } = server;
    const { accessToken } = await server.signIn();
    const auth = { authorization: `Bearer ${accessToken}` };
    const store = (await post(app, '/api/v1/stores', { name: 'Bench Store' }, auth)) as {
      id: string;
    };
    const issued = (await post(app, `/api/v1/stores/${store.id}/enrollment-codes`, {}, auth)) as {
      code: string;
    };
    const deviceId = randomUUID();
    const macKey = randomBytes(32);
    const enrolled = (await post(app, `${SYNC_API_PREFIX}/enroll`, {
      code: issued.code,
      deviceId,
      deviceName: 'Bench till',
      appVersion: '0.1.0',
      auditMacKey: macKey.toString('base64'),
    })) as { credential: string };
    const device = { authorization: `Device ${enrolled.credential}` };

    const size = MAX_AUDIT_BATCH;
    const chain = auditChain(
      deviceId,
      macKey,
      (batches + INGEST_WARM_UP) * size,
      Date.now() - 86_400_000,
      withTotp,
    );
    // The raw side inserts the very rows the ingest stores, under another device id (the
    // primary key is device + seq), into the same table: same columns, same indexes.
    const rawDevice = randomUUID();
    const rawRows = chain.map((e) => ({
      device_id: rawDevice,
      seq: e.seq,
      store_id: store.id,
      at: e.at,
      actor_id: e.actorId,
      actor_name: e.actorName,
      action: e.action,
      target_id: e.targetId,
      target_name: e.targetName,
      outcome: e.outcome,
      details: JSON.stringify(e.details),
      prev_hash: e.prevHash,
      hash: e.hash,
      mac: e.mac,
      received_at: Date.now(),
    }));
    const db = server.database.db;
    let ingestMs = 0;
    let rawMs = 0;
    for (let b = 0; b < batches + INGEST_WARM_UP; b++) {
      const entries = chain.slice(b * size, (b + 1) * size);
      const rows = rawRows.slice(b * size, (b + 1) * size);
      // The body as the PC sends it: serialising it is the client's work, as building the rows
      // is the raw side's, so both happen before the timer starts.
      const payload = JSON.stringify({ entries });
      const t0 = performance.now();
      const r = await app.inject({
        method: 'POST',
        url: `${SYNC_API_PREFIX}/audit`,
        headers: {
          ...device,
          'idempotency-key': `bench-batch-${b}`,
          'content-type': 'application/json',
        },
        payload,
      });
      await nextTurn();
      const t1 = performance.now();
      if (r.statusCode !== 200) throw new Error(`ingest: ${r.statusCode} ${r.body}`);
      await db.transaction().execute((tx) => tx.insertInto('audit_events').values(rows).execute());
      await nextTurn();
      const t2 = performance.now();
      if (b < INGEST_WARM_UP) continue;
      ingestMs += t1 - t0;
      rawMs += t2 - t1;
    }
    const events = batches * size;
    return {
      dialect,
      withTotp,
      ingestPerSecond: (events * 1000) / ingestMs,
      rawPerSecond: (events * 1000) / rawMs,
      events,
    };
  } finally {
    await server.close();
  }
}
