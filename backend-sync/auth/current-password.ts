import type { Kysely } from 'kysely';
import type { EffectivePolicy } from '../../common/policy/policy';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import type { ServerAudit, ServerAuditAction } from '../services/server-audit';
import { lockedOut } from './auth-errors';
import { checkPasswordCounted } from './sign-in-failures';
import type { LockoutService } from './lockout.service';
import type { PasswordHasher } from './password-hasher';

export interface CurrentPasswordDeps {
  db: Kysely<DB>;
  lockout: LockoutService;
  audit: ServerAudit;
  hasher: PasswordHasher;
}

export interface CurrentPasswordCheck {
  subject: string;
  now: number;
  policy: EffectivePolicy;
  storedHash: string | null;
  password: string;
  /** The audit action of the flow asking (its denial and failure entries use it). */
  action: ServerAuditAction;
  targetId: string;
  /** Extra audit details (client address, flow mode). */
  details: Record<string, unknown>;
}

/**
 * Proves the current password inside a flow that is not a sign-in (adding an authenticator
 * after a 2FA reset, by link or by setup code). Same rules as sign-in: counted before the hash
 * runs (checkPasswordCounted), refused while locked or throttled (audited, not counted), a
 * wrong password's count confirmed in one transaction with its audit entries.
 */
export async function proveCurrentPassword(
  d: CurrentPasswordDeps,
  c: CurrentPasswordCheck,
): Promise<void> {
  const checked = await checkPasswordCounted(
    d,
    { subject: c.subject, now: c.now, policy: c.policy },
    async (lock) => {
      await d.audit.write({
        action: c.action,
        outcome: 'denied',
        targetId: c.targetId,
        details: { ...c.details, reason: lock.state },
      });
      throw lockedOut(lock, c.now);
    },
    () => d.hasher.verify(c.storedHash, c.password),
  );
  if (checked.right) return;
  const result = checked.counted;
  await d.db.transaction().execute(async (trx) => {
    await d.audit.write(
      {
        action: c.action,
        outcome: 'failure',
        targetId: c.targetId,
        details: { ...c.details, reason: 'bad_password', failures: result.failures },
      },
      trx,
    );
    if (result.lockedNow) {
      await d.audit.write(
        {
          action: 'auth.lockout',
          outcome: 'failure',
          targetId: c.targetId,
          details: { failures: result.failures, until: result.until },
        },
        trx,
      );
    }
  });
  throw new HttpError(
    400,
    'invalid_current_password',
    'That is not your current password. Your password does not change here: type the one you sign in with.',
  );
}
