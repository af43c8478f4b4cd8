import autocannon, { type Result } from 'autocannon';

/**
 * The load generator of the refresh benchmark, in its own process so it does not share the
 * server's event loop: `node --import tsx bench/load-client.ts '<json>'`. Prints one JSON line.
 *
 * 1. hello: GET /bench/hello, the floor of this server's stack (hooks, headers, rate limit).
 * 2. refresh: POST /api/v1/auth/refresh. Refresh tokens are single-use, so every request takes
 *    a live token from a shared pool and puts the one its answer returns back: each pool entry
 *    is one session's rotation chain, and a connection always sends a token nobody else holds
 *    (the pool starts with more tokens than connections). A non-200 drops that chain.
 */
interface Args {
  url: string;
  connections: number;
  seconds: number;
  tokens: string[];
}

interface Figures {
  requests: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function figures(r: Result): Figures {
  return {
    requests: r.requests.total,
    ok: r['2xx'],
    perSecond: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  const base = { url: args.url, connections: args.connections, duration: args.seconds };
  const hello = await autocannon({ ...base, url: `${args.url}/bench/hello` });
  const pool = [...args.tokens];
  const refresh = await autocannon({
    ...base,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/refresh',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          // An empty pool (every chain broken) sends a token that cannot exist: a 401, counted.
          body: JSON.stringify({ refreshToken: pool.pop() ?? `khr_${'A'.repeat(43)}` }),
        }),
        onResponse: (status, body) => {
          if (status === 200)
            pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
        },
      },
    ],
  });
  process.stdout.write(
    `${JSON.stringify({ hello: figures(hello), refresh: figures(refresh), liveChains: pool.length })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
