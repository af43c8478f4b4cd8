import type { ServerClock } from '../clock';
import type { Database } from '../db/database';
import { AnalyticsService } from '../reporting/analytics.service';
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
}

/**
 * Wires the admin API's own services (devices and enrollment codes come from the sync
 * services: sync/sync-services.ts, policies from buildApp).
 */
export function createAdminServices(deps: {
  database: Database;
  clock: ServerClock;
  audit: ServerAudit;
}): AdminServices {
  const { db } = deps.database;
  return {
    stores: new StoreService(db, deps.clock, deps.audit),
    auditSearch: new AuditSearchService(db),
    analytics: new AnalyticsService(db),
  };
}
