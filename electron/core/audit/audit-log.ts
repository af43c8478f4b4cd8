import type {
  AuditAction,
  AuditBreak,
  AuditOutcome,
  AuditRecord,
} from '../../../common/audit/audit-record';
import { auditHashInput, GENESIS_HASH } from '../../../common/audit/audit-record';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';
import { hexEquals, hmacHex, sealValue, sha256Hex } from '../crypto/seal';
import { AuditTextRefused, checkedEvent } from './audit-text';

export { AuditTextRefused };

export interface AuditEvent {
  readonly actor?: { readonly id: string; readonly name: string } | null;
  readonly action: AuditAction;
  readonly target?: { readonly id: string; readonly name: string } | null;
  readonly outcome: AuditOutcome;
  readonly details?: Record<string, unknown>;
}

export type AuditVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; firstBadSeq: number; reason: AuditBreak };

interface Row {
  seq: number;
  at: number;
  device_id: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_id: string | null;
  target_name: string | null;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
  mac: string;
}

const HEAD = 'audit_head';

/** Why the log no longer reaches its sealed head (the `reason` of an audit tamper entry). */
export type HeadProblem =
  | 'head_missing'
  | 'head_forged'
  | 'log_deleted'
  | 'truncated'
  | 'appended_behind'
  | 'head_mismatch';

/** Called (inside the append's transaction) after every entry written, e.g. to seal state. */
export type AppendListener = (record: AuditRecord) => void;

/**
 * The device's append-only, tamper-evident log (invariant 7).
 *
 * Invariants:
 * - `append` runs inside the caller's transaction, so the action and its entry commit together:
 *   if the entry cannot be written, the transaction (and so the action) is rolled back.
 * - seq is 1..n without gaps; each entry covers the previous entry's hash; each hash is MACed
 *   with a keychain key; a sealed head (last seq + hash) detects truncation of the tail.
 * - Truncation is detected, never repaired: before it extends the chain, `append` checks that
 *   the last entry is the sealed head (a missing head on a log that has entries, or on a store
 *   that was in use, is tampering too). If not, it first records an `integrity.tamper` entry
 *   (subject 'audit') chained to what is really there; that entry stays in the chain, goes to
 *   the server with the rest, and makes `verify` report the break for ever.
 * - What is hashed is exactly what SQLite stores and what the sync server accepts: every string
 *   of an entry is canonical text (common/text/canonical-text.ts: SQLite would store a lone
 *   surrogate as U+FFFD), actor and target names and ids are canonical names, names are cut to
 *   AUDIT_NAME_MAX_LENGTH code points, so the entry passes the server's `auditRecordSchema` (its
 *   other fields are ours by construction; tests/core/sync/hostile-text-upload.test.ts uploads).
 *   An event that breaks this is refused (`AuditTextRefused`), never stored altered.
 */
export class AuditLog {
  private readonly insert;
  private readonly readHead;
  private readonly writeHead;
  private readonly listeners: AppendListener[] = [];
  private readonly tamperListeners: ((problem: HeadProblem) => void)[] = [];
  /** Whether this store was in use before start-up (an empty log is then a deleted one). */
  private inUse: () => boolean = () => false;
  /** Whether this run has seen the log hold entries (an empty log is then a deleted one). */
  private hadEntries = false;

  constructor(
    private readonly db: Db,
    private readonly macKey: Buffer,
    private readonly deviceId: string,
    private readonly trustedNow: () => number,
  ) {
    this.insert = db.prepare(`INSERT INTO audit_log
      (seq, at, device_id, actor_id, actor_name, action, target_id, target_name, outcome, details, prev_hash, hash, mac)
      VALUES (@seq, @at, @deviceId, @actorId, @actorName, @action, @targetId, @targetName, @outcome, @details, @prevHash, @hash, @mac)`);
    this.readHead = db.prepare('SELECT value, mac FROM sealed_state WHERE name = ?');
    this.writeHead = db.prepare(
      'INSERT INTO sealed_state (name, value, mac) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, mac = excluded.mac',
    );
  }

