import type { LightMyRequestResponse } from 'fastify';
import { generateSync } from 'otplib';
import { expect } from 'vitest';
import { PasswordHasher } from '../../../../backend-sync/auth/password-hasher';
import { defaultPolicyFor } from '../../../../backend-sync/auth/policy-source';
import { SetupService } from '../../../../backend-sync/auth/setup.service';
import type { DB } from '../../../../backend-sync/db/schema';
import { ServerAudit } from '../../../../backend-sync/services/server-audit';
import { FakeClock } from '../../../support/fake-clock';
import { startTestServer, type TestServer } from '../../support/server-harness';
import type { Dialect } from '../../../../backend-sync/db/dialect';

export const AUTH = '/api/v1/auth';
export const PASSWORD = 'correct horse battery staple 42';
/** Limits high enough that only the rate-limit tests meet them. */
export const NO_LIMITS = { AUTH_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' };

export interface AuthServer {
  s: TestServer;
  clock: FakeClock;
}

export async function startAuthServer(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<AuthServer> {
  const clock = new FakeClock();
  const s = await startTestServer(dialect, { ...NO_LIMITS, ...env }, { clock });
  return { s, clock };
}

/** What `npm run server -- create-admin` does, on the test server's database and clock. */
export function createAdmin(
  { s, clock }: AuthServer,
  email: string,
  name?: string,
): Promise<{ userId: string; setupCode: string; expiresAt: number }> {
  const setup = new SetupService({
    db: s.database.db,
    clock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(s.database.db, clock),
    policyFor: defaultPolicyFor,
  });
  return setup.createAdmin({ email, ...(name ? { name } : {}) });
}

/** The current TOTP code for `secret` on the fake clock. */
export function totp(secret: string, clock: FakeClock): string {
  return generateSync({ secret, epoch: Math.floor(clock.nowMs() / 1000) });
}

/** Moves to the next 30-second step, so a fresh code exists (each code is usable once). */
export function nextStep(clock: FakeClock): void {
  clock.advance(30_000);
}

export function post(
  s: TestServer,
  path: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method: 'POST',
    url: `${AUTH}${path}`,
    payload: payload as object,
    headers,
  });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** create-admin, then setup start + complete through the API. Returns the TOTP secret. */
export async function setUpAdmin(
  server: AuthServer,
  email: string,
  password = PASSWORD,
): Promise<{ userId: string; secret: string }> {
  const { s, clock } = server;
  const { userId, setupCode } = await createAdmin(server, email, 'Ada Admin');
  const start = await post(s, '/setup/start', { email, setupCode });
  expect(start.statusCode).toBe(200);
  const { secret } = start.json() as { secret: string };
  const done = await post(s, '/setup/complete', {
    email,
    setupCode,
    password,
    totpCode: totp(secret, clock),
  });
  expect(done.statusCode, done.body).toBe(200);
  nextStep(clock);
  return { userId, secret };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export async function signIn(
  { s, clock }: AuthServer,
  email: string,
  secret: string,
  password = PASSWORD,
): Promise<Tokens> {
  nextStep(clock);
  const r = await post(s, '/sign-in', { email, password, totpCode: totp(secret, clock) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Tokens;
}

export async function me(s: TestServer, accessToken: string): Promise<number> {
  return (await s.app.inject({ url: `${AUTH}/me`, headers: bearer(accessToken) })).statusCode;
}

/** The generic error body: a code, a message and a request id — nothing else. */
export function expectGenericError(r: LightMyRequestResponse, status: number, code?: string): void {
  expect(r.statusCode, r.body).toBe(status);
  const body = r.json() as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({
    code: code ?? expect.any(String),
    message: expect.any(String),
    requestId: expect.any(String),
  });
  expect(r.body).not.toMatch(/stack|sql|select |insert |kysely|zod|at \//i);
}

/** Row counts of every table the auth routes write to. */
export async function authRowCounts(s: TestServer): Promise<Record<string, number>> {
  const tables: (keyof DB)[] = [
    'users',
    'one_time_tokens',
    'refresh_families',
    'refresh_tokens',
    'sign_in_failures',
    'server_audit',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await s.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

export async function auditActions(s: TestServer, userId?: string): Promise<string[]> {
  let q = s.database.db.selectFrom('server_audit').select(['action', 'outcome', 'details']);
  if (userId) q = q.where('target_id', '=', userId);
  const rows = await q.orderBy('id').execute();
  return rows.map(
    (r) =>
      `${r.action}:${r.outcome}:${(JSON.parse(r.details) as { reason?: string }).reason ?? ''}`,
  );
}
