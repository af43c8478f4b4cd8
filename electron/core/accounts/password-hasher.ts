import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import {
  ARGON2ID_FLOOR,
  argon2idParamsOf,
  belowArgon2Floor,
  type Argon2Params,
} from '../../../common/auth/argon2-floor';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID_ALGORITHM = 2;

export type { Argon2Params };

export type VerifyResult = { ok: false } | { ok: true; needsRehash: boolean };

const BCRYPT = /^\$2[aby]\$\d{2}\$/;
/** bcrypt only reads the first 72 bytes; longer passwords cannot be verified exactly. */
const BCRYPT_MAX_BYTES = 72;

/**
 * argon2id hashing with parameters that may only go up. Passwords are used exactly as typed:
 * no trimming, no normalisation beyond what the UI sends, no truncation.
 *
 * Legacy bcrypt hashes (imported from the customer's earlier web app) verify too and always
 * report `needsRehash`, so the caller upgrades them at the next successful sign-in. A password
 * longer than 72 bytes never matches a bcrypt hash: bcrypt would silently compare only its
 * first 72 bytes, which is exactly the truncation we refuse.
 */
export class PasswordHasher {
  constructor(private readonly params: Argon2Params = ARGON2ID_FLOOR) {
    if (belowArgon2Floor(params) || params.parallelism !== 1) {
      throw new Error('argon2id parameters below the OWASP floor');
    }
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID_ALGORITHM, ...this.params });
  }

  async verify(stored: string, password: string): Promise<VerifyResult> {
    const argon = argon2idParamsOf(stored);
    if (argon) {
      // A malformed stored hash is a non-match, never an exception at the sign-in screen.
      const ok = await verify(stored, password).catch(() => false);
      if (!ok) return { ok: false };
      const p = this.params;
      const weaker =
        argon.memoryCost < p.memoryCost ||
        argon.timeCost < p.timeCost ||
        argon.parallelism !== p.parallelism;
      return { ok: true, needsRehash: weaker };
    }
    if (BCRYPT.test(stored)) {
      if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) return { ok: false };
      const ok = await bcrypt.compare(password, stored);
      return ok ? { ok: true, needsRehash: true } : { ok: false };
    }
    return { ok: false };
  }

  /** True when `stored` is a hash this hasher can verify (used to validate imports). */
  static isSupported(stored: string): boolean {
    return argon2idParamsOf(stored) !== null || BCRYPT.test(stored);
  }
}
