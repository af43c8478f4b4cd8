import type { ServerClock } from '../clock';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../common/audit/canonical-json';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';

/** A claim older than this whose request never finished (the server died) may be taken over. */
export const STALE_CLAIM_MS = 2 * 60_000;

export const requestHash = (payload: unknown): string =>
  createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');

/**
 * The fingerprint an audit upload's key is stored with (one-commit form): SHA-256 over each
 * entry's seq, hash and MAC in the order sent, marked `a1:`. An entry's hash covers every other
 * field of it, and a batch is stored only once every hash of it has been recomputed and every
 * MAC checked, so two uploads with the same fingerprint carry the same entries; hashing these
 * 150 bytes an entry costs a fraction of serialising the whole payload (`requestHash`). A
 * payload whose fields were changed under unchanged hashes can never be stored: under a new key
 * it fails the chain check, under a used key it only gets the stored answer back. A key stored
 * by an earlier version holds a `requestHash`: `sameRequest` compares with that form then.
 */
export function uploadFingerprint(
  entries: ReadonlyArray<{ seq: number; hash: string; mac: string }>,
): string {
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    parts[i] = `${e.seq}.${e.hash}.${e.mac}`;
  }
  return `a1:${createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex')}`;
}

function sameRequest(stored: string, fingerprint: string, payload: unknown): boolean {
  return stored.startsWith('a1:') ? stored === fingerprint : stored === requestHash(payload);
}

const requestInProgress = () =>
  new HttpError(
    409,
    'request_in_progress',
    'The same request is still being processed. Retry shortly.',
  );

/** What a transaction found under a key (a left join, so every column may be null). */
export interface StoredKeyRow {
  request_hash: string | null;
  state: string | null;
  response: string | null;
  created_at: number | string | null;
}

const tryKeyLock = statement(
  'select pg_try_advisory_xact_lock(hashtext(?), hashtext(?)) as locked',
);
const selectKey = statement(
  'select request_hash, state, response, created_at from idempotency_keys where device_id = ? and key = ?',
);
const deleteStaleClaim = statement(
  "delete from idempotency_keys where device_id = ? and key = ? and state = 'in_progress' and created_at = ?",
);
const insertDone = statement(
  "insert into idempotency_keys (device_id, key, request_hash, state, response, created_at) values (?, ?, ?, 'done', ?, ?)",
);

/**
 * `Idempotency-Key` for device uploads, per device and per endpoint (`scope`), in one commit:
 * the key is written once, state done, with its answer, in the transaction that does the work
 * (`enter`, `lock`, `read` or a joined read, `judge`, `store`):
 * - the same key with the same payload returns the stored answer; with another payload, 422;
 * - a concurrent duplicate is told 409 `request_in_progress` without a commit of its own:
 *   - in this process, by a set of the keys whose request is running (`enter`);
 *   - on PostgreSQL across server instances too, by a transaction-scoped advisory lock on the
 *     key (`lock`, taken with `pg_try_advisory_xact_lock`: a duplicate that finds it taken is
 *     refused at once rather than waiting). SQLite has one server process (one writer) by
 *     design, so the set covers it; a second process on the same file would serialise on
 *     SQLite's write lock and find the stored answer, so each request still runs once.
 * - a request that fails rolls back with nothing written, so its key is free at once; a server
 *   killed mid-request leaves no claim behind (the lock and the set die with it).
 * Earlier versions committed an `in_progress` claim first; `judge` still honours such a row
 * (409 while it is younger than STALE_CLAIM_MS, then taken over).
 */
export class IdempotencyKeys {
  private readonly running = new Set<string>();

  constructor(private readonly clock: ServerClock) {}

  /**
   * Marks the key's request as running in this process; a second one gets 409 at once. Call
   * the returned function when the request is done, whatever its outcome.
   */
  enter(deviceId: string, scope: string, key: string): () => void {
    const id = `${deviceId}\u0000${storedKey(scope, key)}`;
    if (this.running.has(id)) throw requestInProgress();
    this.running.add(id);
    return () => this.running.delete(id);
  }

  /** PostgreSQL: the key's transaction-scoped lock, or 409 when another instance holds it. */
  async lock(
    tx: Kysely<DB>,
    dialect: Dialect,
    deviceId: string,
    scope: string,
    key: string,
  ): Promise<void> {
    if (dialect !== 'postgres') return;
    const { rows } = await tx.executeQuery<{ locked: boolean }>(
      tryKeyLock(dialect, [deviceId, storedKey(scope, key)]),
    );
    if (!rows[0]?.locked) throw requestInProgress();
  }

  /**
   * What the key holds, as read in the request's transaction (after `lock`): 'new' when this
   * request is to run, or the stored answer of the same request; 422 for another request under
   * the key; 409 for a claim of an earlier version still in progress. Such a claim abandoned
   * longer than STALE_CLAIM_MS ago is deleted here (in this transaction) and the request runs.
   */
  async judge<T>(
    tx: Kysely<DB>,
    dialect: Dialect,
    deviceId: string,
    scope: string,
    key: string,
    row: StoredKeyRow | undefined,
    fingerprint: string,
    payload: unknown,
  ): Promise<'new' | { replay: T }> {
    if (!row || row.request_hash === null) return 'new';
    if (!sameRequest(row.request_hash, fingerprint, payload)) {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (row.state === 'done' && row.response) return { replay: JSON.parse(row.response) as T };
    if (Number(row.created_at) >= this.clock.nowMs() - STALE_CLAIM_MS) throw requestInProgress();
    await tx.executeQuery(
      deleteStaleClaim(dialect, [deviceId, storedKey(scope, key), row.created_at]),
    );
    return 'new';
  }

  /** The key's row as this transaction sees it (after `lock`), for `judge`. */
  async read(
    tx: Kysely<DB>,
    dialect: Dialect,
    deviceId: string,
    scope: string,
    key: string,
  ): Promise<StoredKeyRow | undefined> {
    const { rows } = await tx.executeQuery<StoredKeyRow>(
      selectKey(dialect, [deviceId, storedKey(scope, key)]),
    );
    return rows[0];
  }

  /** Stores the key, done, with its answer: inside the transaction of the work it reports. */
  async store(
    tx: Kysely<DB>,
    dialect: Dialect,
    deviceId: string,
    scope: string,
    key: string,
    fingerprint: string,
    answer: unknown,
  ): Promise<void> {
    await tx.executeQuery(
      insertDone(dialect, [
        deviceId,
        storedKey(scope, key),
        fingerprint,
        JSON.stringify(answer),
        this.clock.nowMs(),
      ]),
    );
  }
}

/** Audit keys are stored as given (the first endpoint); other endpoints get a prefix. */
export function storedKey(scope: string, key: string): string {
  return scope === 'audit' ? key : `${scope}:${key}`;
}
