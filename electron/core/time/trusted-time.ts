import type { Db } from '../db/database';
import { hexEquals, sealValue } from '../crypto/seal';
import type { Clock } from './clock';

/** How far the wall clock may fall behind the high-water mark before it counts as moved back. */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

const NAME = 'trusted_time';

interface SealedTime {
  /** Highest trusted time ever observed (ms since epoch). */
  highWater: number;
  /** Set when the clock was found moved back (or the seal broken); cleared by a re-anchor. */
  anomalySince: number | null;
  /** What the wall clock said when the anomaly was found. */
  anomalyWall: number | null;
  /**
   * Server time minus this PC's wall clock at the last re-anchor from a sync (0 otherwise).
   * A PC whose clock is simply slow then runs on server time without counting as "moved back".
   */
  skewMs?: number;
  /** The audit entry this seal was written with (seq and hash): binds it to the chain. */
  auditSeq?: number;
  auditHash?: string;
}

/** Why the stored seal cannot be trusted (a seal that cannot be trusted counts as a moved clock). */
export type SealProblem = 'seal_missing' | 'seal_forged' | 'seal_stale';

interface ChainHead {
  seq: number;
  hash: string;
  at: number;
}

export type TimeStatus =
  { ok: true } | { ok: false; reason: 'clock_moved_back'; since: number; behindMs: number };

/**
 * Trusted time (invariant 5): a sealed high-water mark of the clock, plus monotonic time while
 * the app runs.
 *
 * - At start, trusted time is anchored at max(wall clock, high-water mark); from then on it
 *   advances only with the monotonic clock, so setting the wall clock forward does not shorten
 *   a lockout or lengthen a session.
 * - If the wall clock is found behind trusted time by more than the tolerance (at start or
 *   while running), the device records an anomaly. The anomaly is sealed and survives restarts;
 *   offline sign-in fails closed until a re-anchor (a sync, or an admin's confirmation).
 * - The seal is bound to the audit chain: it is written with every audit entry (in the entry's
 *   transaction) and names that entry. A seal that is missing while the log has entries, whose
 *   MAC fails, or that names another entry than the last (an older seal put back, or entries
 *   added behind its back) is an anomaly, exactly like a clock set back.
 * - The high-water mark is never below the last audit entry's time (so hours of failed sign-ins,
 *   each audited, count even if no seal survived) nor below the last sync receipt's server time
 *   (`raiseFloor`, which the server signed).
 * - Trusted time never goes backwards, even during an anomaly.
 */
export class TrustedTime {
  private state: SealedTime;
  private anchorWall: number;
  private anchorMono: number;
  private persistedValue = '';
  /** Set when this run detected an anomaly that the caller has not yet audited. */
  private unreported: { wall: number; behindMs: number; seal?: SealProblem } | null = null;

  constructor(
    private readonly db: Db,
    private readonly sealKey: Buffer,
    private readonly clock: Clock,
    private readonly toleranceMs = DEFAULT_TOLERANCE_MS,
  ) {
    const head = this.chainHead();
    const loaded = this.load(head);
    const raw = clock.nowMs();
    if (typeof loaded === 'string') {
      const hw = Math.max(raw, head?.at ?? 0);
      this.state = { highWater: hw, anomalySince: hw, anomalyWall: raw };
      this.unreported = { wall: raw, behindMs: Math.max(0, hw - raw), seal: loaded };
    } else {
      this.state = loaded ?? { highWater: raw, anomalySince: null, anomalyWall: null };
    }
    // The chain's last entry was written at trusted time: never start below it.
    if (head && head.at > this.state.highWater) this.state = { ...this.state, highWater: head.at };
    const wall = this.wall();
    const hw = this.state.highWater;
    if (wall < hw - toleranceMs && this.state.anomalySince === null) {
      this.state = { highWater: hw, anomalySince: hw, anomalyWall: wall };
      this.unreported = { wall, behindMs: hw - wall };
    }
    this.anchorWall = Math.max(wall, hw);
    this.anchorMono = clock.monotonicMs();
    this.persist();
  }

