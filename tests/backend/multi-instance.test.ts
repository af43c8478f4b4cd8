// Two sync server instances (real `npm run server` processes) on one PostgreSQL database behind
// a real HAProxy, started with docs/examples/haproxy.cfg (only its addresses changed): what one
// instance decides, the other honours (rate limits, lockout, signing keys, refresh rotation,
// idempotent audit uploads), and a rolling restart under load loses nothing and shows clients
// no 5xx other than the documented 503s (docs/OPERATIONS.md, "Several instances in production").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../common/audit/audit-record';
import { signedChain } from './support/audit-chain';
import { findHaproxy, startLoadBalancer, type LoadBalancer } from './support/load-balancer';
import { TEST_DATABASE_URL } from './support/server-harness';
import {
  setUpAdminOverHttp,
  signInOverHttp,
  startServerInstances,
  type ServerInstances,
} from './support/server-instances';
import { enrollSimPc, syncSimPc, type SimPc } from './support/simulated-pc';

const haproxy = findHaproxy();
const missing = [
  haproxy ? null : 'haproxy (Debian package `haproxy`)',
  TEST_DATABASE_URL ? null : 'KEYHOLDER_TEST_DATABASE_URL (a PostgreSQL URL)',
].filter(Boolean);
if (missing.length > 0) {
  console.warn(
    `\n[keyholder] multi-instance tests skipped: install or set ${missing.join(' and ')}.\n`,
  );
}
const suite = missing.length > 0 ? describe.skip : describe;

/** Per address and per account, a minute; shared by both instances (RATE_LIMIT_STORE=database). */
const AUTH_LIMIT = 10;

interface Answer {
  status: number;
  body: { error?: { code?: string } } & Record<string, unknown>;
}

/** One request; `from` is the client's address as the balancer forwards it (X-Forwarded-For). */
async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  o: { body?: object; token?: string; from?: string } = {},
): Promise<Answer> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(o.body ? { 'content-type': 'application/json' } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.from ? { 'x-forwarded-for': o.from } : {}),
    },
    ...(o.body ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await r.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { text };
  }
  return { status: r.status, body };
}

