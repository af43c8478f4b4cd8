import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * WAL checkpoints off the event loop.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses `wal_autocheckpoint` pages,
 * on the connection that commits: it copies the WAL into the database file and fsyncs both, so
 * every few hundred uploads one request's commit (and with it the whole server, better-sqlite3
 * being synchronous) waits tens of milliseconds for the disk. Here a worker thread holds its own
 * connection to the same file and runs `PRAGMA wal_checkpoint(PASSIVE)` every
 * CHECKPOINT_INTERVAL_MS: PASSIVE never takes the write lock and never waits for readers, so
 * the server's connection keeps committing while the worker copies and syncs, and the WAL is
 * restarted from its beginning by the next commit once a checkpoint has caught up (its size
 * stays bounded by what is written between two checkpoints). The worker checkpoints with the
 * server's `synchronous` setting, so durability is the same as with automatic checkpoints.
 *
 * The server's connection sets `wal_autocheckpoint = 0` only once the worker is running, and
 * turns automatic checkpoints back on if the worker stops by itself. `stop()` ends the worker;
 * closing the server's connection afterwards checkpoints what is left (SQLite does so when the
 * last connection to a WAL database closes).
 */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export async function startWalCheckpointer(
  file: string,
  synchronous: 'NORMAL' | 'FULL',
  onAutomatic: () => void,
  onError: (message: string) => void = () => undefined,
): Promise<WalCheckpointer> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module, file, synchronous, intervalMs: CHECKPOINT_INTERVAL_MS },
    // A small isolate: it only holds a connection and a timer.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    if (!stopping) onAutomatic();
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (message: unknown) => {
    if (message && typeof message === 'object' && 'error' in message) {
      onError(String((message as { error: unknown }).error));
    }
  });
  worker.on('error', (error) => onError(error.message));
  worker.unref();
  return {
    async stop() {
      stopping = true;
      worker.ref(); // keeps the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}
