import type { Kysely } from 'kysely';
import type { EffectivePolicy } from '../../common/policy/policy';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';
import { lockedOut } from './auth-errors';
import type { ClaimedAttempt, LockoutService, LockState } from './lockout.service';
import type { PolicyFor } from './policy-source';
import type { ClientMeta } from './token.service';

export type FailureReason = 'unknown_user' | 'bad_password' | 'bad_code' | 'replayed_code';
export type FailedUser = { id: string; role: 'admin' | 'manager' | 'viewer' };

interface Deps {
  db: Kysely<DB>;
  lockout: LockoutService;
  audit: ServerAudit;
  policyFor: PolicyFor;
}

/**
 * The lockout side of a server sign-in (and of a password change, which re-checks the current
 * password under the same rules): the gate before any check, and the count after a failed one.
 */

interface Attempt {
  subject: string;
  userId: string | null;
  email: string;
  meta: ClientMeta;
  now: number;
}

/** Refuses (and audits, without counting) an attempt while locked or in the delay. */
export async function refuseUnlessOpen(d: Deps, state: LockState, a: Attempt): Promise<void> {
  if (state.state === 'open') return;
  await d.audit.write({
    action: 'auth.sign_in',
    outcome: 'denied',
    targetId: a.userId,
    details: {
      reason: state.state,
      ...(a.userId ? {} : { email: a.email }),
      ...(state.state === 'locked' ? { until: state.until } : { retryAt: state.retryAt }),
      ...clientDetails(a.meta),
    },
  });
  throw lockedOut(state, a.now);
}

/**
 * A password checked count-first outside a sign-in (a password change, proving the current
 * password in another flow), as the sign-in checks it: the attempt is counted before the hash
 * runs (`refuse` answers while locked or in the delay, counting nothing), so parallel guesses
 * meet the schedule; a right password's count is taken back, a wrong one's is returned for the
 * caller to confirm with its audit entries (`recordSignInFailure` with `counted`).
 */
export async function checkPasswordCounted(
  d: Pick<Deps, 'lockout'>,
  a: { subject: string; now: number; policy: EffectivePolicy },
  refuse: (state: Exclude<LockState, { state: 'open' }>) => Promise<void>,
  verify: () => Promise<boolean>,
): Promise<{ right: true } | { right: false; counted: ClaimedAttempt }> {
  const claim = await d.lockout.claimNow(a.subject, a.now, a.policy);
  if ('refused' in claim) {
    if (claim.refused.state !== 'open') await refuse(claim.refused);
    throw new Error('a refused attempt was let through');
  }
  if (!(await verify())) return { right: false, counted: claim.claimed };
  await d.lockout.takeBack(a.subject, claim.claimed);
  return { right: true };
}

/** One failed factor: the counter, its audit entry and any lock it starts, in one commit. */
export async function recordSignInFailure(
  d: Deps,
  a: {
    subject: string;
    user: FailedUser | undefined;
    reason: FailureReason;
    email: string;
    meta: ClientMeta;
    now: number;
    action: 'auth.sign_in' | 'password.change';
    /** The attempt was counted before its password was checked (LockoutService.claimAttempt). */
    counted?: ClaimedAttempt;
  },
): Promise<void> {
  const policy = d.policyFor(a.user?.role ?? 'admin');
  await d.db.transaction().execute(async (trx) => {
    const result = a.counted ?? (await d.lockout.recordFailure(a.subject, a.now, policy, trx));
    const who = a.user ? {} : { email: a.email.slice(0, 254) };
    await d.audit.write(
      {
        action: a.action,
        outcome: 'failure',
        actorId: a.action === 'password.change' ? (a.user?.id ?? null) : null,
        targetId: a.user?.id ?? null,
        details: {
          reason: a.reason,
          failures: result.failures,
          ...who,
          ...clientDetails(a.meta),
        },
      },
      trx,
    );
    if (result.lockedNow) {
      await d.audit.write(
        {
          action: 'auth.lockout',
          outcome: 'failure',
          targetId: a.user?.id ?? null,
          details: { failures: result.failures, until: result.until, ...who },
        },
        trx,
      );
    }
  });
}

/** The client's address and user agent as audit entries record them. */
export function clientDetails(meta: ClientMeta): Record<string, string> {
  return {
    ip: meta.ip,
    ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 200) } : {}),
  };
}
