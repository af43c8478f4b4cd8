import { createServer, Socket, type Server } from 'node:net';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { isDatabaseUnavailable } from '../../../backend-sync/db/database-unavailable';
import type { DB } from '../../../backend-sync/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, setUpAdmin, signIn, startAuthServer } from '../auth/support/auth-helpers';
import { TEST_DATABASE_URL, type TestServer } from '../support/server-harness';

/**
 * PostgreSQL ends the server's connections under it (a restart, a failover,
 * idle_session_timeout, pg_terminate_backend, a network drop): the server never exits, /ready
 * answers 503 while the database cannot be reached and 200 once it can, and the next requests
 * succeed on new connections (db/database.ts).
 */
const suite = TEST_DATABASE_URL ? describe : describe.skip;

/** Ends every backend of one test server (its application_name is its schema). */
async function terminateBackends(s: TestServer): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const r = await client.query(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [s.pgSchema],
    );
    return r.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** A TCP relay to PostgreSQL that the test can cut (every connection dropped, new ones refused). */
async function startRelay(target: URL): Promise<{
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(Number(target.port || 5432), target.hostname, () => {
      client.pipe(upstream).pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 100));

suite('PostgreSQL connections lost under the server', () => {
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelay(new URL(TEST_DATABASE_URL!));
    const server = await startAuthServer('postgres', { DATABASE_URL: relay.url });
    s = server.s;
    const { secret } = await setUpAdmin(server, 'faults.admin@example.com');
    admin = (await signIn(server, 'faults.admin@example.com', secret)).accessToken;
  });
  afterAll(async () => {
    relay.restore();
    await s.close();
    await relay.close();
  });

  const ready = () => s.app.inject({ url: '/ready' });
  const stores = () => s.app.inject({ url: '/api/v1/stores', headers: bearer(admin) });
  const lostMetric = async () => {
    const text = (await s.app.inject({ url: '/metrics' })).body;
    return Number(/^keyholder_database_connections_lost_total (\d+)$/m.exec(text)?.[1]);
  };

  it('idle connections ended by the database: the server stays up and the next requests succeed', async () => {
    // Fill the pool with idle connections, then end them all while nothing runs.
    await Promise.all(Array.from({ length: 4 }, stores));
    const lostBefore = await lostMetric();
    expect(await terminateBackends(s)).toBeGreaterThan(0);
    await tick();
    expect(await lostMetric()).toBeGreaterThan(lostBefore);
    expect((await ready()).statusCode).toBe(200);
    const r = await stores();
    expect(r.statusCode, r.body).toBe(200);
  });

  it('connections ended while it serves requests: no exit, and every later request succeeds', async () => {
    const during: Promise<number>[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 8; i++) during.push(stores().then((r) => r.statusCode));
      await terminateBackends(s);
    }
    // A request whose statement was running when its connection ended may fail: 503
    // database_unavailable, which a client retries; none may take the server down.
    const statuses = await Promise.all(during);
    expect(statuses.filter((code) => code !== 200 && code !== 503)).toEqual([]);
    await tick();
    for (let i = 0; i < 10; i++) {
      const r = await stores();
      expect(r.statusCode, r.body).toBe(200);
    }
    expect((await ready()).statusCode).toBe(200);
  });

  it('a read whose connection was ended runs once more on a new one; a write is not retried', async () => {
    const end = async (pid: number) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query('SELECT pg_terminate_backend($1)', [pid]).finally(() => client.end());
      await tick();
    };
    const pidOf = async (conn: Kysely<DB>) =>
      (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid;
    await s.database.db.connection().execute(async (conn) => {
      const first = await pidOf(conn);
      await end(first);
      const read = await sql<{ one: number }>`select 1 as one`.execute(conn);
      expect(read.rows).toEqual([{ one: 1 }]);
      const second = await pidOf(conn);
      expect(second).not.toBe(first);
      await end(second);
      const write = await sql`update stores set name = name where id is null`.execute(conn).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isDatabaseUnavailable(write)).toBe(true);
    });
    expect((await stores()).statusCode).toBe(200);
  });

  it('/ready answers 503 while the database cannot be reached, and 200 once it can', async () => {
    expect((await ready()).statusCode).toBe(200);
    relay.cut();
    await tick();
    const away = await ready();
    expect(away.statusCode).toBe(503);
    expect(away.json()).toEqual({ status: 'unavailable' });
    expect((await s.app.inject({ url: '/health' })).statusCode).toBe(200);
    const refused = await stores();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toEqual({
      error: {
        code: 'database_unavailable',
        message: expect.any(String),
        requestId: expect.any(String),
      },
    });
    expect(refused.body).not.toMatch(/ECONN|postgres|terminat|socket/i);
    relay.restore();
    expect((await ready()).statusCode).toBe(200);
    expect((await stores()).statusCode).toBe(200);
  });
});
