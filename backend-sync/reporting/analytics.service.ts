import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { DAY_MS } from '../routes/admin-schemas';
import { toDeviceView, type DeviceView } from '../sync/device-admin.service';

export interface SignInDay {
  storeId: string;
  storeName: string | null;
  /** YYYY-MM-DD, in the time zone of `utcOffsetMinutes`. */
  day: string;
  signIns: number;
  failures: number;
  lockouts: number;
}

export interface LockoutRow {
  storeId: string;
  storeName: string | null;
  accountId: string | null;
  accountName: string | null;
  lockouts: number;
  lastAt: number;
}

export interface OutOfSyncDevice extends DeviceView {
  storeName: string | null;
  hoursSinceSync: number | null;
}

export interface DormantAccount {
  id: string;
  username: string;
  displayName: string;
  role: string;
  createdAt: number;
  lastSignInAt: number | null;
  daysInactive: number;
}

/** The stores an analytics query covers: null for all. */
type Stores = string[] | null;

/**
 * Figures for admins, computed in SQL that runs the same on SQLite and PostgreSQL: times are
 * integer milliseconds, so a day is an integer division (`(at + offset) / 86400000`), and no
 * date function of either dialect is needed.
 *
 * A sign-in is a device audit entry `auth.sign_in` with outcome success; a failure, the same
 * action with outcome failure or denied (wrong password or code, locked, throttled, offline
 * limit); a lockout, `auth.lockout`.
 */
export class AnalyticsService {
  constructor(private readonly db: Kysely<DB>) {}

