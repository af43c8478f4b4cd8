import type { AccountRow } from '../accounts/account-repository';
import type { Db } from '../db/database';
import type { OfflineBounds } from '../device/offline-bounds';
import { KeyholderError } from '../errors';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { PolicyService } from '../policy/policy.service';
import { SyncStateRepository } from '../sync/sync-state';
import type { TrustedTime } from '../time/trusted-time';
import type { SignInFailures } from './sign-in-failures';

/**
 * What this PC itself allows, apart from the person's factors: a PC an administrator revoked
 * signs nobody in; nor does a store whose records cannot be trusted (invariant 9), nor an
 * account whose record was changed outside Keyholder; a clock set back or a PC past its offline
 * bounds pauses sign-ins per role. Every refusal is audited and counted nowhere.
 */
export class SignInGates {
  private readonly syncState: SyncStateRepository;

  constructor(
    private readonly d: {
      db: Db;
      policies: PolicyService;
      time: TrustedTime;
      failures: SignInFailures;
      integrity: StoreIntegrity;
      bounds: OfflineBounds;
    },
  ) {
    this.syncState = new SyncStateRepository(d.db);
  }

  /**
   * Before any factor is looked at: a PC whose sync learned it was revoked (sticky, see
   * SyncStateRepository) refuses at once, whoever signs in, admins included; an administrator
   * connects it again with a new enrollment code, which needs no session on a revoked PC.
   */
  assertNotRevoked(username: string | null, onRefused?: () => void): void {
    if (!this.syncState.revoked()) return;
    onRefused?.();
    this.d.failures.refuseName(username, 'device_revoked');
    throw new KeyholderError(
      'device_revoked',
      'This PC was disconnected from the sync server by an administrator, so nobody can sign in here. Ask your administrator to connect it again.',
    );
  }

  /** Clock problems and offline bounds are judged after the password, per role. */
  assertTimeAndBounds(account: AccountRow, now: number): void {
    const time = this.d.time.status();
    // An admin may still sign in during a clock anomaly: someone has to confirm the time.
    if (!time.ok && account.role !== 'admin') {
      this.d.failures.refuse(account, 'clock_problem');
      throw new KeyholderError(
        'clock_problem',
        'This computer’s clock was set back, so sign-in is paused. Ask an administrator to confirm the time, or connect to the sync server.',
      );
    }
    const bound = this.d.bounds.violation(this.d.policies.forRole(account.role), now);
    if (bound) {
      this.d.failures.refuse(account, 'offline_limit', { bound: bound.kind });
      throw new KeyholderError(
        'offline_limit',
        bound.kind === 'hours'
          ? `This computer has not reached the sync server for more than ${bound.limitHours} hours. Connect it to the network, then sign in.`
          : bound.kind === 'sign_ins'
            ? `This computer has reached its limit of ${bound.limit} offline sign-ins. Connect it to the network, then sign in.`
            : 'This computer must reach the sync server before anyone signs in. Connect it to the network, then sign in.',
        { kind: bound.kind },
      );
    }
  }

  /**
   * Before the password is looked at: the account's record and the store can be relied on
   * (StoreIntegrity.assertAccount); otherwise refused, audited, counted nowhere.
   */
  assertTrusted(account: AccountRow): void {
    try {
      this.d.integrity.assertAccount(account);
    } catch (error) {
      if (error instanceof KeyholderError)
        this.d.failures.refuse(account, 'record_untrusted', { code: error.code });
      throw error;
    }
  }

  /** For a name with no account: a store that cannot be trusted signs nobody in either. */
  assertStoreTrusted(): void {
    const blocker = this.d.integrity.signInBlocker();
    if (blocker) throw blocker;
  }
}
