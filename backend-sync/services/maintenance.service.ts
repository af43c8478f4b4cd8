import { sql, type Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { Config } from '../config';
import type { DB } from '../db/schema';

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionConfig = Pick<
  Config,
  'REFRESH_TOKEN_RETENTION_DAYS' | 'IDEMPOTENCY_RETENTION_DAYS' | 'MAINTENANCE_BATCH_SIZE'
>;

export interface PruneResult {
  refreshTokens: number;
  refreshFamilies: number;
  idempotencyKeys: number;
}

/**
 * Deletes what the server no longer needs, in bounded batches (each its own short statement,
 * so no lock is held for long and the event loop gets a turn between batches):
 *
 * - Refresh tokens and their families once the family ended (expired, or revoked) more than
 *   REFRESH_TOKEN_RETENTION_DAYS ago. Never a token of a family that could still be live: a
 *   spent token presented again must be found to revoke its family (reuse detection,
 *   auth/token.service.ts), and a live family is one neither expired nor revoked. Once the
 *   family ended, a presented token is refused whether its row is there or not; the grace
 *   keeps the audit's reason (`family_expired`, `family_revoked`) for a while.
 * - Idempotency records older than IDEMPOTENCY_RETENTION_DAYS: a PC re-sends a key only while
 *   it retries the same upload (docs/SYNC-PROTOCOL.md, "Retries"; an account-change batch keeps
 *   its key until answered, even across days offline), so the window is far longer than any
 *   retry. An audit batch re-sent after that is stored once anyway (identical entries are
 *   skipped); an account change is judged again on what the server then holds.
 */
export class MaintenanceService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: ServerClock,
    private readonly config: RetentionConfig,
  ) {}

  async pruneOnce(): Promise<PruneResult> {
    const now = this.clock.nowMs();
    const familyCutoff = now - this.config.REFRESH_TOKEN_RETENTION_DAYS * DAY_MS;
    const keyCutoff = now - this.config.IDEMPOTENCY_RETENTION_DAYS * DAY_MS;
    const n = this.config.MAINTENANCE_BATCH_SIZE;
    const { refreshTokens, refreshFamilies } = await this.pruneFamilies(familyCutoff);
    const idempotencyKeys = await this.inBatches(
      () => sql`delete from idempotency_keys where (device_id, key) in (
        select device_id, key from idempotency_keys where created_at < ${keyCutoff}
          limit ${n})`,
    );
    return { refreshTokens, refreshFamilies, idempotencyKeys };
  }

  /**
   * Families that ended before `cutoff`, a batch at a time: their tokens first, a batch of rows
   * per statement (a long-lived family has thousands), then the families. Read from the
   * families' own indexes (end time), so what was pruned before is never scanned again.
   */
  private async pruneFamilies(
    cutoff: number,
  ): Promise<{ refreshTokens: number; refreshFamilies: number }> {
    const n = this.config.MAINTENANCE_BATCH_SIZE;
    let refreshTokens = 0;
    let refreshFamilies = 0;
    for (;;) {
      const ended = (
        await this.db
          .selectFrom('refresh_families')
          .select('id')
          .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
          .limit(n)
          .execute()
      ).map((f) => f.id);
      if (ended.length === 0) return { refreshTokens, refreshFamilies };
      refreshTokens += await this.inBatches(
        () => sql`delete from refresh_tokens where token_hash in (
          select token_hash from refresh_tokens
            where family_id in (${sql.join(ended)}) limit ${n})`,
      );
      const r = await this.db.deleteFrom('refresh_families').where('id', 'in', ended).execute();
      refreshFamilies += Number(r[0]?.numDeletedRows ?? 0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs a bounded delete until it deletes less than a batch; returns how many went. */
  private async inBatches(deleteBatch: () => ReturnType<typeof sql>): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await deleteBatch().execute(this.db);
      const deleted = Number(r.numAffectedRows ?? 0);
      total += deleted;
      if (deleted < this.config.MAINTENANCE_BATCH_SIZE) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

export interface MaintenanceSchedule {
  /** Stops the schedule and waits for a run under way. */
  stop(): Promise<void>;
}

/**
 * Runs `pruneOnce` every `intervalMs` (never two at once: the next run is timed from the end of
 * the last). A failed run is reported and the schedule goes on. The timer does not keep the
 * process alive.
 */
export function scheduleMaintenance(
  service: Pick<MaintenanceService, 'pruneOnce'>,
  intervalMs: number,
  report: { done(result: PruneResult): void; failed(error: unknown): void },
): MaintenanceSchedule {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = service.pruneOnce().then(report.done, report.failed).finally(next);
    }, intervalMs);
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The server's pruning schedule, as the composition root starts it; its runs go to the log. */
export function startMaintenance(
  app: { log: { info(o: object, m: string): void; error(o: object, m: string): void } },
  database: { db: Kysely<DB> },
  clock: ServerClock,
  config: RetentionConfig & Pick<Config, 'MAINTENANCE_INTERVAL_MINUTES'>,
): MaintenanceSchedule {
  const service = new MaintenanceService(database.db, clock, config);
  return scheduleMaintenance(service, config.MAINTENANCE_INTERVAL_MINUTES * 60_000, {
    done: (pruned) => {
      if (pruned.refreshTokens + pruned.refreshFamilies + pruned.idempotencyKeys > 0) {
        app.log.info({ pruned }, 'pruned past retention');
      }
    },
    failed: (err) => app.log.error({ err }, 'pruning failed; the next run tries again'),
  });
}