  async signInsPerDay(q: {
    stores: Stores;
    from: number;
    to: number;
    utcOffsetMinutes: number;
  }): Promise<SignInDay[]> {
    if (q.stores?.length === 0) return [];
    const offset = sql.lit(Math.trunc(q.utcOffsetMinutes) * 60_000);
    const day = sql<number>`(e.at + ${offset}) / ${sql.lit(DAY_MS)}`;
    const rows = await this.db
      .selectFrom('audit_events as e')
      .leftJoin('stores as s', 's.id', 'e.store_id')
      .select([
        'e.store_id',
        's.name as store_name',
        day.as('day'),
        sql<number>`sum(case when e.action = 'auth.sign_in' and e.outcome = 'success' then 1 else 0 end)`.as(
          'sign_ins',
        ),
        sql<number>`sum(case when e.action = 'auth.sign_in' and e.outcome <> 'success' then 1 else 0 end)`.as(
          'failures',
        ),
        sql<number>`sum(case when e.action = 'auth.lockout' then 1 else 0 end)`.as('lockouts'),
      ])
      .where('e.action', 'in', ['auth.sign_in', 'auth.lockout'])
      .where('e.at', '>=', q.from)
      .where('e.at', '<', q.to)
      .$if(q.stores !== null, (b) => b.where('e.store_id', 'in', q.stores!))
      .groupBy(['e.store_id', 's.name', day])
      .orderBy(day)
      .orderBy('s.name')
      .orderBy('e.store_id')
      .execute();
    return rows.map((r) => ({
      storeId: r.store_id,
      storeName: r.store_name,
      day: new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10),
      signIns: Number(r.sign_ins),
      failures: Number(r.failures),
      lockouts: Number(r.lockouts),
    }));
  }

  /** Lockouts per store and account in the range, most first. */
  async lockouts(q: { stores: Stores; from: number; to: number }): Promise<LockoutRow[]> {
    if (q.stores?.length === 0) return [];
    const rows = await this.db
      .selectFrom('audit_events as e')
      .leftJoin('stores as s', 's.id', 'e.store_id')
      .select((eb) => [
        'e.store_id',
        's.name as store_name',
        'e.target_id',
        'e.target_name',
        eb.fn.countAll<number>().as('n'),
        eb.fn.max('e.at').as('last_at'),
      ])
      .where('e.action', '=', 'auth.lockout')
      .where('e.at', '>=', q.from)
      .where('e.at', '<', q.to)
      .$if(q.stores !== null, (b) => b.where('e.store_id', 'in', q.stores!))
      .groupBy(['e.store_id', 's.name', 'e.target_id', 'e.target_name'])
      .orderBy('n', 'desc')
      .orderBy('last_at', 'desc')
      .execute();
    return rows.map((r) => ({
      storeId: r.store_id,
      storeName: r.store_name,
      accountId: r.target_id || null,
      accountName: r.target_name,
      lockouts: Number(r.n),
      lastAt: Number(r.last_at),
    }));
  }

  /** Devices not revoked whose last contact is older than `hours` (or that never synced). */
  async devicesOutOfSync(q: {
    stores: Stores;
    hours: number;
    now: number;
  }): Promise<OutOfSyncDevice[]> {
    if (q.stores?.length === 0) return [];
    const cutoff = q.now - q.hours * 3_600_000;
    const rows = await this.db
      .selectFrom('devices as d')
      .leftJoin('stores as s', 's.id', 'd.store_id')
      .select([
        'd.id',
        'd.store_id',
        'd.name',
        'd.app_version',
        'd.created_at',
        'd.last_sync_at',
        'd.last_seq',
        'd.reported_seq',
        'd.revoked_at',
        's.name as store_name',
      ])
      .where('d.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('d.last_sync_at', 'is', null), eb('d.last_sync_at', '<', cutoff)]))
      .$if(q.stores !== null, (b) => b.where('d.store_id', 'in', q.stores!))
      // Never synced first, then the longest silent (NULL ordering differs between dialects).
      .orderBy(sql`case when d.last_sync_at is null then 0 else 1 end`)
      .orderBy('d.last_sync_at')
      .orderBy('d.id')
      .execute();
    return rows.map((r) => ({
      ...toDeviceView(r),
      storeName: r.store_name,
      hoursSinceSync:
        r.last_sync_at === null ? null : Math.floor((q.now - Number(r.last_sync_at)) / 3_600_000),
    }));
  }

  /**
   * Active accounts nobody has signed in to for `days`: the last successful sign-in on any
   * store PC (device audit) or on the server itself, or — never signed in — created before
   * the cutoff. `stores`: accounts assigned to one of them.
   */
  async dormantAccounts(q: {
    stores: Stores;
    days: number;
    now: number;
  }): Promise<DormantAccount[]> {
    if (q.stores?.length === 0) return [];
    const cutoff = q.now - q.days * DAY_MS;
    const rows = await this.db
      .selectFrom('users as u')
      .select((eb) => [
        'u.id',
        'u.username',
        'u.display_name',
        'u.role',
        'u.created_at',
        eb
          .selectFrom('audit_events as e')
          .select((e) => e.fn.max('e.at').as('m'))
          .whereRef('e.actor_id', '=', 'u.id')
          .where('e.action', '=', 'auth.sign_in')
          .where('e.outcome', '=', 'success')
          .as('device_last'),
        eb
          .selectFrom('server_audit as a')
          .select((e) => e.fn.max('a.at').as('m'))
          .whereRef('a.actor_id', '=', 'u.id')
          .where('a.action', '=', 'auth.sign_in')
          .where('a.outcome', '=', 'success')
          .as('server_last'),
      ])
      .where('u.status', '=', 'active')
      .where('u.erased_at', 'is', null)
      .$if(q.stores !== null, (b) =>
        b.where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_stores as us')
              .select('us.user_id')
              .whereRef('us.user_id', '=', 'u.id')
              .where('us.store_id', 'in', q.stores!),
          ),
        ),
      )
      .execute();
    return rows
      .map((r) => {
        const seen = [r.device_last, r.server_last]
          .filter((v) => v !== null && v !== undefined)
          .map(Number);
        const lastSignInAt = seen.length ? Math.max(...seen) : null;
        const since = lastSignInAt ?? Number(r.created_at);
        return {
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          role: r.role,
          createdAt: Number(r.created_at),
          lastSignInAt,
          daysInactive: Math.floor((q.now - since) / DAY_MS),
          since,
        };
      })
      .filter((r) => r.since < cutoff)
      .sort((a, b) => a.since - b.since || a.id.localeCompare(b.id))
      .map(({ since: _since, ...rest }) => rest);
  }
}
