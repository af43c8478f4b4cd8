import type { ServerClock } from '../clock';
import type { Kysely } from 'kysely';
import type { AuditRecord } from '../../common/audit/audit-record';
import { pseudonymiseErasedOnIngest } from '../people/pseudonymise';
import { ENTRY_HASH_MISMATCH, ENTRY_OK } from './audit-hash';
import { batchInserts, statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { ServerAudit } from '../services/server-audit';
import { recordChainBreak } from './chain-breaks';
import type { DevicePrincipal } from './device-auth';
import { assertDetailsText } from './entry-text';
import { inlineEntryVerifier, type EntryVerifier, type Verdicts } from './entry-verifier';
import { IdempotencyKeys, uploadFingerprint, storedKey, type StoredKeyRow } from './idempotency';
import { recordTamperReports } from './tamper-reports';
import { recordTotpUses } from './totp-reuse';

/** Verdicts being computed for one upload's entries (`AuditIngestService.verify`). */
export interface PendingVerdicts {
  /** The very array they are for: any other array is verified again. */
  entries: readonly unknown[];
  verdicts: Verdicts;
}

export interface IngestResult {
  acknowledgedSeq: number;
  stored: number;
  duplicates: number;
}

/**
 * Receives a device's audit entries (invariant 7).
 *
 * - Idempotency-Key: the same key with the same payload returns the stored result; the same
 *   key with another payload is 422; a concurrent duplicate still in progress is 409.
 * - Entries at or below the stored seq must be byte-identical to what is stored (a retried
 *   batch); the first new entry must be exactly the next seq, else 409 with `expectedSeq`.
 * - The chain is verified (previous hash, hash, MAC with the device's key) before anything is
 *   committed; a break refuses the batch and is recorded for admins. Hashes and MACs are checked
 *   by the `EntryVerifier` (on a verification thread for large batches) while the transaction
 *   stores the entries; the transaction commits only once every verdict is clean, and the
 *   first problem in seq order is the one reported, whichever check found it.
 * - Entries, the device's head (seq + hash) and the idempotency result commit together.
 * - Password + TOTP sign-ins are checked for one code used on two devices (totp-reuse.ts).
 * - Every entry's details are plain JSON of canonical text within bounds (entry-text.ts; the
 *   body's validator has checked ids and names): else 422 `invalid_entry` with the seq, before
 *   anything is read or written, and not recorded as a chain break.
 */
export class AuditIngestService {
  private readonly keys: IdempotencyKeys;
  private readonly audit: ServerAudit;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly clock: ServerClock,
    private readonly verifier: EntryVerifier = inlineEntryVerifier,
  ) {
    this.keys = new IdempotencyKeys(clock);
    this.audit = new ServerAudit(db, clock);
  }

  /**
   * Starts checking the hashes and MACs of an upload's entries, before they are validated
   * (the check is safe on any input: whatever is not a well-formed entry fails it). `source`:
   * the request body's JSON text, which the entries were parsed from (`EntryVerifier.verify`).
   */
  verify(device: DevicePrincipal, entries: readonly unknown[], source?: string): PendingVerdicts {
    return {
      entries,
      verdicts: this.verifier.verify(entries as readonly AuditRecord[], device.auditMacKey, source),
    };
  }

  async ingest(
    device: DevicePrincipal,
    idempotencyKey: string,
    entries: AuditRecord[],
    pending?: PendingVerdicts,
  ): Promise<IngestResult> {
    assertDetailsText(entries);
    const fingerprint = uploadFingerprint(entries);
    // Verdicts per entry, in the order sent; awaited before anything commits.
    const verifying =
      pending?.entries === entries ? pending.verdicts : this.verify(device, entries).verdicts;
    const leave = this.keys.enter(device.deviceId, 'audit', idempotencyKey);
    try {
      return await this.db.transaction().execute(async (tx) => {
        await this.keys.lock(tx, this.dialect, device.deviceId, 'audit', idempotencyKey);
        // The device's head and the key, in one read. PostgreSQL: the row lock serialises
        // concurrent batches of one device. SQLite: one writer anyway.
        const { rows } = await tx.executeQuery<HeadAndKeyRow>(
          (this.dialect === 'postgres' ? headAndKeyForUpdate : headAndKey)(this.dialect, [
            storedKey('audit', idempotencyKey),
            device.deviceId,
          ]),
        );
        const head = rows[0];
        if (!head) throw new Error(`device ${device.deviceId} vanished`);
        const prior = await this.keys.judge<IngestResult>(
          tx,
          this.dialect,
          device.deviceId,
          'audit',
          idempotencyKey,
          head,
          fingerprint,
          entries,
        );
        if (prior !== 'new') return prior.replay;
        const lastSeq = Number(head.last_seq);
        const sorted = [...entries].sort((a, b) => a.seq - b.seq);
        const known = sorted.filter((e) => e.seq <= lastSeq);
        const fresh = sorted.filter((e) => e.seq > lastSeq);
        await this.checkDuplicates(tx, device, known);
        const done = async (result: IngestResult) => {
          await this.keys.store(
            tx,
            this.dialect,
            device.deviceId,
            'audit',
            idempotencyKey,
            fingerprint,
            result,
          );
          return result;
        };
        if (fresh.length === 0) {
          return done({ acknowledgedSeq: lastSeq, stored: 0, duplicates: known.length });
        }
        if (fresh[0]!.seq !== lastSeq + 1) {
          throw new HttpError(409, 'sequence_gap', 'Audit entries are missing before this batch.', {
            expectedSeq: lastSeq + 1,
          });
        }
        // Sequence and linkage, in order; hashes and MACs come from the verifier.
        const order = new Map(entries.map((e, i) => [e, i]));
        let prevHash = head.last_hash;
        let linkBreak: { at: number; reason: string } | null = null;
        for (const [i, entry] of fresh.entries()) {
          if (i > 0 && entry.seq !== fresh[i - 1]!.seq + 1) {
            throw new HttpError(
              409,
              'sequence_gap',
              'Audit entries are missing inside this batch.',
              { expectedSeq: fresh[i - 1]!.seq + 1 },
            );
          }
          if (!linkBreak) {
            if (entry.deviceId !== device.deviceId) linkBreak = { at: i, reason: 'wrong_device' };
            else if (entry.prevHash !== prevHash) {
              linkBreak = { at: i, reason: 'previous_hash_mismatch' };
            }
          }
          prevHash = entry.hash;
        }
        const assertChain = async (): Promise<void> => {
          const verdicts = verifying.now() ?? (await verifying.done);
          const end = linkBreak?.at ?? fresh.length;
          for (let i = 0; i < end; i++) {
            const verdict = verdicts[order.get(fresh[i]!)!]!;
            if (verdict !== ENTRY_OK) {
              const reason = verdict === ENTRY_HASH_MISMATCH ? 'hash_mismatch' : 'mac_mismatch';
              throw chainBroken(fresh[i]!.seq, reason);
            }
          }
          if (linkBreak) throw chainBroken(fresh[linkBreak.at]!.seq, linkBreak.reason);
        };
        if (linkBreak) await assertChain();
        const receivedAt = this.clock.nowMs();
        const last = fresh[fresh.length - 1]!;
        const result = {
          acknowledgedSeq: last.seq,
          stored: fresh.length,
          duplicates: known.length,
        };
        // The PC holds at least what it just sent (pending = reported_seq - last_seq).
        const headValues = [last.seq, last.hash, receivedAt, last.seq, last.seq, device.deviceId];
        // An entry about a person erased meanwhile is stored under their pseudonym.
        const stored = await pseudonymiseErasedOnIngest(tx, fresh);
        const values = stored.map((e) => toRow(e, device.storeId, receivedAt));
        await recordTotpUses(tx, this.dialect, this.audit, device, fresh, receivedAt);
        await recordTamperReports(tx, this.audit, device, fresh);
        if (this.dialect === 'postgres') {
          await assertChain();
          // Entries, head and key in one statement: each statement is a round trip here.
          const columns = AUDIT_COLUMNS.map((_, c) => values.map((row) => row[c]));
          await tx.executeQuery(
            storeBatchPg(this.dialect, [
              ...columns,
              ...headValues,
              device.deviceId,
              storedKey('audit', idempotencyKey),
              fingerprint,
              JSON.stringify(result),
              receivedAt,
            ]),
          );
          return result;
        }
        for (const insert of batchInserts(this.dialect, 'audit_events', AUDIT_COLUMNS, values)) {
          await tx.executeQuery(insert);
        }
        await tx.executeQuery(advanceHead(this.dialect, headValues));
        const answer = await done(result);
        await assertChain(); // the last step before the commit
        return answer;
      });
    } catch (error) {
      // Nothing was stored (the transaction rolled back), so the key is free for a retry.
      if (
        error instanceof HttpError &&
        (error.code === 'audit_chain_broken' || error.code === 'sequence_conflict')
      ) {
        await this.reportBreak(device, error);
      }
      throw error;
    } finally {
      leave();
    }
  }

  /** Records the refused upload for admins (chain-breaks.ts). */
  private async reportBreak(device: DevicePrincipal, error: HttpError): Promise<void> {
    await recordChainBreak(
      this.db,
      this.clock.nowMs(),
      device,
      error.code === 'sequence_conflict'
        ? { ...error.details, reason: 'sequence_conflict' }
        : (error.details ?? {}),
    );
  }

  private async checkDuplicates(
    tx: Kysely<DB>,
    device: DevicePrincipal,
    known: AuditRecord[],
  ): Promise<void> {
    if (known.length === 0) return;
    // `known` is sorted: one index range covers it (rows in between are ignored below). The
    // times bound it too: on PostgreSQL the key is (device_id, at, seq), and only the months
    // they span are read (a stored entry at another time differs from the one sent anyway).
    let [from, to] = [known[0]!.at, known[0]!.at];
    for (const e of known) [from, to] = [Math.min(from, e.at), Math.max(to, e.at)];
    const { rows } = await tx.executeQuery<{ seq: number | string; hash: string }>(
      storedHashes(this.dialect, [
        device.deviceId,
        known[0]!.seq,
        known[known.length - 1]!.seq,
        from,
        to,
      ]),
    );
    const byseq = new Map(rows.map((r) => [Number(r.seq), r.hash]));
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
}

/** An audit row's columns, in binding order (also the raw yardstick of bench/server/raw-insert.ts). */
export const AUDIT_COLUMNS = [
  'device_id',
  'seq',
  'store_id',
  'at',
  'actor_id',
  'actor_name',
  'action',
  'target_id',
  'target_name',
  'outcome',
  'details',
  'prev_hash',
  'hash',
  'mac',
  'received_at',
] as const;

const chainBroken = (seq: number, reason: string) =>
  new HttpError(422, 'audit_chain_broken', 'The audit log of this device does not verify.', {
    seq,
    reason,
  });

function toRow(e: AuditRecord, storeId: string, receivedAt: number): unknown[] {
  return [
    e.deviceId,
    e.seq,
    storeId,
    e.at,
    e.actorId,
    e.actorName,
    e.action,
    e.targetId,
    e.targetName,
    e.outcome,
    JSON.stringify(e.details),
    e.prevHash,
    e.hash,
    e.mac,
    receivedAt,
  ];
}

interface HeadAndKeyRow extends StoredKeyRow {
  last_seq: number | string;
  last_hash: string;
}

const HEAD_AND_KEY = `select d.last_seq, d.last_hash, k.request_hash, k.state, k.response, k.created_at
  from devices d left join idempotency_keys k on k.device_id = d.id and k.key = ?
  where d.id = ?`;
const headAndKey = statement(HEAD_AND_KEY);
const headAndKeyForUpdate = statement(`${HEAD_AND_KEY} for update of d`);
const storedHashes = statement(
  `select seq, hash from audit_events
    where device_id = ? and seq >= ? and seq <= ? and at >= ? and at <= ?`,
);
const ADVANCE_HEAD = `update devices set last_seq = ?, last_hash = ?, last_sync_at = ?,
    reported_seq = case when reported_seq > ? then reported_seq else ? end
  where id = ?`;
const advanceHead = statement(ADVANCE_HEAD);
/** PostgreSQL types of AUDIT_COLUMNS, for `unnest` of one array per column. */
const AUDIT_TYPES = AUDIT_COLUMNS.map((c) =>
  ['seq', 'at', 'received_at'].includes(c) ? 'bigint' : 'text',
);
/** PostgreSQL: the entries (one array parameter per column), the device's head and the key. */
const storeBatchPg = statement(`with events as (
    insert into audit_events (${AUDIT_COLUMNS.join(', ')})
    select * from unnest(${AUDIT_TYPES.map((t) => `?::${t}[]`).join(', ')})
  ), head as (${ADVANCE_HEAD})
  insert into idempotency_keys (device_id, key, request_hash, state, response, created_at)
  values (?, ?, ?, 'done', ?, ?)`);
