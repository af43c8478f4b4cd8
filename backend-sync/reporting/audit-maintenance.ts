import type { ServerClock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { ServerAudit } from '../services/server-audit';
import { ensureAuditPartitions } from './audit-partitions';
import { AuditRetention, type RetiredMonth } from './audit-retention';

export interface AuditMaintenanceDeps {
  database: Database;
  clock: ServerClock;
  audit: ServerAudit;
  config: Pick<Config, 'AUDIT_RETENTION_MONTHS' | 'auditArchiveDir'>;
  log: {
    info(details: Record<string, unknown>, message: string): void;
    error(details: Record<string, unknown>, message: string): void;
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The audit table's upkeep, at start-up and then daily on every instance: the monthly
 * partitions ahead of time (PostgreSQL, audit-partitions.ts), then retention
 * (audit-retention.ts; nothing unless AUDIT_RETENTION_MONTHS is set). A failed run is logged
 * and tried again the next day; it never stops the server.
 */
export class AuditMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly retention: AuditRetention;

  constructor(private readonly d: AuditMaintenanceDeps) {
    this.retention = new AuditRetention({
      db: d.database.db,
      dialect: d.database.dialect,
      clock: d.clock,
      audit: d.audit,
      retentionMonths: d.config.AUDIT_RETENTION_MONTHS,
      archiveDir: d.config.auditArchiveDir,
    });
  }

  /** Partitions made before this returns (so uploads land in them); retention goes on after. */
  async start(): Promise<void> {
    await this.partitions();
    const done = () => {
      this.running = null;
    };
    this.running = this.retire().finally(done);
    this.timer = setInterval(() => {
      this.running ??= this.partitions()
        .then(() => this.retire())
        .finally(done);
    }, DAY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async partitions(): Promise<void> {
    try {
      const made = await ensureAuditPartitions(
        this.d.database.db,
        this.d.database.dialect,
        this.d.clock.nowMs(),
      );
      if (made.length > 0) this.d.log.info({ partitions: made }, 'audit partitions created');
    } catch (error) {
      this.d.log.error(problem(error), 'audit partitions could not be created');
    }
  }

  private async retire(): Promise<void> {
    let retired: RetiredMonth[] = [];
    try {
      retired = await this.retention.run();
    } catch (error) {
      this.d.log.error(problem(error), 'audit retention stopped; nothing unarchived was removed');
    }
    for (const month of retired) this.d.log.info({ ...month }, 'audit month archived and removed');
  }
}

/** Code and message only: pg attaches the whole client (connection settings) to its errors. */
function problem(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { code: (error as { code?: unknown }).code, reason: error.message }
    : { reason: String(error) };
}