suite('two instances behind HAProxy on one PostgreSQL database', () => {
  let group: ServerInstances;
  let lb: LoadBalancer;
  let adminToken: string;
  let storeId: string;
  const [sync1, sync2] = [() => group.instances[0]!, () => group.instances[1]!];

  const newAdmin = (email: string, via: string, from: string) =>
    setUpAdminOverHttp(group.database, via, email, from);
  const signIn = (email: string, secret: string, via: string, from: string) =>
    signInOverHttp(via, email, secret, from);
  /** Requests each instance counted on a route, by status class, from its own /metrics. */
  async function served(route: string): Promise<number[]> {
    return Promise.all(
      group.instances.map(async (i) => {
        const text = await (await fetch(`${i.url}/metrics`)).text();
        const pattern = new RegExp(
          `^keyholder_http_requests_total\\{route="${route}",status="[0-9]xx"\\} (\\d+)$`,
          'gm',
        );
        return [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
      }),
    );
  }
  async function enroll(
    name: string,
    from: string,
    retry?: Parameters<typeof enrollSimPc>[0]['retry'],
  ) {
    const code = await call(lb.url, 'POST', `/api/v1/stores/${storeId}/enrollment-codes`, {
      body: {},
      token: adminToken,
    });
    expect(code.status).toBe(201);
    return enrollSimPc({
      url: lb.url,
      code: code.body.code as string,
      storeId,
      name,
      headers: { 'x-forwarded-for': from },
      ...(retry ? { retry } : {}),
    });
  }
  /** The next `count` entries of a PC's chain (its head moves on). */
  function nextEntries(pc: SimPc, count: number): AuditRecord[] {
    const entries = signedChain(pc.id, pc.macKey, count, {
      startSeq: pc.head.seq + 1,
      prevHash: pc.head.hash,
      at: Date.now() - 3_600_000,
    });
    pc.head = { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash };
    return entries;
  }
  /** What the database holds for a device: every seq once, 1..head, each entry chained to the last. */
  async function storedChain(deviceId: string) {
    const rows = await group.database.db
      .selectFrom('audit_events')
      .select(['seq', 'prev_hash', 'hash'])
      .where('device_id', '=', deviceId)
      .orderBy('seq')
      .execute();
    const breaks = rows.filter(
      (r, i) => Number(r.seq) !== i + 1 || (i > 0 && r.prev_hash !== rows[i - 1]!.hash),
    );
    return { count: rows.length, breaks: breaks.map((r) => Number(r.seq)) };
  }

  beforeAll(async () => {
    group = await startServerInstances(TEST_DATABASE_URL!, 2, {
      AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT),
      RATE_LIMIT_PER_MINUTE: '100000',
      // Two cores are shared by both instances, PostgreSQL, HAProxy and the test.
      SYNC_VERIFY_THREADS: '0',
    });
    lb = await startLoadBalancer(haproxy!, group.instances);
    await lb.waitFor('sync1', 'UP');
    await lb.waitFor('sync2', 'UP');
    const admin = await newAdmin('franchise.admin@example.com', lb.url, '192.0.2.1');
    adminToken = (await signIn('franchise.admin@example.com', admin.secret, lb.url, '192.0.2.1'))
      .accessToken;
    const store = await call(lb.url, 'POST', '/api/v1/stores', {
      body: { name: 'Store 001', brand: 'Northwind' },
      token: adminToken,
    });
    expect(store.status).toBe(201);
    storeId = store.body.id as string;
  }, 180_000);
  afterAll(async () => {
    await lb?.close();
    await group?.close();
  }, 60_000);

  it('a token one instance issued is accepted by the other, and a refresh race has one winner', async () => {
    const email = 'riley@example.com';
    const { secret } = await newAdmin(email, sync1().url, '192.0.2.2');
    const tokens = await signIn(email, secret, sync1().url, '192.0.2.2');
    // One SIGNING_KEY: sync2 verifies what sync1 signed.
    expect(
      (await call(sync2().url, 'GET', '/api/v1/auth/me', { token: tokens.accessToken })).status,
    ).toBe(200);

    // The same refresh token at both instances at once: the database decides, one wins; the
    // loser looks like a replayed stolen token, so the family is revoked (auth/token.service.ts).
    const race = await Promise.all(
      [sync1(), sync2()].map((i) =>
        call(i.url, 'POST', '/api/v1/auth/refresh', {
          body: { refreshToken: tokens.refreshToken },
          from: '192.0.2.2',
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = race.find((r) => r.status === 200)!.body as unknown as { accessToken: string };
    for (const i of group.instances)
      expect(
        (await call(i.url, 'GET', '/api/v1/auth/me', { token: winner.accessToken })).status,
      ).toBe(401);
  });

  it('one address gets the rate limit once, whichever instance answers', async () => {
    const before = await served('/api/v1/auth/refresh');
    const statuses: number[] = [];
    for (let n = 0; n < AUTH_LIMIT + 4; n++) {
      const r = await call(lb.url, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: `khr_${'A'.repeat(43)}` },
        from: '203.0.113.7',
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), ...Array(4).fill(429)]);
    // Both instances answered some of them (with memory counters that would be 2 × the limit).
    const after = await served('/api/v1/auth/refresh');
    expect(after.map((n, i) => n - before[i]!).every((n) => n > 0)).toBe(true);
  });

  it('50 concurrent wrong passwords over both instances: exactly the schedule’s checks, then the lock', async () => {
    const { userId } = await newAdmin('target@example.com', lb.url, '192.0.2.3');
    const burst = (email: string) =>
      Promise.all(
        // From 50 addresses, so only the account's own counters speak.
        Array.from({ length: 50 }, (_, n) =>
          call(lb.url, 'POST', '/api/v1/auth/sign-in', {
            body: { email, password: 'wrong guess 1', totpCode: '000000' },
            from: `198.51.100.${n + 1}`,
          }),
        ),
      );
    const before = await served('/api/v1/auth/sign-in');
    const first = await burst('target@example.com');
    // A 401 invalid_credentials is a password checked; every other attempt was refused before
    // the hash ran (429: the progressive delay, or the account's rate limit).
    expect(first.filter((r) => r.status === 401)).toHaveLength(3);
    expect(first.filter((r) => r.status === 429)).toHaveLength(47);
    const after = await served('/api/v1/auth/sign-in');
    expect(after.map((n, i) => n - before[i]!).every((n) => n > 0)).toBe(true);
    const failures = (id: string) =>
      group.database.db
        .selectFrom('sign_in_failures')
        .selectAll()
        .where('subject', '=', `u:${id}`)
        .executeTakeFirstOrThrow();
    expect(Number((await failures(userId)).failures)).toBe(3);

    // Another admin one failure short of the lock (the tenth, for admins), the delay long
    // past: a burst gets exactly one check, which locks the account once, and none after it.
    // (Another account: this one's rate limit is spent for the minute.)
    const locked = await newAdmin('second.target@example.com', lb.url, '192.0.2.4');
    await group.database.db
      .insertInto('sign_in_failures')
      .values({
        subject: `u:${locked.userId}`,
        failures: 9,
        last_failed_at: Date.now() - 3_600_000,
        locked_until: null,
        locked_by_admin: 0,
      })
      .execute();
    const second = await burst('second.target@example.com');
    expect(second.filter((r) => r.status === 401)).toHaveLength(1);
    const row = await failures(locked.userId);
    expect(Number(row.failures)).toBe(10);
    expect(row.locked_until).not.toBeNull();
    const lockouts = await group.database.db
      .selectFrom('server_audit')
      .select('action')
      .where('action', '=', 'auth.lockout')
      .where('target_id', '=', locked.userId)
      .execute();
    expect(lockouts).toHaveLength(1);
  });

  it('the same audit upload sent to both instances at once is stored once', async () => {
    const pc = await enroll('Till 1', '203.0.113.20');
    const upload = async (base: string, entries: AuditRecord[], key: string) => {
      for (;;) {
        const r = await fetch(`${base}/api/v1/sync/audit`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Device ${pc.credential}`,
            'idempotency-key': key,
          },
          body: JSON.stringify({ entries }),
        });
        const body = (await r.json()) as { acknowledgedSeq?: number; error?: { code: string } };
        // The other instance holds the key: come back, as a PC does.
        if (r.status === 409 && body.error?.code === 'request_in_progress') continue;
        return { status: r.status, body };
      }
    };
    // One batch, one key, at both instances at once; then the next batch under two keys (a PC
    // that lost the answer and sent it again with a new run).
    const first = nextEntries(pc, 40);
    const a = await Promise.all(
      [sync1(), sync2()].map((i) => upload(i.url, first, 'audit-batch-1')),
    );
    expect(a.map((r) => [r.status, r.body.acknowledgedSeq])).toEqual([
      [200, 40],
      [200, 40],
    ]);
    const second = nextEntries(pc, 40);
    const b = await Promise.all(
      [sync1(), sync2()].map((i, n) => upload(i.url, second, `audit-batch-2-${n}`)),
    );
    expect(b.map((r) => [r.status, r.body.acknowledgedSeq])).toEqual([
      [200, 80],
      [200, 80],
    ]);
    expect(await storedChain(pc.id)).toEqual({ count: 80, breaks: [] });
  });

  it('restarting the instances one by one under load: nothing lost, no 5xx but documented 503s', async () => {
    // A few store PCs syncing in a loop, retrying as a core does; an admin console; sign-ins.
    const retry = {
      attempts: 20,
      maxWaitMs: 10_000,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 500))),
      random: Math.random,
      nowMs: () => Date.now(),
    };
    const answers: Answer[] = [];
    const failures: string[] = [];
    const pcs: SimPc[] = [];
    for (let n = 0; n < 4; n++)
      pcs.push(await enroll(`Till ${n + 2}`, `203.0.113.${30 + n}`, retry));
    for (const pc of pcs) {
      pc.client.interceptors.response.use((r) => {
        answers.push({ status: r.status, body: r.data as Answer['body'] });
        return r;
      });
    }
    const syncs = new Map(pcs.map((pc) => [pc.id, 0]));
    let running = true;
    const pcLoops = pcs.map(async (pc) => {
      while (running) {
        try {
          await syncSimPc(pc, [...pc.unsent, ...nextEntries(pc, 15)]);
          syncs.set(pc.id, syncs.get(pc.id)! + 1);
        } catch (error) {
          failures.push(`${pc.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    let attempt = 0;
    const consoleLoop = (async () => {
      while (running) {
        const list = await call(lb.url, 'GET', '/api/v1/stores', { token: adminToken });
        attempt += 1;
        const guess = await call(lb.url, 'POST', '/api/v1/auth/sign-in', {
          body: { email: `nobody${attempt}@example.com`, password: 'a guess', totpCode: '000000' },
          from: `100.64.${attempt >> 8}.${attempt & 255}`,
        });
        answers.push(list, guess);
        if (list.status >= 500 || guess.status >= 500) await new Promise((r) => setTimeout(r, 200));
      }
    })();
    /** Waits until every PC has synced `more` more times. */
    const progress = async (more: number) => {
      const target = new Map([...syncs].map(([id, n]) => [id, n + more]));
      while ([...syncs].some(([id, n]) => n < target.get(id)!)) {
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    await progress(2);
    // sync1: SIGTERM with no warning (as a crash-free restart by systemd): HAProxy notices
    // through /ready and its retries.
    await sync1().stop();
    await lb.waitFor('sync1', 'DOWN');
    await progress(2);
    await sync1().start();
    await lb.waitFor('sync1', 'UP');
    await progress(2);
    // sync2: the documented rolling restart, drained on the balancer first.
    await lb.command('set server keyholder_sync/sync2 state drain');
    await sync2().stop();
    await progress(2);
    await sync2().start();
    await lb.command('set server keyholder_sync/sync2 state ready');
    await lb.waitFor('sync2', 'UP');
    await progress(2);
    running = false;
    await Promise.all([...pcLoops, consoleLoop]);

    expect(failures).toEqual([]);
    // Every 5xx is one of the server's documented 503s, in its own error shape.
    const fiveHundreds = answers.filter((r) => r.status >= 500);
    expect(
      fiveHundreds.filter(
        (r) =>
          r.status !== 503 ||
          !['unavailable', 'database_unavailable', 'server_busy'].includes(
            r.body.error?.code ?? '',
          ),
      ),
    ).toEqual([]);
    // The rest: successes, the guesses' 401s, and the answers a PC retries (a duplicate of an
    // upload still running elsewhere, after the balancer sent it again; a rate limit).
    const expected = [
      '200',
      '401 invalid_credentials',
      '409 request_in_progress',
      '429 rate_limited',
    ];
    expect(
      answers
        .filter((r) => r.status < 500)
        .map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body.error?.code}`))
        .filter((s) => !expected.includes(s)),
    ).toEqual([]);
    for (const pc of pcs) {
      expect(pc.unsent).toEqual([]);
      expect(await storedChain(pc.id)).toEqual({ count: pc.head.seq, breaks: [] });
    }
  }, 300_000);
});
