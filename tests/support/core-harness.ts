import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import type { ProfileId } from '../../common/policy/policy';
import type { SignInStep } from '../../electron/core/auth/sign-in.service';
import type { SecretStore } from '../../electron/core/keychain/secret-store';
import {
  openKeyholder,
  type Keyholder,
  type KeyholderOptions,
} from '../../electron/core/keyholder';
import { FakeClock } from './fake-clock';
import { MemorySecretStore } from './memory-secret-store';

export const ADMIN_PASSWORD = 'correct horse battery staple';

/**
 * A temp data folder, an in-memory keychain and a fake clock; `reopen` simulates a restart.
 * `extra.dataDir` puts the store in a folder of the caller's (kept by `dispose`).
 */
export class CoreHarness {
  readonly dir: string;
  kh!: Keyholder;
  private readonly ownDir: boolean;

  constructor(
    readonly secrets: SecretStore = new MemorySecretStore(),
    readonly clock = new FakeClock(),
    private readonly extra: Partial<KeyholderOptions> = {},
  ) {
    this.ownDir = extra.dataDir === undefined;
    this.dir = extra.dataDir ?? mkdtempSync(join(tmpdir(), 'keyholder-core-'));
  }

  async open(): Promise<Keyholder> {
    this.kh = await openKeyholder({
      ...this.extra,
      dataDir: this.dir,
      secrets: this.secrets,
      clock: this.clock,
    });
    return this.kh;
  }

  async reopen(): Promise<Keyholder> {
    this.kh.close();
    this.clock.restart();
    return this.open();
  }

  dispose(): void {
    try {
      this.kh?.close();
    } catch {
      /* already closed */
    }
    if (this.ownDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * A valid TOTP code for `secret`, `steps` steps away, as a phone with the right time shows it.
   * Default: the PC's wall clock; pass `atMs` when the PC's clock is deliberately wrong.
   */
  code(secret: string, steps = 0, atMs = this.clock.nowMs()): string {
    return generateSync({
      secret: secret.replace(/\s/g, ''),
      epoch: Math.floor(atMs / 1000) + steps * 30,
    });
  }

  /** First run end to end: admin created, TOTP enrolled. Returns the admin's session and secret. */
  async setUp(profile: ProfileId = 'standard') {
    await this.open();
    const step = await this.kh.firstRun.createFirstAdmin({
      profile,
      storeName: 'Maple Street',
      brandName: 'Northwind Coffee',
      username: 'Ada.Admin',
      displayName: 'Ada Admin',
      email: 'ada@example.test',
      password: ADMIN_PASSWORD,
    });
    const challengeId = expectStep(step, 'needs_totp_enrollment').challengeId;
    const enrollment = await this.kh.signIn.beginEnrollment(challengeId);
    const done = expectStep(
      await this.kh.signIn.confirmEnrollment(challengeId, this.code(enrollment.manualKey)),
      'signed_in',
    );
    this.clock.advance(30_000); // the next code belongs to a new step
    return {
      session: done.session,
      secret: enrollment.manualKey.replace(/\s/g, ''),
      recoveryCodes: done.recoveryCodes ?? [],
    };
  }

  /**
   * Full sign-in with password + TOTP for an enrolled account. An admin or manager then confirms
   * their password once, as the app asks before their first change on a standalone PC
   * (`password_required`, renderer/api/step-up.tsx); `stepUp: false` leaves that to the test.
   */
  async signInWithCode(
    username: string,
    password: string,
    secret: string,
    { stepUp = true }: { stepUp?: boolean } = {},
  ) {
    const first = expectStep(await this.kh.signIn.signIn(username, password), 'needs_totp');
    const done = expectStep(
      await this.kh.signIn.submitCode(first.challengeId, this.code(secret)),
      'signed_in',
    );
    this.clock.advance(30_000);
    if (stepUp && done.session.role !== 'viewer' && this.kh.authority.active())
      await this.kh.authority.unlock(done.session, password);
    return done.session;
  }
}

export function expectStep<S extends SignInStep['status']>(
  step: SignInStep,
  status: S,
): Extract<SignInStep, { status: S }> {
  if (step.status !== status) throw new Error(`expected ${status}, got ${step.status}`);
  return step as Extract<SignInStep, { status: S }>;
}

/** The KeyholderError code a promise or function rejects with. */
export async function errorCode(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
  return 'no error';
}
