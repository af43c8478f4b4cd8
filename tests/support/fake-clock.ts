import type { Clock } from '../../electron/core/time/clock';

/**
 * A controllable clock. `advance` moves wall and monotonic time together (time passing);
 * `setWall` moves only the wall clock (a user or NTP changing it).
 */
export class FakeClock implements Clock {
  private mono = 1_000_000;
  constructor(private wall = Date.UTC(2026, 10, 29, 9, 0, 0)) {}

  nowMs(): number {
    return this.wall;
  }
  monotonicMs(): number {
    return this.mono;
  }
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  setWall(ms: number): void {
    this.wall = ms;
  }
  /** A restart: the monotonic origin changes, the wall clock stays. */
  restart(): void {
    this.mono = Math.floor(Math.random() * 1_000_000);
  }
}
