import { parentPort } from 'node:worker_threads';
import type { AuditRecord } from '../../common/audit/audit-record';
import { entryVerdicts } from './audit-hash';
import { SHARED_DONE, STATE_BYTES } from './entry-verifier';

/**
 * A verification thread (see entry-verifier.ts): writes each batch's verdicts, one byte per
 * entry, into the batch's shared memory, marks them done there, then answers with the batch's
 * id. It keeps nothing between batches: the device's MAC key comes with each one.
 */
type Job = {
  id: number;
  macKey: Uint8Array;
  /** An Int32 state, then one byte per entry (entry-verifier.ts). */
  shared: SharedArrayBuffer;
} & (
  | { entries: AuditRecord[] }
  /** The request body's text, and how many entries its parse gave the caller. */
  | { source: string; count: number }
);

/** The entries of `{ "entries": [...] }`, parsed as the server's JSON body parser does. */
function entriesOf(job: Job): unknown[] | null {
  if ('entries' in job) return job.entries;
  // secure-json-parse (Fastify's parser) drops a byte order mark, then JSON.parse; its
  // prototype-poisoning checks only ever refuse a body, never change one.
  const text = job.source.charCodeAt(0) === 0xfeff ? job.source.slice(1) : job.source;
  const entries = (JSON.parse(text) as { entries?: unknown } | null)?.entries;
  return Array.isArray(entries) && entries.length === job.count ? entries : null;
}

const port = parentPort;
if (!port) throw new Error('entry-verifier.worker runs as a worker thread');

port.on('message', (job: Job) => {
  // The verdicts count only once marked done: if anything here fails, the caller verifies.
  try {
    const key = Buffer.from(job.macKey.buffer, job.macKey.byteOffset, job.macKey.byteLength);
    const entries = entriesOf(job);
    if (entries) {
      const into = new Uint8Array(job.shared, STATE_BYTES, entries.length);
      entryVerdicts(entries as AuditRecord[], key, into);
      Atomics.store(new Int32Array(job.shared, 0, 1), 0, SHARED_DONE);
    }
  } catch {
    // Left undone (a body that is not JSON, say): the caller verifies it.
  }
  port.postMessage({ id: job.id });
});
port.postMessage({ ready: true });
