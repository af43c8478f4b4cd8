/**
 * Part 3 of the server benchmark: audit ingest (POST /sync/audit, batches of 500 chained, MACed
 * entries from an enrolled PC) in events per second against the fastest raw insert of the same
 * rows into the same table (bench/server/raw-insert.ts), batch by batch.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Dialect } from '../../backend-sync/db/dialect';
import { MAX_AUDIT_BATCH, SYNC_API_PREFIX } from '../../common/sync/protocol';
import { signedChain, storeDayMix } from '../../tests/backend/support/audit-chain';
import { post, startServer } from './bench-server';
import { postgresInserter, sqliteInserter, type AuditRow, type RawInserter } from './raw-insert';
import { INGEST_WARM_UP, SQLITE_SYNCHRONOUS } from './settings';

export interface IngestFigures {
  dialect: Dialect;
  /** Whether batches hold password + TOTP sign-ins (which feed the TOTP-reuse check). */
  withTotp: boolean;
  ingestPerSecond: number;
  /** The fastest raw candidate's rate: the yardstick. */
  rawPerSecond: number;
  rawShape: string;
  /** Every raw candidate's rate, in the inserter's order. */
  shapes: Array<{ name: string; perSecond: number }>;
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

const withDevice = (rows: AuditRow[], device: string): AuditRow[] =>
  rows.map((r) => ({ ...r, device_id: device }));

export async function benchIngest(
  dialect: Dialect,
  withTotp: boolean,
  batches: number,
): Promise<IngestFigures> {
  const server = await startServer(dialect);
  let raw: RawInserter | undefined;
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
    // The raw side inserts the very rows the ingest stores, under another device id for each
    // candidate (the primary key is device + seq), into the same table: same columns, same
    // indexes.
    raw =
      dialect === 'sqlite'
        ? sqliteInserter(server.dataDir, SQLITE_SYNCHRONOUS)
        : await postgresInserter(server.schema!);
    const rawDevices = raw.shapes.map(() => randomUUID());
    const rawRows: AuditRow[] = chain.map((e) => ({
      device_id: '',
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
    let ingestMs = 0;
    const rawMs = raw.shapes.map(() => 0);
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
      if (b < INGEST_WARM_UP) {
        for (const [shape, id] of rawDevices.entries()) {
          await raw.insert(shape, withDevice(rows, id));
        }
        continue;
      }
      ingestMs += t1 - t0;
      // Candidates in a rotating order, so none always follows the upload.
      for (let k = 0; k < rawDevices.length; k++) {
        const shape = (b + k) % rawDevices.length;
        const batch = withDevice(rows, rawDevices[shape]!);
        const t2 = performance.now();
        await raw.insert(shape, batch);
        await nextTurn();
        rawMs[shape]! += performance.now() - t2;
      }
    }
    const events = batches * size;
    const shapes = raw.shapes.map((name, i) => ({ name, perSecond: (events * 1000) / rawMs[i]! }));
    const fastest = shapes.reduce((a, c) => (c.perSecond > a.perSecond ? c : a));
    return {
      dialect,
      withTotp,
      ingestPerSecond: (events * 1000) / ingestMs,
      rawPerSecond: fastest.perSecond,
      rawShape: fastest.name,
      shapes,
      events,
    };
  } finally {
    await raw?.close();
    await server.close();
  }
}
