import { randomUUID } from 'node:crypto';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { CredentialMaterial } from '../crypto/credential-key';
import type { Signer } from '../integrity/store-keyring';
import { KeyholderError } from '../errors';
import type { SessionView } from './session.service';
import type { Clock } from '../time/clock';
import type { PasswordRules } from '../../../common/policy';

/** Where a sign-in stands after each step (what the UI is shown next). */
export type SignInStep =
  | {
      status: 'signed_in';
      session: SessionView;
      clockProblem: boolean;
      recoveryCodes?: string[];
      recoveryCodesLeft?: number;
    }
  | { status: 'needs_totp'; challengeId: string }
  | {
      status: 'needs_password_change';
      challengeId: string;
      reason: 'temporary' | 'required' | 'expired';
      /** The policy and context the change is checked with, for the form's live feedback. */
      rules: PasswordRules;
    }
  | { status: 'needs_totp_enrollment'; challengeId: string };

export type Stage = 'totp' | 'password_change' | 'totp_enrollment';

export interface Challenge {
  readonly id: string;
  readonly accountId: string;
  readonly username: string;
  readonly createdMono: number;
  stage: Stage;
  totpPassed: boolean;
  method: 'password' | 'password+totp' | 'password+recovery_code';
  /** The TOTP step the code matched: recorded so the sync server can spot one code on two PCs. */
  totpStep?: number;
  wrongCodes: number;
  recoveryCodesLeft?: number;
  /**
   * What the password typed at the first step yields, when the sign-in goes on to a password
   * change (its key signs the change). Memory only, gone with the challenge.
   */
  credential?: CredentialMaterial | null;
  /**
   * The key the person holds on a standalone PC, opened for the session this sign-in starts when
   * they have just typed the password it is sealed to: the store key a first admin has just made,
   * or their key after a forced password change. Asking again would only annoy.
   */
  signer?: Signer;
}

const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_WRONG_CODES = 5;

/**
 * The sign-ins under way, between their steps: held in memory in main, named to the UI only by
 * a random id. A challenge lives 5 minutes (monotonic clock), answers only at its current
 * stage, and is dropped after 5 wrong codes or once its account is no longer active.
 */
export class SignInChallenges {
  private readonly live = new Map<string, Challenge>();

  constructor(
    private readonly d: {
      accounts: AccountRepository;
      clock: Clock;
      /** Throws unless the account's record may be relied on (SignInGates.assertTrusted). */
      assertTrusted: (account: AccountRow) => void;
    },
  ) {}

  create(account: AccountRow): Challenge {
    const c: Challenge = {
      id: randomUUID(),
      accountId: account.id,
      username: account.username,
      createdMono: this.d.clock.monotonicMs(),
      stage: 'totp',
      totpPassed: false,
      method: 'password',
      wrongCodes: 0,
    };
    this.live.set(c.id, c);
    return c;
  }

  /** The challenge `id`, if alive and at `stage`. */
  get(id: string, stage: Stage): Challenge {
    const c = this.live.get(id);
    if (!c || this.d.clock.monotonicMs() - c.createdMono > CHALLENGE_TTL_MS) {
      this.live.delete(id);
      throw new KeyholderError('challenge_expired', 'This sign-in has timed out. Start again.');
    }
    if (c.stage !== stage)
      throw new KeyholderError(
        'challenge_expired',
        'This sign-in step is not expected now. Start again.',
      );
    return c;
  }

  delete(id: string): void {
    this.live.delete(id);
  }

  wrongCode(c: Challenge): void {
    c.wrongCodes += 1;
    if (c.wrongCodes >= MAX_WRONG_CODES) this.live.delete(c.id);
  }

  /**
   * The challenge's account, read again: still active and its record still the one the server
   * signed (it may have been changed since the last step); otherwise the challenge ends.
   */
  mustAccount(c: Challenge): AccountRow {
    const account = this.d.accounts.byId(c.accountId);
    if (!account || account.status !== 'active') {
      this.live.delete(c.id);
      throw new KeyholderError(
        'challenge_expired',
        'This sign-in is no longer valid. Start again.',
      );
    }
    try {
      this.d.assertTrusted(account);
    } catch (error) {
      this.live.delete(c.id);
      throw error;
    }
    return account;
  }
}
