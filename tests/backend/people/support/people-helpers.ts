import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import type { Dialect } from '../../../../backend-sync/db/dialect';
import type { DB } from '../../../../backend-sync/db/schema';
import type { TestServer } from '../../support/server-harness';
import {
  bearer,
  nextStep,
  PASSWORD,
  setUpAdmin,
  signIn,
  startAuthServer,
  totp,
  type AuthServer,
  type Tokens,
} from '../../auth/support/auth-helpers';

export const PUBLIC_URL = 'https://sync.example.test';
export const API = '/api/v1';

/** A real SMTP server on loopback that keeps every message it receives. */
export class Mailbox {
  readonly inbox: ParsedMail[] = [];
  private readonly taken = new Set<ParsedMail>();
  private server!: SMTPServer;
  url = '';

  /** `delayMs`: how long the server takes to accept each message (a slow relay). */
  static async start(delayMs = 0): Promise<Mailbox> {
    const box = new Mailbox();
    box.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          setTimeout(() => {
            box.inbox.push(mail);
            callback();
          }, delayMs);
        }, callback);
      },
    });
    await new Promise<void>((ok) => box.server.listen(0, '127.0.0.1', ok));
    const { port } = box.server.server.address() as { port: number };
    box.url = `smtp://127.0.0.1:${port}`;
    return box;
  }

  private matches(mail: ParsedMail, to: string): boolean {
    const text = mail.to && !Array.isArray(mail.to) ? mail.to.text : '';
    return text.toLowerCase() === to.toLowerCase();
  }

  /** The oldest mail to `to` not handed out yet; waits for it. */
  async next(to: string, timeoutMs = 5000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = this.inbox.find((m) => !this.taken.has(m) && this.matches(m, to));
      if (mail) {
        this.taken.add(mail);
        return mail;
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** Mail to `to` not handed out yet (after the caller has waited for the work to finish). */
  unread(to: string): ParsedMail[] {
    return this.inbox.filter((m) => !this.taken.has(m) && this.matches(m, to));
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Polls until `check` returns a truthy value (background jobs after a 202). */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** The link of a mail (URL, path to inject, and the token from its fragment) and its code. */
export function secretsOf(mail: ParsedMail): {
  url: string;
  path: string;
  token: string;
  code: string;
} {
  const text = mail.text ?? '';
  const link =
    /(https:\/\/sync\.example\.test\/account\/[a-z-]+(?:\?lang=[a-z]{2})?#token=([A-Za-z0-9_-]+))/.exec(
      text,
    );
  const code = /Your code: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(text);
  if (!link?.[1] || !link[2] || !code?.[1]) throw new Error(`no link or code in: ${text}`);
  const url = new URL(link[1]);
  // The HTML part carries the same link.
  expect(String(mail.html)).toContain(`href="${link[1]}"`);
  return { url: link[1], path: url.pathname, token: link[2], code: code[1] };
}

export interface PeopleServer extends AuthServer {
  mail: Mailbox;
  close(): Promise<void>;
}

export async function startPeopleServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: { smtpDelayMs?: number } = {},
): Promise<PeopleServer> {
  const mail = await Mailbox.start(options.smtpDelayMs);
  const server = await startAuthServer(dialect, { SMTP_URL: mail.url, PUBLIC_URL, ...env });
  return {
    ...server,
    mail,
    async close() {
      await server.s.close();
      await mail.close();
    },
  };
}

export async function seedStore(
  s: TestServer,
  name: string,
  brand = 'Burger Barn',
): Promise<string> {
  const id = randomUUID();
  await s.database.db
    .insertInto('stores')
    .values({ id, name, brand, created_at: 1, updated_at: 1 })
    .execute();
  return id;
}

export function call(
  s: TestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method,
    url: `${API}${url}`,
    ...(options.body === undefined ? {} : { payload: options.body as object }),
    headers: { ...(options.token ? bearer(options.token) : {}), ...options.headers },
  });
}

export interface Session {
  userId: string;
  email: string;
  secret: string;
  tokens: Tokens;
}

export async function adminSession(
  server: PeopleServer,
  email = 'ada@example.com',
): Promise<Session> {
  const { userId, secret } = await setUpAdmin(server, email);
  const tokens = await signIn(server, email, secret);
  return { userId, email, secret, tokens };
}

export interface NewPerson {
  email: string;
  username: string;
  displayName: string;
  role: 'admin' | 'manager' | 'viewer';
  storeIds: string[];
}

/**
 * The whole invitation flow through the API and real SMTP: create, read the mail, open the
 * link's page, start (2FA key), complete (password + 2FA code). Returns the TOTP secret.
 */
export async function inviteAndActivate(
  server: PeopleServer,
  adminToken: string,
  person: NewPerson,
  password = PASSWORD,
): Promise<{ userId: string; secret: string }> {
  const { s, clock } = server;
  const created = await call(s, 'POST', '/users', { token: adminToken, body: person });
  expect(created.statusCode, created.body).toBe(201);
  const userId = (created.json() as { id: string }).id;
  const { token } = secretsOf(await server.mail.next(person.email));
  const start = await call(s, 'POST', '/account/verification/start', { body: { token } });
  expect(start.statusCode, start.body).toBe(200);
  const secret = (start.json() as { totp: { secret: string } }).totp.secret;
  const done = await call(s, 'POST', '/account/verification/complete', {
    body: { token, password, totpCode: totp(secret, clock) },
  });
  expect(done.statusCode, done.body).toBe(200);
  nextStep(clock);
  return { userId, secret };
}

export async function activeSession(
  server: PeopleServer,
  adminToken: string,
  person: NewPerson,
): Promise<Session> {
  const { userId, secret } = await inviteAndActivate(server, adminToken, person);
  const tokens = await signIn(server, person.email, secret);
  return { userId, email: person.email, secret, tokens };
}

export async function rowCounts(s: TestServer): Promise<Record<string, number>> {
  const tables: (keyof DB)[] = [
    'users',
    'user_stores',
    'one_time_tokens',
    'refresh_families',
    'refresh_tokens',
    'sign_in_failures',
    'server_audit',
    'audit_events',
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

export async function changeSeqOf(s: TestServer, userId: string): Promise<number> {
  const row = await s.database.db
    .selectFrom('users')
    .select('change_seq')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.change_seq);
}

export async function auditOf(
  s: TestServer,
  action: string,
  targetId?: string,
): Promise<
  {
    actorId: string | null;
    targetId: string | null;
    outcome: string;
    details: Record<string, unknown>;
  }[]
> {
  let q = s.database.db
    .selectFrom('server_audit')
    .select(['actor_id', 'target_id', 'outcome', 'details'])
    .where('action', '=', action);
  if (targetId) q = q.where('target_id', '=', targetId);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    actorId: r.actor_id,
    targetId: r.target_id,
    outcome: r.outcome,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

/** Body without the per-request id, to compare two answers. */
export function withoutRequestId(r: LightMyRequestResponse): unknown {
  const body = r.json() as Record<string, unknown>;
  return JSON.parse(JSON.stringify(body).replace(/"requestId":"[^"]*"/g, '"requestId":"-"'));
}
