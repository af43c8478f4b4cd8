import { randomUUID } from 'node:crypto';
import type { PcMode } from '../../../common/rbac/offered-actions';
import type { Db } from '../db/database';
import { DEVICE_REVOKED } from '../sync/sync-state';

export interface DeviceState {
  deviceId: string;
  storeName: string;
  brandName: string;
  mode: 'standalone' | 'enrolled';
  serverUrl: string | null;
  lastSyncAt: number | null;
  signInsSinceSync: number;
}

interface Row {
  device_id: string;
  store_name: string;
  brand_name: string;
  mode: 'standalone' | 'enrolled';
  server_url: string | null;
  last_sync_at: number | null;
  sign_ins_since_sync: number;
}

/**
 * This PC's identity and its sync bookkeeping. The mode is whether the PC holds a pinned server
 * (`sync_state`), never the `mode` column alone: that column, `last_sync_at` and
 * `sign_ins_since_sync` are mirrors, and the decisions they once made come from signed records
 * (device/offline-bounds.ts, integrity/store-integrity.service.ts).
 */
export class DeviceService {
  constructor(private readonly db: Db) {}

  /** Creates the device row on first run (idempotent). */
  ensure(now: number): DeviceState {
    this.db
      .prepare('INSERT OR IGNORE INTO device (id, device_id, created_at) VALUES (1, ?, ?)')
      .run(randomUUID(), now);
    return this.state();
  }

  state(): DeviceState {
    const row = this.db
      .prepare(
        'SELECT *, EXISTS (SELECT 1 FROM sync_state WHERE id = 1) AS pinned FROM device WHERE id = 1',
      )
      .get() as (Row & { pinned: number }) | undefined;
    if (!row) throw new Error('device row missing: call ensure() first');
    return {
      deviceId: row.device_id,
      storeName: row.store_name,
      brandName: row.brand_name,
      mode: row.pinned === 1 ? 'enrolled' : 'standalone',
      serverUrl: row.server_url,
      lastSyncAt: row.last_sync_at,
      signInsSinceSync: row.sign_ins_since_sync,
    };
  }

  /**
   * Standalone, connected, or revoked (a sync learned an admin revoked this PC; sticky until it
   * is connected again, sync-state.ts). Read from `sync_state`, like `mode`.
   */
  pcMode(): PcMode {
    const row = this.db
      .prepare('SELECT last_error_code AS code FROM sync_state WHERE id = 1')
      .get() as { code: string | null } | undefined;
    if (!row) return 'standalone';
    return row.code === DEVICE_REVOKED ? 'revoked' : 'connected';
  }

  setStore(storeName: string, brandName: string): void {
    this.db
      .prepare('UPDATE device SET store_name = ?, brand_name = ? WHERE id = 1')
      .run(storeName, brandName);
  }

  /** Called by the sync client after enrollment (and by tests). */
  markEnrolled(serverUrl: string, now: number): void {
    this.db
      .prepare(
        "UPDATE device SET mode = 'enrolled', server_url = ?, last_sync_at = ?, sign_ins_since_sync = 0 WHERE id = 1",
      )
      .run(serverUrl, now);
  }

  /** A stored sync receipt restarts the offline bounds: the mirror columns follow it. */
  markReceipt(serverTime: number, signInsSince: number): void {
    this.db
      .prepare('UPDATE device SET last_sync_at = ?, sign_ins_since_sync = ? WHERE id = 1')
      .run(serverTime, signInsSince);
  }

  recordSignIn(): void {
    this.db
      .prepare('UPDATE device SET sign_ins_since_sync = sign_ins_since_sync + 1 WHERE id = 1')
      .run();
  }
}
