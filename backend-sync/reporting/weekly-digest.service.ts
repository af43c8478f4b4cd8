import type { Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { DB } from '../db/schema';
import type { Mailer } from '../email/mailer';
import { inQuietHours, readPreferences } from '../people/preferences';
import type { UnsubscribeLinks } from '../people/unsubscribe';
import { DAY_MS } from '../routes/admin-schemas';
import type { ServerAudit } from '../services/server-audit';
import { AnalyticsService } from './analytics.service';

/** The period a digest covers. */
export const DIGEST_PERIOD_MS = 7 * DAY_MS;
/**
 * A person gets at most one digest per this interval: a week, less an hour of slack so a
 * weekly cron job that starts a few seconds early still sends. Running the command more often
 * (hourly, daily) is safe, and reaches people whose quiet hours covered an earlier run.
 */
export const DIGEST_MIN_INTERVAL_MS = DIGEST_PERIOD_MS - 3_600_000;
/** A device silent for this long counts as out of sync in the digest. */
export const DIGEST_OUT_OF_SYNC_HOURS = 24;
/** At most this many stores are listed one by one (the totals cover them all). */
export const DIGEST_MAX_STORE_LINES = 20;

export interface DigestRun {
  sent: number;
  failed: number;
  skipped: {
    /** In their quiet hours now: the next run outside them sends it. */
    quietHours: number;
    /** Already sent one in the last week. */
    alreadySent: number;
    /** No store to report on (a manager with no store assigned). */
    noStores: number;
  };
}

interface StoreFigures {
  id: string;
  name: string;
  signIns: number;
  failures: number;
  lockouts: number;
  outOfSync: number;
}

type Recipient = {
  id: string;
  email: string;
  display_name: string;
  role: 'admin' | 'manager' | 'viewer';
  preferences: string;
};

/**
 * The weekly digest (`npm run server -- send-digest`): to each person who opted in
 * (preferences.weeklyDigest) and is not in their quiet hours, a summary of the last 7 days at
 * the stores they may see: sign-ins, failed sign-ins and lockouts (from the audit entries the
 * store PCs uploaded, with the analytics SQL) and devices out of sync.
 *
 * Who: active, verified, not erased admins (every store) and managers (their stores), the
 * roles that may read those stores' audit trail and devices. Viewers have no such access, so
 * they get no digest. Every mail carries an unsubscribe link (people/unsubscribe.ts) and is
 * recorded as `digest.sent` in the server audit, which is also how a second run in the same
 * week knows to skip the person.
 */
export class WeeklyDigest {
  private readonly analytics: AnalyticsService;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      clock: ServerClock;
      audit: ServerAudit;
      mailer: Mailer;
      links: UnsubscribeLinks;
      log?: (message: string, fields?: Record<string, unknown>) => void;
    },
  ) {
    this.analytics = new AnalyticsService(deps.db);
  }

  async run(): Promise<DigestRun> {
    const now = this.deps.clock.nowMs();
    const result: DigestRun = {
      sent: 0,
      failed: 0,
      skipped: { quietHours: 0, alreadySent: 0, noStores: 0 },
    };
    const candidates = (await this.candidates()).filter(
      (u) => readPreferences(u.preferences).weeklyDigest,
    );
    if (candidates.length === 0) return result;
    const lastSent = await this.lastSent(
      candidates.map((c) => c.id),
      now - DIGEST_MIN_INTERVAL_MS,
    );
    const figures = new Map<string, Promise<StoreFigures[]>>();
    for (const person of candidates) {
      if (lastSent.has(person.id)) {
        result.skipped.alreadySent += 1;
        continue;
      }
      if (inQuietHours(readPreferences(person.preferences), now)) {
        result.skipped.quietHours += 1;
        continue;
      }
      const storeIds = person.role === 'admin' ? null : await this.storesOf(person.id);
      if (storeIds?.length === 0) {
        result.skipped.noStores += 1;
        continue;
      }
      // Admins all see the same figures: computed once per run.
      const key = storeIds === null ? '*' : storeIds.join(',');
      if (!figures.has(key)) figures.set(key, this.figures(storeIds, now));
      const stores = await figures.get(key)!;
      if (stores.length === 0) {
        result.skipped.noStores += 1;
        continue;
      }
      const sent = await this.send(person, stores, now);
      if (sent) result.sent += 1;
      else result.failed += 1;
    }
    return result;
  }

  private candidates(): Promise<Recipient[]> {
    return this.deps.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role', 'preferences'])
      .where('status', '=', 'active')
      .where('erased_at', 'is', null)
      .where('email_verified_at', 'is not', null)
      .where('role', 'in', ['admin', 'manager'])
      .orderBy('id')
      .execute();
  }

  /** People among `ids` sent a digest since `since`. */
  private async lastSent(ids: string[], since: number): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.deps.db
        .selectFrom('server_audit')
        .select('target_id')
        .where('action', '=', 'digest.sent')
        .where('outcome', '=', 'success')
        .where('at', '>=', since)
        .where('target_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) if (r.target_id) out.add(r.target_id);
    }
    return out;
  }

  private async storesOf(userId: string): Promise<string[]> {
    const rows = await this.deps.db
      .selectFrom('user_stores')
      .select('store_id')
      .where('user_id', '=', userId)
      .orderBy('store_id')
      .execute();
    return rows.map((r) => r.store_id);
  }

  private async figures(storeIds: string[] | null, now: number): Promise<StoreFigures[]> {
    const stores = await this.deps.db
      .selectFrom('stores')
      .select(['id', 'name'])
      .$if(storeIds !== null, (q) => q.where('id', 'in', storeIds!))
      .execute();
    const byId = new Map<string, StoreFigures>(
      stores.map((s) => [
        s.id,
        { id: s.id, name: s.name, signIns: 0, failures: 0, lockouts: 0, outOfSync: 0 },
      ]),
    );
    const days = await this.analytics.signInsPerDay({
      stores: storeIds,
      from: now - DIGEST_PERIOD_MS,
      to: now,
      utcOffsetMinutes: 0,
    });
    for (const d of days) {
      const s = byId.get(d.storeId);
      if (!s) continue;
      s.signIns += d.signIns;
      s.failures += d.failures;
      s.lockouts += d.lockouts;
    }
    const silent = await this.analytics.devicesOutOfSync({
      stores: storeIds,
      hours: DIGEST_OUT_OF_SYNC_HOURS,
      now,
    });
    for (const d of silent) {
      const s = byId.get(d.storeId);
      if (s) s.outOfSync += 1;
    }
    return [...byId.values()];
  }

  private async send(person: Recipient, stores: StoreFigures[], now: number): Promise<boolean> {
    const lines = digestLines(stores, now - DIGEST_PERIOD_MS, now);
    let outcome: 'success' | 'failure' = 'success';
    try {
      await this.deps.mailer.send(person.email, {
        kind: 'weekly_digest',
        name: person.display_name,
        lines,
        unsubscribeLink: this.deps.links.link(person.id),
      });
    } catch (error) {
      outcome = 'failure';
      this.deps.log?.('weekly digest not sent', {
        userId: person.id,
        err: error instanceof Error ? error.message : String(error),
      });
    }
    await this.deps.audit.write({
      action: 'digest.sent',
      outcome,
      actorId: null,
      targetId: person.id,
      details: { stores: stores.length, from: now - DIGEST_PERIOD_MS, to: now },
    });
    return outcome === 'success';
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The digest's body lines: the period, the totals, then the busiest stores first. */
export function digestLines(stores: StoreFigures[], from: number, to: number): string[] {
  const total = stores.reduce(
    (t, s) => ({
      signIns: t.signIns + s.signIns,
      failures: t.failures + s.failures,
      lockouts: t.lockouts + s.lockouts,
      outOfSync: t.outOfSync + s.outOfSync,
    }),
    { signIns: 0, failures: 0, lockouts: 0, outOfSync: 0 },
  );
  const sorted = [...stores].sort(
    (a, b) =>
      b.lockouts + b.failures + b.outOfSync - (a.lockouts + a.failures + a.outOfSync) ||
      b.signIns - a.signIns ||
      a.name.localeCompare(b.name),
  );
  const shown = sorted.slice(0, DIGEST_MAX_STORE_LINES);
  const lines = [
    `Here is the last week at ${stores.length === 1 ? 'your store' : `your ${stores.length} stores`}, from ${day(from)} to ${day(to)} (UTC).`,
    `In total: ${plural(total.signIns, 'sign-in')}, ${plural(total.failures, 'failed sign-in')}, ${plural(total.lockouts, 'lockout')}; ${plural(total.outOfSync, 'device')} not synced for ${DIGEST_OUT_OF_SYNC_HOURS} hours or more.`,
    ...shown.map(
      (s) =>
        `${s.name}: ${plural(s.signIns, 'sign-in')}, ${s.failures} failed, ${plural(s.lockouts, 'lockout')}${s.outOfSync > 0 ? `, ${plural(s.outOfSync, 'device')} out of sync` : ''}.`,
    ),
  ];
  if (sorted.length > shown.length) {
    lines.push(
      `…and ${plural(sorted.length - shown.length, 'more store')}: see Analytics in Keyholder for all of them.`,
    );
  }
  return lines;
}
