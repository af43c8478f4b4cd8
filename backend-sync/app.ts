import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerAuth } from './auth/auth.plugin';
import { createAuthServices } from './auth/auth-services';
import type { PasswordHasher } from './auth/password-hasher';
import {
  sealLegacyTotpSecrets,
  TOTP_SECRET_KEY_LABEL,
  TotpSecretBox,
} from './auth/totp-secret-box';
import type { PolicyFor } from './auth/policy-source';
import { fastifyTrustProxy, type Config } from './config';
import type { Database } from './db/database';
import { derivedSecret, loadSigningKeys, type SigningKeys } from './keys/signing-keys';
import type { ErrorReporter } from './observability/error-reporter';
import { registerCanonicalInput } from './plugins/canonical-input';
import { clientError, frameworkError, registerErrorHandler } from './plugins/error-handler';
import { registerMetrics } from './plugins/metrics';
import { registerOpenApi } from './plugins/openapi';
import { databaseRateLimitStore } from './plugins/rate-limit-store';
import { registerSecurity } from './plugins/security';
import { authRoutes } from './routes/auth.routes';
import { healthRoutes } from './routes/health.routes';
import { syncRoutes } from './routes/sync.routes';
import { RecordSigner } from './sync/record-signer';
import { createSyncServices } from './sync/sync-services';
import { createAdminServices } from './services/admin-services';
import { createEntryVerifier, defaultVerifyThreads } from './sync/entry-verifier';
import { createPeopleServices } from './people/people-services';
import { accountRecoveryRoutes } from './routes/account-recovery.routes';
import { profileRoutes } from './routes/profile.routes';
import { usersRoutes } from './routes/users.routes';
import { PolicyService } from './policies/policy.service';
import { ServerAudit } from './services/server-audit';
import { analyticsRoutes } from './routes/analytics.routes';
import { auditRoutes } from './routes/audit.routes';
import { deviceRoutes } from './routes/devices.routes';
import { policyRoutes } from './routes/policies.routes';
import { storeRoutes } from './routes/stores.routes';
import { UNSUBSCRIBE_KEY_LABEL, UnsubscribeLinks } from './people/unsubscribe';
import { unsubscribeRoutes } from './routes/unsubscribe.routes';
import { systemClock, type ServerClock } from './clock';
import { startMaintenance } from './services/maintenance.service';

export interface AppDeps {
  config: Config;
  database: Database;
  clock?: ServerClock;
  /** Signing keys; loaded from SIGNING_KEY or DATA_DIR/keys when not given. */
  signingKeys?: SigningKeys;
  /** Effective policy per role; the default policy document until policies are stored. */
  policyFor?: PolicyFor;
  /** Where 5xx errors are reported besides the log (Sentry when SENTRY_DSN is set). */
  errorReporter?: ErrorReporter;
  /** Password hashing (argon2id by default). */
  hasher?: PasswordHasher;
  /**
   * Start the audit verification threads with the app (the server does) instead of on the
   * first large upload (tests, which mostly send small batches, need not start them at all).
   */
  startVerifyThreads?: boolean;
  /** Prune past retention every MAINTENANCE_INTERVAL_MINUTES (the server does; tests call it). */
  startMaintenance?: boolean;
  /** Pino options override (tests silence logs; production logs JSON). */
  logger?: boolean | Record<string, unknown>;
}

