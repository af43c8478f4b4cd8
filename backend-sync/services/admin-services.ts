import type { ServerClock } from '../clock';
import type { Database } from '../db/database';
import { AnalyticsService } from '../reporting/analytics.service';
import { AuditMaintenance, type AuditMaintenanceDeps } from '../reporting/audit-maintenance';
import { AuditSearchService } from '../reporting/audit-search.service';
import { StoreService } from '../stores/store.service';
import type { ServerAudit } from './server-audit';

export interface AdminServices {
  /** Stores: create, rename, delete, list (routes/stores.routes.ts). */
  stores: StoreService;
  /** The uploaded audit entries, searched and exported (routes/audit.routes.ts). */
  auditSearch: AuditSearchService;
  /** The admin figures (routes/analytics.routes.ts). */
  analytics: AnalyticsService;
  /** Audit partitions and retention, at start-up and daily (buildApp starts and stops it). */
  auditMaintenance: AuditMaintenance;
}

/**
 * Wires the admin API's own services (devices and enrollment codes come from the sync
 * services: sync/sync-services.ts, policies from buildApp).
 */
export function createAdminServices(
  deps: {
    database: Database;
    clock: ServerClock;
    audit: ServerAudit;
  } & Pick<AuditMaintenanceDeps, 'config' | 'log'>,
): AdminServices {
  const { db } = deps.database;
  return {
    stores: new StoreService(db, deps.clock, deps.audit),
    auditSearch: new AuditSearchService(db),
    analytics: new AnalyticsService(db),
    auditMaintenance: new AuditMaintenance(deps),
  };
}
