import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID_ALGORITHM = 2;
import bcrypt from 'bcryptjs';

/** OWASP Password Storage Cheat Sheet floor for argon2id: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export type VerifyResult = { ok: false } | { ok: true; needsRehash: boolean };

const ARGON2ID = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;
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
  constructor(private readonly params: Argon2Params = OWASP_ARGON2ID) {
    if (
      params.memoryCost < OWASP_ARGON2ID.memoryCost ||
      params.timeCost < OWASP_ARGON2ID.timeCost ||
      params.parallelism !== 1
    ) {
      throw new Error('argon2id parameters below the OWASP floor');
    }
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID_ALGORITHM, ...this.params });
  }

  async verify(stored: string, password: string): Promise<VerifyResult> {
    const argon = ARGON2ID.exec(stored);
    if (argon) {
      // A malformed stored hash is a non-match, never an exception at the sign-in screen.
      const ok = await verify(stored, password).catch(() => false);
      if (!ok) return { ok: false };
      const [m, t, p] = [Number(argon[1]), Number(argon[2]), Number(argon[3])];
      const weaker =
        m < this.params.memoryCost || t < this.params.timeCost || p !== this.params.parallelism;
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
    return ARGON2ID.test(stored) || BCRYPT.test(stored);
  }
}
