import type { Kysely } from 'kysely';
import type { Principal } from '../auth/auth.plugin';
import type { ServerClock } from '../clock';
import type { DB } from '../db/schema';
import { notFound } from '../errors';
import type { ServerAudit } from '../services/server-audit';

export interface DeviceView {
  id: string;
  storeId: string;
  name: string;
  appVersion: string | null;
  enrolledAt: number;
  /** Last pull or audit upload; null before the first. */
  lastSyncAt: number | null;
  /** Highest audit seq the server holds from this device. */
  acknowledgedSeq: number;
  /** Highest audit seq the device said it holds, at its last pull or upload. */
  reportedSeq: number;
  /** Audit events written on the PC and not on the server yet (as of its last report). */
  pendingEvents: number;
  status: 'active' | 'revoked';
  revokedAt: number | null;
}

type DeviceRow = Pick<
  DB['devices'],
  | 'id'
  | 'store_id'
  | 'name'
  | 'app_version'
  | 'created_at'
  | 'last_sync_at'
  | 'last_seq'
  | 'reported_seq'
  | 'revoked_at'
>;

const COLUMNS = [
  'id',
  'store_id',
  'name',
  'app_version',
  'created_at',
  'last_sync_at',
  'last_seq',
  'reported_seq',
  'revoked_at',
] as const;

export function toDeviceView(r: DeviceRow): DeviceView {
  const acknowledged = Number(r.last_seq);
  const reported = Math.max(Number(r.reported_seq), acknowledged);
  return {
    id: r.id,
    storeId: r.store_id,
    name: r.name,
    appVersion: r.app_version,
    enrolledAt: Number(r.created_at),
    lastSyncAt: r.last_sync_at === null ? null : Number(r.last_sync_at),
    acknowledgedSeq: acknowledged,
    reportedSeq: reported,
    pendingEvents: reported - acknowledged,
    status: r.revoked_at === null ? 'active' : 'revoked',
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

/** Admin view of enrolled store PCs: list per store, revoke. */
export class DeviceAdminService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    private readonly audit: ServerAudit,
  ) {}

  async listForStore(storeId: string): Promise<DeviceView[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select(COLUMNS)
      .where('store_id', '=', storeId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toDeviceView);
  }

  /**
   * Revokes a device: its credential stops working on its very next request (device-auth.ts
   * reads the row every time). Revoking twice changes nothing and records nothing new.
   */
  async revoke(actor: Principal, deviceId: string): Promise<DeviceView> {
    const now = this.clock.nowMs();
    return this.db.transaction().execute(async (tx) => {
      const revoked = await tx
        .updateTable('devices')
        .set({ revoked_at: now })
        .where('id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .returning(['store_id', 'name'])
        .executeTakeFirst();
      if (revoked) {
        await this.audit.write(
          {
            action: 'device.revoke',
            outcome: 'success',
            actorId: actor.userId,
            targetId: deviceId,
            storeId: revoked.store_id,
            details: { deviceName: revoked.name },
          },
          tx,
        );
      }
      const row = await tx
        .selectFrom('devices')
        .select(COLUMNS)
        .where('id', '=', deviceId)
        .executeTakeFirst();
      if (!row) throw notFound();
      return toDeviceView(row);
    });
  }
}