  /** Trusted now in ms. Also notices a clock moved back while running. */
  now(): number {
    // Whole milliseconds: the monotonic clock (performance.now) has fractions, and times stored
    // in audit entries and sent to the server must be integers (the protocol refuses fractions).
    const derived = Math.floor(this.anchorWall + (this.clock.monotonicMs() - this.anchorMono));
    const wall = this.wall();
    if (wall < derived - this.toleranceMs && this.state.anomalySince === null) {
      this.state = { ...this.state, anomalySince: derived, anomalyWall: wall };
      this.unreported = { wall, behindMs: derived - wall };
    }
    const now = Math.max(derived, this.state.highWater);
    if (now > this.state.highWater) this.state = { ...this.state, highWater: now };
    return now;
  }

  status(): TimeStatus {
    const now = this.now();
    if (this.state.anomalySince === null) return { ok: true };
    return {
      ok: false,
      reason: 'clock_moved_back',
      since: this.state.anomalySince,
      behindMs: Math.max(0, now - this.wall()),
    };
  }

  /** An anomaly found since the last call, for the caller to audit once. */
  takeUnreportedAnomaly(): { wall: number; behindMs: number; seal?: SealProblem } | null {
    const found = this.unreported;
    this.unreported = null;
    return found;
  }

  /**
   * The server's signed time of the last sync (a receipt): trusted time is never below it. A
   * wall clock far behind it is a clock set back.
   */
  raiseFloor(serverTimeMs: number): void {
    const current = this.now();
    if (serverTimeMs <= current) return;
    this.anchorWall = serverTimeMs;
    this.anchorMono = this.clock.monotonicMs();
    this.state = { ...this.state, highWater: serverTimeMs };
    this.now();
  }

  /**
   * Writes the high-water mark with the audit entry it belongs to (the audit log calls this in
   * every append's transaction; others call it without an entry, which names the last one).
   */
  persist(entry: { seq: number; hash: string } | null = this.chainHead()): void {
    this.now();
    this.state = { ...this.state, auditSeq: entry?.seq ?? 0, auditHash: entry?.hash ?? '' };
    const value = JSON.stringify(this.state);
    if (value === this.persistedValue) return;
    this.db
      .prepare(
        'INSERT INTO sealed_state (name, value, mac) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, mac = excluded.mac',
      )
      .run(NAME, value, sealValue(this.sealKey, NAME, value));
    this.persistedValue = value;
  }

  /**
   * Accepts the wall clock as correct again (after a sync gave the server's time, or an admin
   * confirmed it). `serverTimeMs` replaces the wall clock when given.
   */
  reanchor(serverTimeMs?: number): { before: number; after: number } {
    const before = this.now();
    const wall = this.clock.nowMs();
    const after = serverTimeMs ?? wall;
    this.anchorWall = after;
    this.anchorMono = this.clock.monotonicMs();
    this.state = {
      highWater: after,
      anomalySince: null,
      anomalyWall: null,
      ...(serverTimeMs === undefined ? {} : { skewMs: serverTimeMs - wall }),
    };
    this.unreported = null;
    this.persist();
    return { before, after };
  }

  /** The wall clock corrected by the server's skew (see SealedTime.skewMs). */
  private wall(): number {
    return this.clock.nowMs() + (this.state.skewMs ?? 0);
  }

  private chainHead(): ChainHead | null {
    return (
      (this.db.prepare('SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
        ChainHead | undefined) ?? null
    );
  }

  private load(head: ChainHead | null): SealedTime | null | SealProblem {
    const row = this.db.prepare('SELECT value, mac FROM sealed_state WHERE name = ?').get(NAME) as
      { value: string; mac: string } | undefined;
    if (!row) return head ? 'seal_missing' : null;
    if (!hexEquals(sealValue(this.sealKey, NAME, row.value), row.mac)) return 'seal_forged';
    const sealed = JSON.parse(row.value) as SealedTime;
    if (
      (sealed.auditSeq ?? -1) !== (head?.seq ?? 0) ||
      (sealed.auditHash ?? '') !== (head?.hash ?? '')
    )
      return 'seal_stale';
    return sealed;
  }
}
