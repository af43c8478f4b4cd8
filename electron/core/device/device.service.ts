import { randomUUID } from 'node:crypto';
import type { EffectivePolicy } from '../../../common/policy/policy';
import type { Db } from '../db/database';

export interface DeviceState {
  deviceId: string;
  storeName: string;
  brandName: string;
  mode: 'standalone' | 'enrolled';
  serverUrl: string | null;
  lastSyncAt: number | null;
  signInsSinceSync: number;
}

export type OfflineBoundViolation =
  { kind: 'hours'; limitHours: number; lastSyncAt: number } | { kind: 'sign_ins'; limit: number };

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
 * This PC's identity and its sync bookkeeping. Offline bounds (invariant 5) apply only to a
 * device enrolled with a sync server: a standalone device has no server to come back to.
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
    const row = this.db.prepare('SELECT * FROM device WHERE id = 1').get() as Row | undefined;
    if (!row) throw new Error('device row missing: call ensure() first');
    return {
      deviceId: row.device_id,
      storeName: row.store_name,
      brandName: row.brand_name,
      mode: row.mode,
      serverUrl: row.server_url,
      lastSyncAt: row.last_sync_at,
      signInsSinceSync: row.sign_ins_since_sync,
    };
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

  /** A successful sync resets the offline bounds. */
  markSynced(now: number): void {
    this.db
      .prepare('UPDATE device SET last_sync_at = ?, sign_ins_since_sync = 0 WHERE id = 1')
      .run(now);
  }

  recordSignIn(): void {
    this.db
      .prepare('UPDATE device SET sign_ins_since_sync = sign_ins_since_sync + 1 WHERE id = 1')
      .run();
  }

  /** Null when a sign-in is within the role's offline bounds (always null when standalone). */
  offlineViolation(policy: EffectivePolicy, now: number): OfflineBoundViolation | null {
    const state = this.state();
    if (state.mode !== 'enrolled') return null;
    const lastSyncAt = state.lastSyncAt ?? 0;
    if (now - lastSyncAt > policy.offline.maxHoursSinceSync * 3_600_000) {
      return { kind: 'hours', limitHours: policy.offline.maxHoursSinceSync, lastSyncAt };
    }
    if (state.signInsSinceSync >= policy.offline.maxSignInsSinceSync) {
      return { kind: 'sign_ins', limit: policy.offline.maxSignInsSinceSync };
    }
    return null;
  }
}
