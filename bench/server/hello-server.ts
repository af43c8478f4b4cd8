import Fastify from 'fastify';

/**
 * The refresh goal's yardstick: a bare Fastify 5 hello-world, nothing registered but one route
 * and no logger, in a process of its own (`node --import tsx bench/server/hello-server.ts`), so
 * it shares neither the app's event loop nor its plugins and hooks. Listens on 127.0.0.1, prints
 * its URL as one line, and stops when its stdin closes.
 */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${url}\n`);
  process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
