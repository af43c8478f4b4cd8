import type { ServerClock } from '../clock';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import type { Database } from '../db/database';
import type { PolicyService } from '../policies/policy.service';
import type { ServerAudit } from '../services/server-audit';
import { AccountChangesService } from './account-changes.service';
import { AuditIngestService } from './audit-ingest.service';
import { DeviceAdminService } from './device-admin.service';
import { EnrollmentService } from './enrollment.service';
import type { EntryVerifier } from './entry-verifier';
import { PullService } from './pull.service';
import type { RecordSigner } from './record-signer';

export interface SyncServices {
  /** Enrollment codes (admin API) and enrollment itself (store PCs): one service for both. */
  enrollment: EnrollmentService;
  /** The device list and revocation (admin API). */
  devices: DeviceAdminService;
  /** Store PC audit uploads. */
  ingest: AuditIngestService;
  /** Store PC pulls: accounts, revocations, the signed policy. */
  pulls: PullService;
  /** Account changes a store PC made offline. */
  accountChanges: AccountChangesService;
}

/** Wires the store PC services (sync routes) and the device admin ones (devices routes). */
export function createSyncServices(deps: {
  database: Database;
  clock: ServerClock;
  audit: ServerAudit;
  policies: PolicyService;
  /** Seals and opens TOTP secrets (handed over at enrollment, carried by pulls). */
  totpSecrets: TotpSecretBox;
  /** Signs the account records and receipts a pull carries (the key PCs pin). */
  recordSigner: RecordSigner;
  /** Checks uploaded audit entries' hashes and MACs (verification threads: entry-verifier.ts). */
  entryVerifier?: EntryVerifier;
}): SyncServices {
  const { db, dialect } = deps.database;
  const { clock, totpSecrets } = deps;
  return {
    enrollment: new EnrollmentService(db, clock, deps.audit, totpSecrets),
    devices: new DeviceAdminService(db, clock, deps.audit),
    ingest: new AuditIngestService(db, dialect, clock, deps.entryVerifier),
    pulls: new PullService(db, dialect, clock, deps.policies, totpSecrets, deps.recordSigner),
    accountChanges: new AccountChangesService(db, dialect, clock, totpSecrets),
  };
}
