import type { ServerClock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { SigningKeys } from '../keys/signing-keys';
import { ServerAudit } from '../services/server-audit';
import { AccessTokens } from './access-tokens';
import { LockoutService } from './lockout.service';
import { PasswordHasher } from './password-hasher';
import { defaultPolicyFor, type PolicyFor } from './policy-source';
import { SetupService } from './setup.service';
import { SignInService } from './sign-in.service';
import { PasswordChangeRequiredService } from './password-change-required.service';
import { TokenService } from './token.service';
import type { TotpSecretBox } from './totp-secret-box';

export interface AuthServices {
  audit: ServerAudit;
  access: AccessTokens;
  tokens: TokenService;
  lockout: LockoutService;
  signIn: SignInService;
  /** The step after a sign-in with a temporary password. */
  passwordChanges: PasswordChangeRequiredService;
  setup: SetupService;
  hasher: PasswordHasher;
  totpSecrets: TotpSecretBox;
}

/** Wires the auth services from their dependencies (used by buildApp and the CLI). */
export function createAuthServices(deps: {
  config: Config;
  database: Database;
  clock: ServerClock;
  keys: Pick<SigningKeys, 'token'>;
  policyFor?: PolicyFor;
  /** argon2id by default; benchmarks swap it to time the rest of a sign-in. */
  hasher?: PasswordHasher;
  /** Seals TOTP secrets at rest (a key derived from the signing key: see buildApp). */
  totpSecrets: TotpSecretBox;
}): AuthServices {
  const { db } = deps.database;
  const clock = deps.clock;
  const policyFor = deps.policyFor ?? defaultPolicyFor;
  const audit = new ServerAudit(db, clock);
  const hasher = deps.hasher ?? new PasswordHasher();
  const access = new AccessTokens(deps.keys.token, deps.config);
  const tokens = new TokenService(
    db,
    clock,
    access,
    audit,
    deps.config,
    deps.database.dialect,
    deps.database.statements,
  );
  const lockout = new LockoutService(db);
  const core = { db, clock, hasher, lockout, tokens, audit, policyFor };
  const passwordChanges = new PasswordChangeRequiredService(core);
  return {
    audit,
    access,
    tokens,
    lockout,
    hasher,
    signIn: new SignInService({
      ...core,
      dialect: deps.database.dialect,
      statements: deps.database.statements,
      totpSecrets: deps.totpSecrets,
      passwordChanges,
    }),
    passwordChanges,
    setup: new SetupService({
      db,
      clock,
      hasher,
      audit,
      policyFor,
      totpSecrets: deps.totpSecrets,
    }),
    totpSecrets: deps.totpSecrets,
  };
}
