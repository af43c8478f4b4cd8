import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../common/audit/canonical-json';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/database';
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
const deleteStaleClaim = statement(
  "delete from idempotency_keys where device_id = ? and key = ? and state = 'in_progress' and created_at = ?",
);
const insertDone = statement(
  "insert into idempotency_keys (device_id, key, request_hash, state, response, created_at) values (?, ?, ?, 'done', ?, ?)",
);

/**
 * `Idempotency-Key` for device uploads, per device and per endpoint (`scope`):
 * - a new key is claimed (committed at once, state in_progress), so a concurrent duplicate
 *   sees it and gets 409 `request_in_progress`;
 * - the handler's transaction stores the answer with `complete(tx, …)`, so the answer commits
 *   together with what it reports;
 * - the same key with the same payload returns the stored answer; with another payload, 422;
 * - a failed request frees its key (`release`), so the device can retry after fixing the cause;
 * - a claim left in progress by a server killed mid-request is taken over after STALE_CLAIM_MS.
 *
 * Audit uploads use the one-commit form instead (`enter`, `lock`, `judge`, `store`): the key is
 * written once, state done, in the transaction that stores the entries, and a concurrent
 * duplicate is told 409 `request_in_progress` without a commit of its own:
 * - in this process, by a set of the keys whose request is running (`enter`);
 * - on PostgreSQL across server instances too, by a transaction-scoped advisory lock on the key
 *   (`lock`, taken with `pg_try_advisory_xact_lock`: a duplicate that finds it taken is refused
 *   at once rather than waiting). SQLite has one server process (one writer) by design, so the
 *   set covers it; a second process on the same file would serialise on SQLite's write lock and
 *   find the stored answer, so each batch is still stored once.
 * A request that fails rolls back with nothing written, so its key is free at once; a server
 * killed mid-request leaves no claim behind (the lock and the set die with it).
 */
export class IdempotencyKeys {
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
  ) {}

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
    if (Number(row.created_at) >= this.now() - STALE_CLAIM_MS) throw requestInProgress();
    await tx.executeQuery(
      deleteStaleClaim(dialect, [deviceId, storedKey(scope, key), row.created_at]),
    );
    return 'new';
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
        this.now(),
      ]),
    );
  }

  /** 'new' when this call owns the key; otherwise the stored answer (or an error). */
  async claim<T>(
    deviceId: string,
    scope: string,
    key: string,
    hash: string,
  ): Promise<'new' | { replay: T }> {
    const stored = storedKey(scope, key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({
          device_id: deviceId,
          key: stored,
          request_hash: hash,
          state: 'in_progress',
          response: null,
          created_at: this.now(),
        })
        .onConflict((oc) => oc.columns(['device_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return 'new';
      const existing = await this.db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'state', 'response', 'created_at'])
        .where('device_id', '=', deviceId)
        .where('key', '=', stored)
        .executeTakeFirst();
      if (!existing) continue; // freed meanwhile: claim again
      if (existing.request_hash !== hash) {
        throw new HttpError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request.',
        );
      }
      if (existing.state === 'done' && existing.response) {
        return { replay: JSON.parse(existing.response) as T };
      }
      if (Number(existing.created_at) < this.now() - STALE_CLAIM_MS) {
        // Abandoned by a request that never finished: free it (only if still that claim).
        await this.db
          .deleteFrom('idempotency_keys')
          .where('device_id', '=', deviceId)
          .where('key', '=', stored)
          .where('state', '=', 'in_progress')
          .where('created_at', '=', existing.created_at)
          .execute();
        continue;
      }
      break;
    }
    throw new HttpError(
      409,
      'request_in_progress',
      'The same request is still being processed. Retry shortly.',
    );
  }

  /** Stores the answer; call inside the transaction that commits the work it describes. */
  async complete(
    executor: Kysely<DB>,
    deviceId: string,
    scope: string,
    key: string,
    answer: unknown,
  ): Promise<void> {
    await executor
      .updateTable('idempotency_keys')
      .set({ state: 'done', response: JSON.stringify(answer) })
      .where('device_id', '=', deviceId)
      .where('key', '=', storedKey(scope, key))
      .execute();
  }

  /** Frees a key whose request failed (nothing was written). */
  async release(deviceId: string, scope: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('device_id', '=', deviceId)
      .where('key', '=', storedKey(scope, key))
      .where('state', '=', 'in_progress')
      .execute();
  }
}

/** Audit keys are stored as given (the first endpoint); other endpoints get a prefix. */
export function storedKey(scope: string, key: string): string {
  return scope === 'audit' ? key : `${scope}:${key}`;
}
