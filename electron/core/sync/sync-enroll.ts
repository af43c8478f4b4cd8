import type { z } from 'zod';
import type { Handover, HandoverEntry } from '../../../common/sync/handover';
import type { enrollResponseSchema } from '../../../common/sync/protocol';
import type { AuditLog } from '../audit/audit-log';
import type { SessionService, SessionView } from '../auth/session.service';
import type { AccountRepository } from '../accounts/account-repository';
import type { Db } from '../db/database';
import type { DeviceService } from '../device/device.service';
import { KeyholderError } from '../errors';
import { keyFingerprint } from '../integrity/signed-state';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { StoreKeyring } from '../integrity/store-keyring';
import type { Authorizer } from '../rbac/authorizer';
import type { TrustedTime } from '../time/trusted-time';
import { displayUrl } from './sync-connect';
import type { SyncState, SyncStateRepository } from './sync-state';

/**
 * Who may connect this PC (SyncService.connect): anyone on a PC nobody has set up; on a revoked
 * PC, a code alone (to its pinned server only); otherwise an admin's session. `standalone`: the
 * PC has people of its own and no server, so connecting hands them over.
 */
export function connectAccess(
  d: { accounts: AccountRepository; sessions: SessionService; authz: Authorizer },
  repo: SyncStateRepository,
  sessionId: string | null,
): { me: SessionView | null; revoked: SyncState | null; standalone: boolean } {
  const state = repo.get();
  const untouched = d.accounts.count() === 0 && !state;
  const revoked = !untouched && !sessionId && repo.revoked() ? state : null;
  if (untouched || revoked) return { me: null, revoked, standalone: false };
  if (!sessionId) throw new KeyholderError('session_ended', 'You are signed out. Sign in again.');
  const me = d.sessions.requireActive(sessionId);
  d.authz.require(me, 'device.enroll');
  return { me, revoked: null, standalone: !state };
}

/**
 * The server accepted this PC: one transaction records the connection, pins the server's key
 * (named in the chain), drops the standalone store key, and audits `sync.connect` with what the
 * handover did. The first sync follows.
 */
export function recordConnection(
  d: {
    db: Db;
    device: DeviceService;
    integrity: StoreIntegrity;
    keyring: StoreKeyring;
    audit: AuditLog;
    time: TrustedTime;
  },
  repo: SyncStateRepository,
  c: {
    serverUrl: string;
    answer: z.infer<typeof enrollResponseSchema>;
    revoked: SyncState | null;
    plan: readonly HandoverEntry[];
    handover: Handover | undefined;
  },
): void {
  const { answer } = c;
  const now = d.time.now();
  const count = (outcome: HandoverEntry['outcome']) =>
    c.plan.filter((e) => e.outcome === outcome).length;
  d.db.transaction(() => {
    repo.connect(c.serverUrl, answer.storeId, answer.serverPublicKey, now);
    d.device.markEnrolled(c.serverUrl, now);
    d.integrity.anchored();
    // The server is the authority now: a standalone PC's own store key goes.
    d.keyring.clear();
    d.device.setStore(answer.storeName, d.device.state().brandName);
    d.audit.append({
      action: 'sync.connect',
      outcome: 'success',
      details: {
        server: displayUrl(c.serverUrl),
        storeId: answer.storeId,
        storeName: answer.storeName,
        // The key every record is checked against from now on, named in the chain.
        serverKey: keyFingerprint(answer.serverPublicKey),
        ...(c.revoked ? { afterRevocation: true } : {}),
        ...(c.handover
          ? {
              handedOver: count('handed_over'),
              kept: count('kept'),
              notHandedOver: count('not_handed_over'),
            }
          : {}),
      },
    });
  })();
}

/** An enrollment code as typed (spaces, lower case) in the form the server compares. */
export function code(typed: string): string {
  return typed.replace(/\s+/g, '').toUpperCase();
}
