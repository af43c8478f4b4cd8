import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { auditHashInput, type AuditRecord } from '../../common/audit/audit-record';
import { canonicalJson } from '../../common/audit/canonical-json';
import type { Dialect } from '../db/database';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import type { DevicePrincipal } from './device-auth';

export interface IngestResult {
  acknowledgedSeq: number;
  stored: number;
  duplicates: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Receives a device's audit entries (invariant 7).
 *
 * - Idempotency-Key: the same key with the same payload returns the stored result; the same
 *   key with another payload is 422; a concurrent duplicate still in progress is 409.
 * - Entries at or below the stored seq must be byte-identical to what is stored (a retried
 *   batch); the first new entry must be exactly the next seq, else 409 with `expectedSeq`.
 * - The chain is verified (previous hash, hash, MAC with the device's key) before anything is
 *   stored; a break refuses the batch and is recorded for admins.
 * - Entries, the device's head (seq + hash) and the idempotency result commit together.
 */
export class AuditIngestService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly now: () => number,
  ) {}

  async ingest(
    device: DevicePrincipal,
    idempotencyKey: string,
    entries: AuditRecord[],
  ): Promise<IngestResult> {
    const requestHash = sha256(canonicalJson(entries));
    const claimed = await this.claimKey(device.deviceId, idempotencyKey, requestHash);
    if (claimed !== 'new') return claimed;
    try {
      const result = await this.db.transaction().execute(async (tx) => {
        const head = await tx
          .selectFrom('devices')
          .select(['last_seq', 'last_hash'])
          .where('id', '=', device.deviceId)
          // PostgreSQL: serialise concurrent batches of one device. SQLite: one writer anyway.
          .$if(this.dialect === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        const sorted = [...entries].sort((a, b) => a.seq - b.seq);
        const known = sorted.filter((e) => e.seq <= head.last_seq);
        const fresh = sorted.filter((e) => e.seq > head.last_seq);
        await this.checkDuplicates(tx, device, known);
        if (fresh.length === 0) {
          return { acknowledgedSeq: head.last_seq, stored: 0, duplicates: known.length };
        }
        if (fresh[0]!.seq !== head.last_seq + 1) {
          throw new HttpError(409, 'sequence_gap', 'Audit entries are missing before this batch.', {
            expectedSeq: head.last_seq + 1,
          });
        }
        let prevHash = head.last_hash;
        for (const [i, entry] of fresh.entries()) {
          if (i > 0 && entry.seq !== fresh[i - 1]!.seq + 1) {
            throw new HttpError(
              409,
              'sequence_gap',
              'Audit entries are missing inside this batch.',
              { expectedSeq: fresh[i - 1]!.seq + 1 },
            );
          }
          const problem = this.chainProblem(entry, prevHash, device.auditMacKey, device.deviceId);
          if (problem) {
            throw new HttpError(
              422,
              'audit_chain_broken',
              'The audit log of this device does not verify.',
              { seq: entry.seq, reason: problem },
            );
          }
          prevHash = entry.hash;
        }
        const receivedAt = this.now();
        for (let i = 0; i < fresh.length; i += 100) {
          await tx
            .insertInto('audit_events')
            .values(fresh.slice(i, i + 100).map((e) => toRow(e, device.storeId, receivedAt)))
            .execute();
        }
        const last = fresh[fresh.length - 1]!;
        await tx
          .updateTable('devices')
          .set({ last_seq: last.seq, last_hash: last.hash, last_sync_at: receivedAt })
          .where('id', '=', device.deviceId)
          .execute();
        return { acknowledgedSeq: last.seq, stored: fresh.length, duplicates: known.length };
      });
      await this.db
        .updateTable('idempotency_keys')
        .set({ state: 'done', response: JSON.stringify(result) })
        .where('device_id', '=', device.deviceId)
        .where('key', '=', idempotencyKey)
        .execute();
      return result;
    } catch (error) {
      // Nothing was stored: free the key so the device can retry (after fixing a gap, say).
      await this.db
        .deleteFrom('idempotency_keys')
        .where('device_id', '=', device.deviceId)
        .where('key', '=', idempotencyKey)
        .execute();
      if (error instanceof HttpError && error.code === 'audit_chain_broken') {
        // Recorded outside the rolled-back transaction: admins must hear about a break.
        await this.db
          .insertInto('server_audit')
          .values({
            at: this.now(),
            actor_id: null,
            action: 'audit.chain_break',
            target_id: device.deviceId,
            store_id: device.storeId,
            outcome: 'failure',
            details: JSON.stringify(error.details ?? {}),
          })
          .execute();
      }
      throw error;
    }
  }

  /** 'new' when this call owns the key; otherwise the stored result (or an error). */
  private async claimKey(
    deviceId: string,
    key: string,
    requestHash: string,
  ): Promise<'new' | IngestResult> {
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({
        device_id: deviceId,
        key,
        request_hash: requestHash,
        state: 'in_progress',
        response: null,
        created_at: this.now(),
      })
      .onConflict((oc) => oc.columns(['device_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return 'new';
    const existing = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'state', 'response'])
      .where('device_id', '=', deviceId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) return this.claimKey(deviceId, key, requestHash); // freed meanwhile
    if (existing.request_hash !== requestHash) {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (existing.state !== 'done' || !existing.response) {
      throw new HttpError(
        409,
        'request_in_progress',
        'The same request is still being processed. Retry shortly.',
      );
    }
    return JSON.parse(existing.response) as IngestResult;
  }

  private async checkDuplicates(
    tx: Kysely<DB>,
    device: DevicePrincipal,
    known: AuditRecord[],
  ): Promise<void> {
    if (known.length === 0) return;
    const stored = await tx
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('device_id', '=', device.deviceId)
      .where(
        'seq',
        'in',
        known.map((e) => e.seq),
      )
      .execute();
    const byseq = new Map(stored.map((r) => [Number(r.seq), r.hash]));
    for (const e of known) {
      if (byseq.get(e.seq) !== e.hash) {
        throw new HttpError(
          409,
          'sequence_conflict',
          'This device sent a different entry for a sequence number already stored.',
          { seq: e.seq },
        );
      }
    }
  }

  private chainProblem(
    entry: AuditRecord,
    prevHash: string,
    macKey: Buffer,
    deviceId: string,
  ): string | null {
    if (entry.deviceId !== deviceId) return 'wrong_device';
    if (entry.prevHash !== prevHash) return 'previous_hash_mismatch';
    const { hash: _h, mac: _m, ...rest } = entry;
    if (sha256(auditHashInput(rest)) !== entry.hash) return 'hash_mismatch';
    const mac = createHmac('sha256', macKey).update(entry.hash, 'utf8').digest();
    const given = Buffer.from(entry.mac, 'hex');
    if (given.length !== mac.length || !timingSafeEqual(given, mac)) return 'mac_mismatch';
    return null;
  }
}

function toRow(e: AuditRecord, storeId: string, receivedAt: number) {
  return {
    device_id: e.deviceId,
    seq: e.seq,
    store_id: storeId,
    at: e.at,
    actor_id: e.actorId,
    actor_name: e.actorName,
    action: e.action,
    target_id: e.targetId,
    target_name: e.targetName,
    outcome: e.outcome,
    details: JSON.stringify(e.details),
    prev_hash: e.prevHash,
    hash: e.hash,
    mac: e.mac,
    received_at: receivedAt,
  };
}
