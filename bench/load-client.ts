import autocannon, { type Result } from 'autocannon';

/**
 * The load generator of the refresh benchmark, in its own process so it does not share the
 * server's event loop: `node --import tsx bench/load-client.ts '<json>'`. Prints one JSON line.
 *
 * 1. hello: GET / on a bare Fastify hello-world in its own process (bench/server/hello-server.ts),
 *    the refresh goal's yardstick.
 * 2. appHello: GET /bench/hello on the app, the floor of its stack (hooks, headers, rate limit).
 * 3. refresh: POST /api/v1/auth/refresh. Refresh tokens are single-use, so every request takes
 *    a live token from a shared pool and puts the one its answer returns back: each pool entry
 *    is one session's rotation chain, and a connection always sends a token nobody else holds
 *    (the pool starts with more tokens than connections). A non-200 drops that chain.
 * `refreshFirst` runs 3 before 1 and 2, so runs can alternate the order.
 */
interface Args {
  url: string;
  helloUrl: string;
  refreshFirst: boolean;
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
  const hellos = async () => ({
    hello: figures(await autocannon({ ...base, url: `${args.helloUrl}/` })),
    appHello: figures(await autocannon({ ...base, url: `${args.url}/bench/hello` })),
  });
  const pool = [...args.tokens];
  const rotations = async () =>
    figures(
      await autocannon({
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
      }),
    );
  let refresh: Figures;
  let hello: { hello: Figures; appHello: Figures };
  if (args.refreshFirst) {
    refresh = await rotations();
    hello = await hellos();
  } else {
    hello = await hellos();
    refresh = await rotations();
  }
  process.stdout.write(`${JSON.stringify({ ...hello, refresh, liveChains: pool.length })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
