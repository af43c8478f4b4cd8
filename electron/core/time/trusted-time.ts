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
 * - A broken seal (the stored state was edited without the keychain key) is an anomaly too.
 * - Trusted time never goes backwards, even during an anomaly.
 */
export class TrustedTime {
  private state: SealedTime;
  private anchorWall: number;
  private anchorMono: number;
  private persistedValue = '';
  /** Set when this run detected an anomaly that the caller has not yet audited. */
  private unreported: { wall: number; behindMs: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly sealKey: Buffer,
    private readonly clock: Clock,
    private readonly toleranceMs = DEFAULT_TOLERANCE_MS,
  ) {
    const loaded = this.load();
    const raw = clock.nowMs();
    if (loaded === 'tampered') {
      this.state = { highWater: raw, anomalySince: raw, anomalyWall: raw };
      this.unreported = { wall: raw, behindMs: 0 };
    } else {
      this.state = loaded ?? { highWater: raw, anomalySince: null, anomalyWall: null };
    }
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
  takeUnreportedAnomaly(): { wall: number; behindMs: number } | null {
    const found = this.unreported;
    this.unreported = null;
    return found;
  }

  /** Writes the high-water mark (call inside write transactions; cheap when unchanged). */
  persist(): void {
    this.now();
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

  private load(): SealedTime | null | 'tampered' {
    const row = this.db.prepare('SELECT value, mac FROM sealed_state WHERE name = ?').get(NAME) as
      { value: string; mac: string } | undefined;
    if (!row) return null;
    if (!hexEquals(sealValue(this.sealKey, NAME, row.value), row.mac)) return 'tampered';
    return JSON.parse(row.value) as SealedTime;
  }
}