  /** Runs `fn` with every entry written, in the entry's transaction. */
  onAppend(fn: AppendListener): void {
    this.listeners.push(fn);
  }

  /** Runs `fn` when a head problem is found (after its tamper entry is written). */
  onTamper(fn: (problem: HeadProblem) => void): void {
    this.tamperListeners.push(fn);
  }

  /** Tells the log how to know that the store was in use (accounts, a sync server). */
  setInUse(fn: () => boolean): void {
    this.inUse = fn;
  }

  /**
   * Checks the head now (at start-up, before anything else is audited): a problem is recorded
   * as an `integrity.tamper` entry and returned.
   */
  checkHead(): HeadProblem | null {
    const problem = this.db.transaction(() => this.guardHead(this.lastEntry(), this.inUse()))();
    if (problem) for (const fn of this.tamperListeners) fn(problem);
    return problem;
  }

  /** Appends one entry; throws (and so aborts the surrounding transaction) on any failure. */
  append(event: AuditEvent): AuditRecord {
    // Refused text is refused before anything is written (a tamper entry included).
    const checked = checkedEvent(event);
    const { record, problem } = this.db.transaction(() => {
      const found = this.guardHead(this.lastEntry(), this.hadEntries);
      return { problem: found, record: this.write(checked, this.lastEntry()) };
    })();
    if (problem) for (const fn of this.tamperListeners) fn(problem);
    return record;
  }

  private lastEntry(): { seq: number; hash: string } | undefined {
    return this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
  }

  /**
   * Compares the last entry with the sealed head; records a problem found (see the class).
   * `emptyIsDeleted`: the log is known to have held entries, so no head and no entry is a
   * deletion, not a new log.
   */
  private guardHead(
    last: { seq: number; hash: string } | undefined,
    emptyIsDeleted: boolean,
  ): HeadProblem | null {
    const head = this.sealedHead();
    if (head) this.hadEntries = true;
    const problem: HeadProblem | null =
      head === 'tampered'
        ? 'head_forged'
        : !head
          ? last
            ? 'head_missing'
            : emptyIsDeleted
              ? 'log_deleted'
              : null
          : !last
            ? 'log_deleted'
            : head.seq > last.seq
              ? 'truncated'
              : head.seq < last.seq
                ? 'appended_behind'
                : head.hash !== last.hash
                  ? 'head_mismatch'
                  : null;
    if (!problem) return null;
    this.write(
      {
        action: 'integrity.tamper',
        outcome: 'failure',
        details: {
          subject: 'audit',
          reason: problem,
          foundSeq: last?.seq ?? 0,
          ...(head && head !== 'tampered' ? { sealedSeq: head.seq } : {}),
        },
      },
      last,
    );
    return problem;
  }

  private write(event: AuditEvent, last: { seq: number; hash: string } | undefined): AuditRecord {
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: this.trustedNow(),
      deviceId: this.deviceId,
      actorId: event.actor?.id ?? null,
      actorName: event.actor?.name ?? null,
      action: event.action,
      targetId: event.target?.id ?? null,
      targetName: event.target?.name ?? null,
      outcome: event.outcome,
      details: event.details ?? {},
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const hash = sha256Hex(auditHashInput(base));
    const record: AuditRecord = { ...base, hash, mac: hmacHex(this.macKey, hash) };
    this.insert.run({ ...record, details: JSON.stringify(record.details) });
    const head = JSON.stringify({ seq: record.seq, hash });
    this.writeHead.run(HEAD, head, sealValue(this.macKey, HEAD, head));
    for (const fn of this.listeners) fn(record);
    return record;
  }

