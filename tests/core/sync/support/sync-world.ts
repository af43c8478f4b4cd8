import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import {
  auditHashInput,
  GENESIS_HASH,
  type AuditRecord,
} from '../../../../common/audit/audit-record';
import type { Dialect } from '../../../../backend-sync/db/dialect';
import type { DB } from '../../../../backend-sync/db/schema';
import { CoreHarness } from '../../../support/core-harness';
import { FaultProxy } from '../../../support/fault-proxy';
import type { SecretStore } from '../../../../electron/core/keychain/secret-store';
import { MemorySecretStore } from '../../../support/memory-secret-store';
import { call, startAdminApi, type AdminApi } from '../../../backend/stores/support/admin-api';

/**
 * A real sync server listening on loopback behind a fault-injecting proxy, and store PCs (real
 * cores with their own data folders) that share its fake clock. Sleeps between retries are
 * recorded, not waited for.
 */
export interface SyncWorld {
  api: AdminApi;
  proxy: FaultProxy;
  url: string;
  close(): Promise<void>;
}

export async function startSyncWorld(dialect: Dialect): Promise<SyncWorld> {
  const api = await startAdminApi(dialect);
  const upstream = await api.s.app.listen({ host: '127.0.0.1', port: 0 });
  const proxy = await FaultProxy.start(upstream);
  return {
    api,
    proxy,
    url: proxy.url,
    async close() {
      await proxy.close();
      await api.s.close();
    },
  };
}

export async function issueCode(api: AdminApi, storeId: string): Promise<string> {
  const r = await call(api.s, 'POST', `/api/v1/stores/${storeId}/enrollment-codes`, api.admin);
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ code: string }>().code;
}

/** Timers the test fires by hand: what the sync schedule asked for, and when. */
export class ManualTimers {
  pending: { fn: () => void; ms: number; id: number } | null = null;
  private next = 0;
  set = (fn: () => void, ms: number) => {
    this.pending = { fn, ms, id: (this.next += 1) };
    return this.pending.id;
  };
  clear = (id: unknown) => {
    if (this.pending?.id === id) this.pending = null;
  };
  /** Runs the scheduled callback (the time has come). */
  fire(): void {
    const due = this.pending;
    this.pending = null;
    due?.fn();
  }
}

export class TestPc extends CoreHarness {
  readonly sleeps: number[] = [];
  constructor(
    world: SyncWorld,
    timers?: ManualTimers,
    secrets: SecretStore = new MemorySecretStore(),
  ) {
    super(secrets, world.api.clock, {
      sync: {
        attempts: 4,
        sleep: async (ms) => {
          this.sleeps.push(ms);
        },
        random: () => 0.5,
        // The schedule is exercised with ManualTimers; elsewhere runs are started explicitly.
        timers: timers ?? { set: () => null, clear: () => undefined },
      },
    });
  }

  async connect(world: SyncWorld, storeId: string, deviceName = 'Till 1') {
    await this.open();
    return this.kh.sync.connect(null, {
      serverUrl: world.url,
      code: await issueCode(world.api, storeId),
      deviceName,
    });
  }
}

/** The server's copy of one PC's audit chain, verified like the server does (seq, hash, MAC). */
export function serverChain(
  world: SyncWorld,
  deviceId: string,
  macKeyBase64: string,
): Promise<{ count: number; seqs: number[]; verified: boolean }> {
  return serverChainIn(world.api.s.database.db, deviceId, macKeyBase64);
}

/** `serverChain` on any server database (e.g. one a server child process wrote). */
export async function serverChainIn(
  db: Kysely<DB>,
  deviceId: string,
  macKeyBase64: string,
): Promise<{ count: number; seqs: number[]; verified: boolean }> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('seq')
    .execute();
  const key = Buffer.from(macKeyBase64, 'base64');
  let prev = GENESIS_HASH;
  let verified = true;
  rows.forEach((row, i) => {
    const record: Omit<AuditRecord, 'hash' | 'mac'> = {
      seq: Number(row.seq),
      at: Number(row.at),
      deviceId: row.device_id,
      actorId: row.actor_id,
      actorName: row.actor_name,
      action: row.action as AuditRecord['action'],
      targetId: row.target_id,
      targetName: row.target_name,
      outcome: row.outcome as AuditRecord['outcome'],
      details: JSON.parse(row.details) as Record<string, unknown>,
      prevHash: row.prev_hash,
    };
    const hash = createHash('sha256').update(auditHashInput(record)).digest('hex');
    const mac = createHmac('sha256', key).update(hash).digest('hex');
    if (record.seq !== i + 1 || record.prevHash !== prev || hash !== row.hash || mac !== row.mac)
      verified = false;
    prev = row.hash;
  });
  return { count: rows.length, seqs: rows.map((r) => Number(r.seq)), verified };
}
