import { randomUUID } from 'node:crypto';
import type { PasswordHasher, VerifyResult } from '../accounts/password-hasher';

/**
 * The password verify of a sign-in, started the moment its attempt is counted
 * (SignInFailures.verifyCounted with `early`): the hash runs on the hasher's thread while the
 * count commits on this one, and its verdict is read only after that commit.
 */
export class PasswordVerdicts {
  private dummy: Promise<string> | null = null;

  constructor(private readonly hasher: PasswordHasher) {}

  /**
   * Starts the verify at once (a stored hash goes to the hasher's thread before this returns).
   * With no stored hash (an unknown name) a dummy hash of a random password is verified, so
   * timing does not reveal who exists.
   */
  start(storedHash: string | null, password: string): Promise<VerifyResult> {
    return storedHash !== null
      ? this.hasher.verify(storedHash, password)
      : this.dummyHash().then((hash) => this.hasher.verify(hash, password));
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash(randomUUID());
    return this.dummy;
  }
}
