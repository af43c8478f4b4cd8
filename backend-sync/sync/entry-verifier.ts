import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditRecord } from '../../common/audit/audit-record';
import { entryVerdicts } from './audit-hash';

/**
 * Recomputes each uploaded audit entry's hash and checks its MAC (`entryVerdicts`), on
 * verification threads when the batch is large enough to be worth the trip.
 *
 * Why threads: with SQLite, every write of the server happens on its one event loop, so that
 * loop is what limits how many entries per second the server can store. Hashing and MAC-checking
 * 500 entries is a third of a batch's time there, and it needs nothing from the database: the
 * ingest hands it to a thread as soon as the upload is authenticated and stores the batch
 * meanwhile, inside its transaction, which it commits only after every verdict came back clean
 * (audit-ingest.service.ts). Nothing is ever stored unverified; only the waiting overlaps.
 *
 * Invariants:
 * - `verify` always answers with a verdict for every entry, computed by `entryVerdicts` on one
 *   thread or the other: a batch below `minBatch`, a pool with no thread ready yet (threads
 *   start lazily, on the first large batch), a thread that fails or stops mid-batch, and a pool
 *   that has been closed all fall back to the calling thread. It never rejects.
 * - A thread is kept alive (ref'd) only while it holds batches, so an idle pool never keeps the
 *   process running; `close()` ends the threads.
 * - Threads that die before they are ready are restarted on later batches, up to
 *   MAX_START_FAILURES in a row; after that the pool verifies on the calling thread only and
 *   says so once through `onProblem`.
 */
