import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { auditHashInput, type AuditRecord } from '../../common/audit/audit-record';
import type { Dialect } from '../db/database';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { ServerAudit } from '../services/server-audit';
import type { DevicePrincipal } from './device-auth';
import { IdempotencyKeys, requestHash } from './idempotency';
import { recordTotpUses } from './totp-reuse';

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
 * - Password + TOTP sign-ins are checked for one code used on two devices (totp-reuse.ts).
 */
export class AuditIngestService {
  private readonly keys: IdempotencyKeys;
  private readonly audit: ServerAudit;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly now: () => number,
  ) {
    this.keys = new IdempotencyKeys(db, now);
    this.audit = new ServerAudit(db, { nowMs: now });
  }

  async ingest(
    device: DevicePrincipal,
    idempotencyKey: string,
    entries: AuditRecord[],
  ): Promise<IngestResult> {
    const claimed = await this.keys.claim<IngestResult>(
      device.deviceId,
      'audit',
      idempotencyKey,
      requestHash(entries),
    );
    if (claimed !== 'new') return claimed.replay;
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
          const result = { acknowledgedSeq: head.last_seq, stored: 0, duplicates: known.length };
          await this.keys.complete(tx, device.deviceId, 'audit', idempotencyKey, result);
          return result;
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
          .set({
            last_seq: last.seq,
            last_hash: last.hash,
            last_sync_at: receivedAt,
            // The PC holds at least what it just sent (pending = reported_seq - last_seq).
            reported_seq: sql<number>`case when reported_seq > ${last.seq} then reported_seq else ${last.seq} end`,
          })
          .where('id', '=', device.deviceId)
          .execute();
        await recordTotpUses(tx, this.dialect, this.audit, device, fresh, receivedAt);
        const result = {
          acknowledgedSeq: last.seq,
          stored: fresh.length,
          duplicates: known.length,
        };
        await this.keys.complete(tx, device.deviceId, 'audit', idempotencyKey, result);
        return result;
      });
      return result;
    } catch (error) {
      // Nothing was stored: free the key so the device can retry (after fixing a gap, say).
      await this.keys.release(device.deviceId, 'audit', idempotencyKey);
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
