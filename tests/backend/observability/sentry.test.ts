import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTransport, type NodeOptions } from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../backend-sync/app';
import { loadConfig } from '../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import type { ErrorReporter } from '../../../backend-sync/observability/error-reporter';
import { initSentry } from '../../../backend-sync/observability/sentry';

const run = promisify(execFile);
/** A DSN that goes nowhere: port 9 (discard) on loopback. Nothing is sent over the network. */
const DSN = 'http://public@127.0.0.1:9/1';

describe('Sentry is loaded only when SENTRY_DSN is set', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sentry-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The real entry point (`npm run server -- backup`, which stops at its usage line). */
  async function sentryModulesLoaded(env: Record<string, string>): Promise<number> {
    const r = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './tests/backend/support/record-imports.ts',
        'backend-sync/main.ts',
        'backup',
      ],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
        timeout: 60_000,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(r.stderr).toMatch(/backup needs --to FILE/);
    return Number(/\[record-imports\] @sentry modules: (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  }

  it('without SENTRY_DSN, no @sentry module is even resolved', { timeout: 60_000 }, async () => {
    expect(await sentryModulesLoaded({})).toBe(0);
  });

  it('with SENTRY_DSN, main.ts loads it before the command runs', { timeout: 60_000 }, async () => {
    expect(await sentryModulesLoaded({ SENTRY_DSN: DSN })).toBeGreaterThan(0);
  });
});

describe('a 500 is reported to Sentry, without what the client sent', () => {
  const envelopes: string[] = [];
  const recording: NodeOptions['transport'] = (options) =>
    createTransport(options, async (request) => {
      envelopes.push(
        typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString(),
      );
      return { statusCode: 200 };
    });
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sentry-'));
  let database: Database;
  let reporter: ErrorReporter;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SENTRY_DSN: DSN });
    database = await openServerDatabase(config);
    reporter = initSentry({ dsn: DSN, release: 'test', transport: recording });
    app = await buildApp({ config, database, logger: false, errorReporter: reporter });
    app.post('/boom/:id', async () => {
      throw new Error('kaboom: the disk is on fire');
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function events(): Record<string, unknown>[] {
    return envelopes.flatMap((envelope) => {
      const lines = envelope.split('\n');
      return lines.flatMap((line, i) =>
        line.includes('"type":"event"') && lines[i + 1]
          ? [JSON.parse(lines[i + 1]!) as Record<string, unknown>]
          : [],
      );
    });
  }

  it('captures the exception with route, method and request id only', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/boom/42?token=query-secret-123',
      headers: {
        authorization: 'Bearer header-secret-456',
        cookie: 'session=cookie-secret-789',
        'user-agent': 'agent-string-abc',
      },
      payload: { password: 'body-secret-000' },
    });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({
      error: {
        code: 'internal',
        message: 'Something went wrong. Try again later.',
        requestId: expect.any(String),
      },
    });
    // A 4xx is the client's problem, not the server's: not reported.
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/stores' })).statusCode).toBe(401);

    await reporter.close(5000);
    const captured = events();
    expect(captured).toHaveLength(1);
    const event = captured[0]!;
    expect(JSON.stringify(event.exception)).toContain('kaboom: the disk is on fire');
    expect(event.tags).toMatchObject({
      request_id: r.json<{ error: { requestId: string } }>().error.requestId,
      route: '/boom/:id',
      method: 'POST',
    });
    expect(event.release).toBe('test');
    const everything = envelopes.join('\n');
    for (const secret of [
      'query-secret-123',
      'header-secret-456',
      'cookie-secret-789',
      'body-secret-000',
      'agent-string-abc',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
