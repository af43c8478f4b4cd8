import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../../backend-sync/config';
import { createAdmission, type Admission } from '../../../backend-sync/plugins/admission';
import { registerErrorHandler } from '../../../backend-sync/plugins/error-handler';

/**
 * Upload admission (plugins/admission.ts): at most `concurrency` uploads are processed, the
 * next `queue` wait with their bodies unread, and the one after that gets 503 + Retry-After.
 */
let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

interface Harness {
  app: FastifyInstance;
  admission: Admission;
  /** Bodies Fastify has started to read (a waiting upload's is not read yet). */
  parsed: string[];
  /** Lets every handler that is waiting finish. */
  open(): void;
}

async function harness(concurrency: number, queue: number): Promise<Harness> {
  const admission = createAdmission({ concurrency, queue, retryAfterSeconds: 5 });
  const parsed: string[] = [];
  let gate!: () => void;
  let opened = new Promise<void>((resolve) => (gate = resolve));
  app = Fastify({ logger: false });
  registerErrorHandler(app);
  app.post(
    '/upload',
    {
      onRequest: admission.enter,
      preParsing: async (request) => {
        parsed.push(String(request.headers['x-name']));
      },
    },
    async (request) => {
      await opened;
      return { name: request.headers['x-name'], body: request.body };
    },
  );
  await app.ready();
  return {
    app,
    admission,
    parsed,
    open() {
      gate();
      opened = new Promise<void>((resolve) => (gate = resolve));
    },
  };
}

const upload = (h: Harness, name: string) =>
  h.app.inject({ method: 'POST', url: '/upload', headers: { 'x-name': name }, payload: { name } });

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

it('processes at most `concurrency` uploads; the next wait unread; past the queue, 503 + Retry-After', async () => {
  const h = await harness(2, 1);
  const replies = ['a', 'b', 'c'].map((name) => upload(h, name));
  await settle();
  expect(h.admission.load()).toEqual({ active: 2, waiting: 1 });
  expect(h.parsed).toEqual(['a', 'b']); // c waits before its body is read

  const refused = await upload(h, 'd');
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.json()).toEqual({
    error: {
      code: 'server_busy',
      message: 'The server is busy. Try again shortly.',
      requestId: expect.any(String),
    },
  });
  expect(h.parsed).not.toContain('d');

  h.open();
  await settle();
  expect(h.parsed).toEqual(['a', 'b', 'c']);
  h.open();
  const answers = await Promise.all(replies);
  expect(answers.map((r) => r.json<{ name: string }>().name)).toEqual(['a', 'b', 'c']);
  expect(h.admission.load()).toEqual({ active: 0, waiting: 0 });
});

it('gives the slot back when a request fails, and serves the waiting in order', async () => {
  const h = await harness(1, 10);
  const bad = h.app.inject({
    method: 'POST',
    url: '/upload',
    headers: { 'x-name': 'bad', 'content-type': 'application/json' },
    payload: '{ not json',
  });
  const good = ['1', '2', '3'].map((name) => upload(h, name));
  expect((await bad).statusCode).toBe(400);
  for (let i = 0; i < 3; i++) {
    await settle();
    h.open();
  }
  expect((await Promise.all(good)).map((r) => r.statusCode)).toEqual([200, 200, 200]);
  expect(h.parsed).toEqual(['bad', '1', '2', '3']);
  expect(h.admission.load()).toEqual({ active: 0, waiting: 0 });
});

it('a client that goes away while waiting leaves the queue; one that goes away while served gives its slot back', async () => {
  const h = await harness(1, 10);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const send = (name: string) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/upload',
      headers: { 'content-type': 'application/json', 'x-name': name },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ name }));
    return req;
  };
  const served = send('served');
  await settle();
  const waiter = send('waiter');
  await settle();
  expect(h.admission.load()).toEqual({ active: 1, waiting: 1 });
  waiter.destroy();
  await settle();
  expect(h.admission.load()).toEqual({ active: 1, waiting: 0 });
  served.destroy();
  await settle();
  h.open();
  await settle();
  expect(h.admission.load()).toEqual({ active: 0, waiting: 0 });
  // And the route still works.
  const after = upload(h, 'after');
  await settle();
  h.open();
  expect((await after).statusCode).toBe(200);
  expect(h.parsed).not.toContain('waiter');
});

it('reads its limits from the environment, with defaults and a clear message for bad values', () => {
  const defaults = loadConfig({ DATA_DIR: '/tmp/unused' });
  expect([defaults.SYNC_UPLOAD_CONCURRENCY, defaults.SYNC_UPLOAD_QUEUE]).toEqual([16, 2000]);
  expect(
    loadConfig({ DATA_DIR: '/tmp/unused', SYNC_UPLOAD_CONCURRENCY: '4', SYNC_UPLOAD_QUEUE: '0' }),
  ).toMatchObject({ SYNC_UPLOAD_CONCURRENCY: 4, SYNC_UPLOAD_QUEUE: 0 });
  expect(() => loadConfig({ DATA_DIR: '/tmp/unused', SYNC_UPLOAD_CONCURRENCY: '0' })).toThrow(
    /SYNC_UPLOAD_CONCURRENCY/,
  );
  // The heap growth the server asks of V8 (observability/heap-growth.ts), 0 = V8's own.
  expect(defaults.HEAP_GROWING_PERCENT).toBe(50);
  expect(loadConfig({ DATA_DIR: '/tmp/unused', HEAP_GROWING_PERCENT: '0' })).toMatchObject({
    HEAP_GROWING_PERCENT: 0,
  });
  expect(() => loadConfig({ DATA_DIR: '/tmp/unused', HEAP_GROWING_PERCENT: '-5' })).toThrow(
    /HEAP_GROWING_PERCENT/,
  );
  // Audit verification threads: unset (or empty, as in .env.example) = one per spare core.
  expect(defaults.SYNC_VERIFY_THREADS).toBeUndefined();
  expect(
    loadConfig({ DATA_DIR: '/tmp/unused', SYNC_VERIFY_THREADS: '' }).SYNC_VERIFY_THREADS,
  ).toBeUndefined();
  expect(loadConfig({ DATA_DIR: '/tmp/unused', SYNC_VERIFY_THREADS: '0' })).toMatchObject({
    SYNC_VERIFY_THREADS: 0,
  });
  for (const bad of ['-1', '17', '1.5', 'many']) {
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', SYNC_VERIFY_THREADS: bad })).toThrow(
      /SYNC_VERIFY_THREADS/,
    );
  }
});
