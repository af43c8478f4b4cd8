import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2ID_FLOOR } from '../../common/auth/argon2-floor';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID_ALGORITHM = 2;

/** The desktop's parameters: hashes set here verify offline on store PCs after a sync. */
export const ARGON2ID_PARAMS = ARGON2ID_FLOOR;

/**
 * Passwords are hashed exactly as typed: no trimming, no truncation. A malformed stored hash
 * is a non-match, never an exception at sign-in.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID_ALGORITHM, ...ARGON2ID_PARAMS });
  }

  async verify(stored: string | null, password: string): Promise<boolean> {
    // No hash (unknown address, pending account): verify against a dummy hash anyway, so the
    // answer takes as long as for a real account and timing does not tell who exists.
    const target = stored ?? (await this.dummyHash());
    const ok = await verify(target, password).catch(() => false);
    return ok && stored !== null;
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomUUID());
    return this.dummy;
  }
}
