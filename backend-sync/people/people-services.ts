import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerClock } from '../clock';
import type { AuthServices } from '../auth/auth-services';
import type { PolicyFor } from '../auth/policy-source';
import type { ClientMeta } from '../auth/token.service';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { createMailer, type Mailer } from '../email/mailer';
import { HttpError } from '../errors';
import { AccountVerificationService } from './account-verification.service';
import { EmailChangeService } from './email-change.service';
import { FindAccountService } from './find-account.service';
import { GdprService } from './gdpr.service';
import { OneTimeCodes } from './one-time-codes';
import { PasswordResetService } from './password-reset.service';
import type { PeopleDeps } from './people-deps';
import { PeopleMail } from './people-mail';
import { ProfileService } from './profile.service';
import { TwoFactorSetupService } from './two-factor-setup.service';
import { UserAccessService } from './user-access.service';
import { UserDirectoryService } from './user-directory.service';
import { UserRecoveryService } from './user-recovery.service';
import { UsersService } from './users.service';

export interface PeopleServices {
  deps: PeopleDeps;
  /** People across stores, for admins and managers (routes/users.routes.ts). */
  directory: UserDirectoryService;
  users: UsersService;
  access: UserAccessService;
  userRecovery: UserRecoveryService;
  gdpr: GdprService;
  /** The signed-in person's own account (routes/profile.routes.ts). */
  profile: ProfileService;
  emailChange: EmailChangeService;
  /** Without a session, from a mailed code or link (routes/account-recovery.routes.ts). */
  verification: AccountVerificationService;
  passwordReset: PasswordResetService;
  twoFactorSetup: TwoFactorSetupService;
  findAccount: FindAccountService;
  mail: PeopleMail;
}

/**
 * Wires the people services (users, profile, verification and recovery, GDPR) on top of the
 * auth services, and ties the mailer's life to the app's: pending background mail is awaited
 * on close.
 */
export function createPeopleServices(
  app: FastifyInstance,
  deps: {
    config: Config;
    database: Database;
    clock: ServerClock;
    auth: AuthServices;
    policyFor: PolicyFor;
    mailer?: Mailer;
  },
): PeopleServices {
  const mailer =
    deps.mailer ??
    createMailer(deps.config, (message, fields) => app.log.info(fields ?? {}, message));
  const mail = new PeopleMail(mailer, deps.config, (level, message, fields) =>
    app.log[level](fields ?? {}, message),
  );
  app.addHook('onClose', async () => {
    await mail.drain();
    mail.close();
  });
  const { db, dialect } = deps.database;
  const peopleDeps: PeopleDeps = {
    db,
    dialect,
    clock: deps.clock,
    audit: deps.auth.audit,
    tokens: deps.auth.tokens,
    lockout: deps.auth.lockout,
    hasher: deps.auth.hasher,
    totpSecrets: deps.auth.totpSecrets,
    policyFor: deps.policyFor,
    codes: new OneTimeCodes(db, deps.clock),
    mail,
  };
  const twoFactorSetup = new TwoFactorSetupService(peopleDeps);
  // A right password on an account without 2FA: the sign-in refuses, and this mails the link.
  deps.auth.signIn.onTwoFactorSetupNeeded = (userId, meta) => twoFactorSetup.request(userId, meta);
  return {
    deps: peopleDeps,
    directory: new UserDirectoryService(peopleDeps),
    users: new UsersService(peopleDeps),
    access: new UserAccessService(peopleDeps),
    userRecovery: new UserRecoveryService(peopleDeps),
    gdpr: new GdprService(peopleDeps),
    profile: new ProfileService(peopleDeps),
    emailChange: new EmailChangeService(peopleDeps),
    verification: new AccountVerificationService(peopleDeps),
    passwordReset: new PasswordResetService(peopleDeps),
    twoFactorSetup,
    findAccount: new FindAccountService(peopleDeps),
    mail,
  };
}

export function clientMeta(request: FastifyRequest): ClientMeta {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, ...(userAgent ? { userAgent } : {}) };
}

/**
 * A second rate limit keyed by something other than the client address (an account, a name),
 * as a preHandler: the body is parsed by then. The per-address limit is the route's config.
 */
export function keyedLimit(
  app: FastifyInstance,
  max: number,
  key: (request: FastifyRequest) => string,
) {
  const limiter = app.createRateLimit({ max, timeWindow: '1 minute', keyGenerator: key });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw new HttpError(429, 'rate_limited', 'Too many requests. Wait a moment and try again.');
  };
}
