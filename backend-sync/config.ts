import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The server's whole configuration, from the environment, validated once at boot. Every bad
 * value is reported by name with what is expected; the server does not start half-configured.
 * `.env.example` documents each variable (kept in step by tests/backend/config.test.ts).
 */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Which peers may tell the server a client's address (X-Forwarded-For), for the per-address
 * rate limits and the audit trail:
 * - `false` (or `0`, empty): none — the socket's address is the client (direct exposure);
 * - a hop count, `1`–`20`: that many proxies in front of the server, each appending the address
 *   it received from; the client is the entry that many from the right, so anything a client
 *   writes to the left of it is ignored. Safe only when nothing but those proxies can reach
 *   HOST:PORT (a direct client could pose as the last proxy): prefer addresses when you know them;
 * - a comma-separated list of proxy addresses or CIDR ranges (`10.0.0.5, 10.1.0.0/16`), or the
 *   names `loopback`, `linklocal`, `uniquelocal`: only those peers are trusted, hop by hop.
 * `true` (trust every hop) is refused: any client could pick its own address by sending the
 * header, and so dodge every per-address limit.
 */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(value: string): boolean {
  if (TRUST_PROXY_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const value = raw.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  if (['true', 'yes', 'on', 'all', '*'].includes(value)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'trusting every proxy lets any client choose its own address; give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.5 or 10.0.0.0/24)',
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 20) return hops;
    ctx.addIssue({ code: 'custom', message: 'a hop count must be between 1 and 20' });
    return z.NEVER;
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be false, a hop count (1-20) or a comma-separated list of proxy IP addresses or CIDR ranges${bad.length > 0 ? ` (not an address: ${bad.join(', ')})` : ''}`,
    });
    return z.NEVER;
  }
  return entries;
});

/**
 * Fastify's `trustProxy` for a TRUST_PROXY value. A hop count is a function: Fastify 5 treats a
 * plain number as "trust nothing", which would put every client behind the proxy in one bucket.
 */
export function fastifyTrustProxy(
  value: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value;
}

export const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /**
   * SQLite only: how hard a commit waits for the disk (WAL mode either way). `normal`: durable
   * across a crash of the server process, a power cut may lose the last commits; `full`: every
   * commit is fsynced before it is confirmed. See docs/OPERATIONS.md for the trade-off.
   */
  SQLITE_SYNCHRONOUS: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['normal', 'full'], { message: 'must be normal or full' }))
    .default('normal'),
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:8787'),
  CORS_ORIGINS: list.default([]),
  TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_ISSUER: z.string().min(1).default('keyholder-sync'),
  JWT_AUDIENCE: z.string().min(1).default('keyholder-admin'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Keyholder <no-reply@keyholder.invalid>'),
  SUPPORT_CONTACT: z.string().min(3).default('your franchise IT support'),
  SIGNING_KEY: z.string().optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(300),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10000).default(10),
  /**
   * Where rate-limit counters live: `memory` (each process its own) or `database` (shared by
   * every instance on the same database: one limit however many instances answer).
   */
  RATE_LIMIT_STORE: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['memory', 'database'], { message: 'must be memory or database' }))
    .default('memory'),
  SYNC_UPLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  SYNC_UPLOAD_QUEUE: z.coerce.number().int().min(0).max(100000).default(2000),
  /** Verification threads for uploaded audit entries; unset: one per core beside the loop, ≤ 4. */
  SYNC_VERIFY_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  /**
   * Months of uploaded audit entries kept past the current one; older months are archived to
   * AUDIT_ARCHIVE_DIR and then removed (reporting/audit-retention.ts). Unset: kept forever.
   */
  AUDIT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).optional(),
  /** Where those archives go; unset: DATA_DIR/audit-archive. */
  AUDIT_ARCHIVE_DIR: z.string().min(1).optional(),
  /**
   * Pruning (services/maintenance.service.ts): minutes between runs (0: never), days a refresh
   * token and its family are kept after the family ended, days an idempotency record is kept,
   * and rows deleted per statement. docs/OPERATIONS.md, "Sessions and upload keys: retention".
   */
  MAINTENANCE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10080).default(60),
  REFRESH_TOKEN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  IDEMPOTENCY_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
  MAINTENANCE_BATCH_SIZE: z.coerce.number().int().min(10).max(10000).default(1000),
  SENTRY_DSN: z.string().url().optional(),
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
});

export type Config = z.infer<typeof envSchema> & {
  readonly dataDir: string;
  /** AUDIT_ARCHIVE_DIR resolved, or its default in DATA_DIR. */
  readonly auditArchiveDir: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `FOO=` in a .env file means "use the default".
  const cleaned = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((k) =>
      env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]],
    ),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`,
      ),
    );
  }
  const dataDir = resolve(parsed.data.DATA_DIR);
  const auditArchiveDir = resolve(dataDir, parsed.data.AUDIT_ARCHIVE_DIR ?? 'audit-archive');
  return { ...parsed.data, dataDir, auditArchiveDir };
}
