import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../common/audit/canonical-json';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';

/** A claim older than this whose request never finished (the server died) may be taken over. */
export const STALE_CLAIM_MS = 2 * 60_000;

export const requestHash = (payload: unknown): string =>
  createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');

/**
 * `Idempotency-Key` for device uploads, per device and per endpoint (`scope`):
 * - a new key is claimed (committed at once, state in_progress), so a concurrent duplicate
 *   sees it and gets 409 `request_in_progress`;
 * - the handler's transaction stores the answer with `complete(tx, …)`, so the answer commits
 *   together with what it reports;
 * - the same key with the same payload returns the stored answer; with another payload, 422;
 * - a failed request frees its key (`release`), so the device can retry after fixing the cause;
 * - a claim left in progress by a server killed mid-request is taken over after STALE_CLAIM_MS.
 */
export class IdempotencyKeys {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
  ) {}

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
function storedKey(scope: string, key: string): string {
  return scope === 'audit' ? key : `${scope}:${key}`;
}
