import { createHmac } from 'node:crypto';
import type { CompiledQuery, QueryExecutorProvider } from 'kysely';
import { generateSecret, generateURI } from 'otplib';
import {
  manualKeyOf,
  matchTotpStep as matchCode,
  TOTP_ISSUER,
  TOTP_STEP_SECONDS,
  type HmacSha1,
} from '../../common/auth/totp-rules';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';

/**
 * The server's side of TOTP: the rules (parameters, code format, matching) are
 * common/auth/totp-rules.ts, shared with the desktop. A code is usable once: callers claim the
 * matched step with a conditional write on `users.totp_last_step`, which is the authorisation
 * decision.
 */
export { TOTP_STEP_SECONDS };

export interface TotpEnrollment {
  /** Base32, for authenticator apps that take the key as is. */
  secret: string;
  /** The same key grouped in fours, for typing. */
  manualKey: string;
  otpauthUri: string;
}

export function newTotpEnrollment(secret: string, label: string): TotpEnrollment {
  return {
    secret,
    manualKey: manualKeyOf(secret),
    otpauthUri: generateURI({ issuer: TOTP_ISSUER, label, secret }),
  };
}

/** 20 random bytes (160 bits), base32. */
export function newTotpSecret(): string {
  return generateSecret();
}

const hmacSha1: HmacSha1 = (key, message) => createHmac('sha1', key).update(message).digest();

/** The time step `code` belongs to (within ±1 step of `nowMs`), or null. Does not use it up. */
export function matchTotpStep(secret: string, code: string, nowMs: number): number | null {
  return matchCode(secret, code, nowMs, hmacSha1);
}

/**
 * The authorisation decision for a TOTP code: moves the account's last used step forward to
 * `step`, which only one request can do. One statement, for both ways it runs: the sign-in's
 * guard in the statement runner (`totpStepClaim`), and `claimTotpStep` in a transaction.
 */
const claimStep = statement(
  'update users set totp_last_step = ? where id = ? and totp_last_step < ?',
);

/** The claim as the guard of a statement runner's write: it changes one row or none. */
export function totpStepClaim(dialect: Dialect, userId: string, step: number): CompiledQuery {
  return claimStep(dialect, [step, userId, step]);
}

/** The claim inside the caller's transaction. False if the step (or a later one) was used. */
export async function claimTotpStep(
  trx: QueryExecutorProvider,
  userId: string,
  step: number,
): Promise<boolean> {
  const claimed = await claimStep.run(trx, [step, userId, step]);
  return Number(claimed.numAffectedRows) === 1;
}
