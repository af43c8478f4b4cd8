import type { EffectivePolicy } from '../../../common/policy/policy';
import type { Db } from '../db/database';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { DeviceService } from './device.service';

export type OfflineBoundViolation =
  | { kind: 'hours'; limitHours: number; lastSyncAt: number }
  | { kind: 'sign_ins'; limit: number }
  /** A connected PC without a receipt it can verify: it cannot know how long it was offline. */
  | { kind: 'unverified' };

/** Successful sign-ins recorded after `seq`: counted in the chain, not a counter anyone resets. */
export function signInsSince(db: Db, seq: number): number {
  return (
    db
      .prepare(
        "SELECT count(*) AS n FROM audit_log WHERE seq > ? AND +action = 'auth.sign_in' AND +outcome = 'success'",
      )
      .get(seq) as { n: number }
  ).n;
}

/**
 * Invariant 5 on a connected PC: offline sign-in within the role's bounds. Both bounds come from
 * the last sync receipt the server signed (common/sync/signed-records.ts), not from columns of
 * the store: the hours from its server time, the sign-ins from the audit chain after the head
 * it names. So editing `last_sync_at` or `sign_ins_since_sync`, or the mode, lifts nothing; the
 * columns are kept as a mirror, and a mirror that disagrees is reported as tampering. A
 * standalone PC has no server to come back to and no bounds.
 */
export class OfflineBounds {
  constructor(private readonly d: { db: Db; device: DeviceService; integrity: StoreIntegrity }) {}

  /** Null when a sign-in is within the role's offline bounds. */
  violation(policy: EffectivePolicy, now: number): OfflineBoundViolation | null {
    const anchor = this.d.integrity.anchor();
    // A standalone PC (no anchor, or its own store key) has no server to have been away from.
    if (anchor?.kind !== 'server') return null;
    const receipt = this.d.integrity.receipt(anchor);
    if (!receipt) return { kind: 'unverified' };
    const signIns = signInsSince(this.d.db, receipt.auditHead);
    const mirror = this.d.device.state();
    if (mirror.lastSyncAt !== receipt.serverTime || mirror.signInsSinceSync !== signIns)
      this.d.integrity.reportProblem('device', 'counters_edited', false);
    if (now - receipt.serverTime > policy.offline.maxHoursSinceSync * 3_600_000) {
      return {
        kind: 'hours',
        limitHours: policy.offline.maxHoursSinceSync,
        lastSyncAt: receipt.serverTime,
      };
    }
    if (signIns >= policy.offline.maxSignInsSinceSync) {
      return { kind: 'sign_ins', limit: policy.offline.maxSignInsSinceSync };
    }
    return null;
  }
}