/** Values never written to logs, wherever they appear in a request. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-device-credential"]',
  'req.body.password',
  'req.body.newPassword',
  'req.body.currentPassword',
  'req.body.code',
  'req.body.refreshToken',
  'req.body.changeToken',
  'req.body.setupCode',
  'req.body.totpCode',
  'req.body.token',
];

/**
 * Builds the server (the composition root of backend-sync): config validated before this is
 * called, the database open and migrated. Routes are plain functions of their dependencies.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    // Request ids are random, so a client cannot guess or set another request's id.
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    // Router errors and shutdown answers go through the one error shape (plugins/error-handler.ts
    // and plugins/security.ts) instead of Fastify's own bodies.
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    return503OnClosing: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const clock = deps.clock ?? systemClock;
  await registerSecurity(
    app,
    config,
    config.RATE_LIMIT_STORE === 'database'
      ? databaseRateLimitStore(deps.database, clock)
      : undefined,
  );
  // OpenAPI 3.1 from the route schemas, Swagger UI at /docs: before any route is added.
  await registerOpenApi(app);
  registerErrorHandler(app, deps.errorReporter);
  registerCanonicalInput(app);
  const registry = registerMetrics(app, deps.database.lostConnections);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  healthRoutes(app, deps.database, registry, config.METRICS_TOKEN);

  const keys = deps.signingKeys ?? loadSigningKeys(config);
  app.log.info(
    { source: keys.source, policyKeyId: keys.policy.keyId, tokenKeyId: keys.token.keyId },
    'signing keys loaded',
  );
  // Versioned, signed policies (version 1 is created at first start); the server's own
  // sign-in enforces the current version unless a test passes `policyFor`.
  const policies = new PolicyService(
    deps.database.db,
    clock,
    keys.policy,
    new ServerAudit(deps.database.db, clock),
  );
  await policies.load();
  // TOTP secrets are sealed at rest under a key derived from the signing key; any left in the
  // clear by an earlier version are sealed now (auth/totp-secret-box.ts).
  const totpSecrets = new TotpSecretBox(derivedSecret(keys, TOTP_SECRET_KEY_LABEL));
  const sealed = await sealLegacyTotpSecrets(deps.database.db, totpSecrets);
  if (sealed > 0) app.log.info({ sealed }, 'TOTP secrets sealed at rest');
  const auth = createAuthServices({
    config,
    database: deps.database,
    clock,
    keys,
    totpSecrets,
    policyFor: deps.policyFor ?? policies.policyFor,
    ...(deps.hasher ? { hasher: deps.hasher } : {}),
  });
  registerAuth(app, { access: auth.access, tokens: auth.tokens, clock });
  authRoutes(app, auth, config);
  // People: users across stores, verification and recovery, profile, GDPR (mail via SMTP_URL).
  const people = createPeopleServices(app, {
    config,
    database: deps.database,
    clock,
    auth,
    policyFor: deps.policyFor ?? policies.policyFor,
  });
  usersRoutes(app, people);
  profileRoutes(app, people, config);
  accountRecoveryRoutes(app, people, config);
  // Uploaded audit entries' hashes and MACs, checked off the event loop (sync/entry-verifier.ts).
  const entryVerifier = createEntryVerifier({
    threads: config.SYNC_VERIFY_THREADS ?? defaultVerifyThreads(),
    onProblem: (message) => app.log.warn(message),
  });
  app.addHook('onClose', () => entryVerifier.close());
  const verifyThreads = deps.startVerifyThreads
    ? entryVerifier
        .start()
        .then((threads) => app.log.info({ threads }, 'audit verification threads running'))
    : Promise.resolve();
  // Store PC sync and the device admin routes share these (one enrollment service for both).
  const sync = createSyncServices({
    database: deps.database,
    clock,
    audit: auth.audit,
    policies,
    totpSecrets,
    recordSigner: new RecordSigner(keys.policy),
    entryVerifier,
  });
  syncRoutes(app, {
    config,
    database: deps.database,
    clock,
    serverPublicKey: () => keys.policy.publicKeyPem,
    metrics: registry,
    services: sync,
  });
  // Stores, devices, policies, audit search and analytics (the admin API).
  const admin = {
    database: deps.database,
    clock,
    audit: auth.audit,
    policies,
    policyKey: keys.policy,
    ...createAdminServices({
      database: deps.database,
      clock,
      audit: auth.audit,
      config,
      log: app.log,
    }),
    enrollment: sync.enrollment,
    devices: sync.devices,
  };
  storeRoutes(app, admin);
  deviceRoutes(app, admin);
  policyRoutes(app, admin);
  auditRoutes(app, admin);
  // Audit partitions ahead of time and retention: at start-up, then daily.
  app.addHook('onClose', () => admin.auditMaintenance.stop());
  await admin.auditMaintenance.start();
  analyticsRoutes(app, admin);
  // The weekly digest's unsubscribe link (no session: a token signed with a derived key).
  unsubscribeRoutes(app, {
    config,
    database: deps.database,
    clock,
    audit: auth.audit,
    links: unsubscribeLinks(config, keys),
  });
  if (deps.startMaintenance && config.MAINTENANCE_INTERVAL_MINUTES > 0) {
    const maintenance = startMaintenance(app, deps.database, clock, config);
    app.addHook('onClose', () => maintenance.stop());
  }
  await verifyThreads;
  return app;
}

/** The digest's unsubscribe links, signed with a key derived from the server's signing key. */
export function unsubscribeLinks(config: Config, keys: SigningKeys): UnsubscribeLinks {
  return new UnsubscribeLinks(derivedSecret(keys, UNSUBSCRIBE_KEY_LABEL), config.PUBLIC_URL);
}