  /** Walks the whole chain and names the first entry that does not verify. */
  verify(): AuditVerification {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<Row>;
    // A break found earlier stays reported: the log is never repaired.
    let recorded: number | null = null;
    for (const row of rows) {
      const reason = this.checkRow(row, expectedSeq, prevHash);
      if (reason) return { ok: false, checked, firstBadSeq: expectedSeq, reason };
      if (recorded === null && row.action === 'integrity.tamper') {
        const found = auditTamperSeq(row.details);
        if (found !== null) recorded = found + 1;
      }
      checked += 1;
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
    }
    if (recorded !== null)
      return { ok: false, checked, firstBadSeq: recorded, reason: 'truncated' };
    const head = this.sealedHead();
    if (head === 'tampered')
      return { ok: false, checked, firstBadSeq: expectedSeq, reason: 'truncated' };
    if (head && (head.seq !== checked || head.hash !== prevHash)) {
      // Entries after the last readable one were removed (or the head was rolled back).
      return {
        ok: false,
        checked,
        firstBadSeq: Math.min(expectedSeq, head.seq),
        reason: 'truncated',
      };
    }
    return { ok: true, checked };
  }

  private checkRow(row: Row, expectedSeq: number, prevHash: string): AuditBreak | null {
    if (row.seq !== expectedSeq) return 'sequence_gap';
    if (row.prev_hash !== prevHash) return 'previous_hash_mismatch';
    let details: Record<string, unknown>;
    try {
      details = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      return 'unreadable';
    }
    const recomputed = sha256Hex(
      auditHashInput({
        seq: row.seq,
        at: row.at,
        deviceId: row.device_id,
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action as AuditAction,
        targetId: row.target_id,
        targetName: row.target_name,
        outcome: row.outcome as AuditOutcome,
        details,
        prevHash: row.prev_hash,
      }),
    );
    if (recomputed !== row.hash) return 'hash_mismatch';
    if (!hexEquals(hmacHex(this.macKey, row.hash), row.mac)) return 'mac_mismatch';
    return null;
  }

  private sealedHead(): { seq: number; hash: string } | null | 'tampered' {
    const row = this.readHead.get(HEAD) as { value: string; mac: string } | undefined;
    if (!row) return null;
    if (!hexEquals(sealValue(this.macKey, HEAD, row.value), row.mac)) return 'tampered';
    return JSON.parse(row.value) as { seq: number; hash: string };
  }

  /** Entries for display, newest first. Filtering is done in SQL with bound parameters. */
  query(filter: AuditFilter = {}): { entries: AuditRecord[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.person) {
      where.push('(actor_id = @person OR target_id = @person)');
      params.person = filter.person;
    }
    if (filter.action) {
      where.push('action = @action');
      params.action = filter.action;
    }
    if (filter.outcome) {
      where.push('outcome = @outcome');
      params.outcome = filter.outcome;
    }
    if (filter.from !== undefined) {
      where.push('at >= @from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push('at < @to');
      params.to = filter.to;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(params) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${clause} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: filter.limit ?? 50, offset: filter.offset ?? 0 }) as Row[];
    return { entries: rows.map(toRecord), total };
  }

  /** The highest seq in the log (0 when empty). */
  headSeq(): number {
    return this.lastEntry()?.seq ?? 0;
  }

  /** Entries after `seq`, oldest first (for sync upload and export). */
  after(seq: number, limit: number): AuditRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(seq, limit) as Row[];
    return rows.map(toRecord);
  }
}

export interface AuditFilter {
  person?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

function toRecord(row: Row): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    deviceId: row.device_id,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action as AuditAction,
    targetId: row.target_id,
    targetName: row.target_name,
    outcome: row.outcome as AuditOutcome,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
    mac: row.mac,
  };
}

/** The last entry that was there when an audit tamper entry was written, or null. */
function auditTamperSeq(details: string): number | null {
  const parsed = JSON.parse(details) as { subject?: unknown; foundSeq?: unknown };
  return parsed.subject === 'audit' && typeof parsed.foundSeq === 'number' ? parsed.foundSeq : null;
}

/** Thrown when an action cannot be recorded; the action did not happen. */
export class AuditUnavailable extends KeyholderError {
  constructor() {
    super(
      'audit_unavailable',
      'This action could not be recorded in the audit log, so it was not carried out.',
    );
  }
}