export interface EntryVerifier {
  /**
   * `source`, when given, is the JSON text `entries` were parsed from, as `{ "entries": [...] }`
   * (the request body): a thread then gets that text and parses it itself, which costs the
   * caller far less than copying the parsed entries to it. Parsing the same text gives the same
   * values, so the verdicts are those of `entries` either way.
   */
  verify(entries: readonly AuditRecord[], macKey: Buffer, source?: string): Verdicts;
  /**
   * Starts the threads now (rather than on the first large batch); resolves once they run (or
   * failed to start), to how many run.
   */
  start(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A batch's verdicts, one byte per entry (`ENTRY_OK`, …). A thread writes them into memory
 * shared with the caller and marks them done there, so a caller that comes back for them after
 * its own work (the ingest, after its inserts) reads them at once with `now()`, instead of
 * waiting for the event loop to deliver the thread's message.
 */
export interface Verdicts {
  /** The verdicts if they are ready, else undefined. */
  now(): Uint8Array | undefined;
  /** The verdicts once ready. Never rejects. */
  readonly done: Promise<Uint8Array>;
}

const settled = (verdicts: Uint8Array): Verdicts => ({
  now: () => verdicts,
  done: Promise.resolve(verdicts),
});

/** Layout of a job's shared memory: its state (an Int32), then one byte per entry. */
export const STATE_BYTES = 4;
export const SHARED_DONE = 1;

export interface EntryVerifierOptions {
  /** Verification threads; 0 verifies every batch on the calling thread. */
  threads: number;
  /** Smaller batches are verified on the calling thread (the trip costs more than it saves). */
  minBatch?: number;
  /** A thread failed, or the pool gave up on threads (for the server's log). */
  onProblem?: (message: string) => void;
}

/** One thread per core beside the event loop's, at most four (the database is the limit). */
export const defaultVerifyThreads = (): number =>
  Math.min(4, Math.max(0, availableParallelism() - 1));

export const DEFAULT_MIN_BATCH = 64;
const MAX_START_FAILURES = 3;

/** Verification on the calling thread only. */
export const inlineEntryVerifier: EntryVerifier = {
  verify: (entries, macKey) => settled(entryVerdicts(entries, macKey)),
  start: () => Promise.resolve(0),
  close: () => Promise.resolve(),
};

// The thread's entry point: entry-verifier.worker.js beside this module in the built server
// (build/build-server.ts). Run from the TypeScript sources (the server under tsx, the tests),
// the thread first registers tsx's loader itself: it does not inherit the parent's (execArgv is
// empty), so it works the same whoever started the process.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.loader) (await import(workerData.loader)).register();
  await import(workerData.entry);
})();
`;

function workerEntry(): { entry: string; loader: string | null } {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./entry-verifier.worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  const loader = fromSources
    ? pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
    : null;
  return { entry: entry.href, loader };
}

interface Job {
  /** Called once the thread answered or stopped: the verdicts are then final either way. */
  finish: () => void;
}

interface VerifyThread {
  worker: Worker;
  ready: boolean;
  jobs: Map<number, Job>;
  /** Settles once the thread is ready or has stopped. */
  started: Promise<void>;
}

type Reply = { ready: true } | { id: number };

export function createEntryVerifier(options: EntryVerifierOptions): EntryVerifier {
  const minBatch = options.minBatch ?? DEFAULT_MIN_BATCH;
  const threads: VerifyThread[] = [];
  let nextId = 1;
  let startFailures = 0;
  let gaveUp = options.threads <= 0;
  let closed = false;

  const start = (): void => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      execArgv: [],
      workerData: workerEntry(),
      // A batch is at most the body limit; a few may be queued at once.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    worker.unref();
    let started = () => undefined as void;
    const thread: VerifyThread = {
      worker,
      ready: false,
      jobs: new Map(),
      started: new Promise<void>((resolve) => (started = resolve)),
    };
    threads.push(thread);
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        thread.ready = true;
        startFailures = 0;
        started();
        return;
      }
      const job = thread.jobs.get(reply.id);
      if (!job) return;
      thread.jobs.delete(reply.id);
      if (thread.jobs.size === 0 && !closed) worker.unref();
      job.finish();
    });
    worker.on('error', (error) =>
      options.onProblem?.(`verification thread failed: ${error.message}`),
    );
    worker.once('exit', () => {
      started();
      threads.splice(threads.indexOf(thread), 1);
      for (const job of thread.jobs.values()) job.finish();
      thread.jobs.clear();
      if (closed || thread.ready) return;
      startFailures += 1;
      if (startFailures >= MAX_START_FAILURES && !gaveUp) {
        gaveUp = true;
        options.onProblem?.('verification threads do not start; verifying on the main thread');
      }
    });
  };

  const pick = (): VerifyThread | undefined => {
    let best: VerifyThread | undefined;
    for (const t of threads) {
      if (t.ready && (!best || t.jobs.size < best.jobs.size)) best = t;
    }
    return best;
  };

  const startAll = (): void => {
    while (!closed && !gaveUp && threads.length < options.threads) start();
  };

  return {
    async start() {
      startAll();
      await Promise.all(threads.map((t) => t.started));
      return threads.filter((t) => t.ready).length;
    },
    verify(entries, macKey, source) {
      if (closed || gaveUp || entries.length < minBatch) {
        return settled(entryVerdicts(entries, macKey));
      }
      startAll();
      const thread = pick();
      // Still starting: no waiting for them.
      if (!thread) return settled(entryVerdicts(entries, macKey));
      const shared = new SharedArrayBuffer(STATE_BYTES + entries.length);
      const state = new Int32Array(shared, 0, 1);
      const view = new Uint8Array(shared, STATE_BYTES, entries.length);
      // Anything but a clean answer from the thread (it failed, stopped, or could not be sent
      // the batch) is verified here instead.
      let fallback: Uint8Array | undefined;
      const now = () => {
        if (Atomics.load(state, 0) === SHARED_DONE) return view;
        return fallback;
      };
      let finish = () => undefined as void;
      const done = new Promise<Uint8Array>((resolve) => {
        finish = () => {
          if (Atomics.load(state, 0) !== SHARED_DONE) fallback ??= entryVerdicts(entries, macKey);
          resolve(now()!);
        };
      });
      const id = nextId++;
      thread.jobs.set(id, { finish });
      if (thread.jobs.size === 1) thread.worker.ref();
      try {
        const key = new Uint8Array(macKey);
        thread.worker.postMessage(
          source === undefined
            ? { id, entries, macKey: key, shared }
            : { id, source, count: entries.length, macKey: key, shared },
        );
      } catch {
        thread.jobs.delete(id);
        if (thread.jobs.size === 0) thread.worker.unref();
        finish();
      }
      return { now, done };
    },
    async close() {
      closed = true;
      // Held (ref'd) until each has exited, or the process could end with `close()` pending.
      await Promise.all(
        threads.map((t) => {
          t.worker.ref();
          return t.worker.terminate();
        }),
      );
    },
  };
}
