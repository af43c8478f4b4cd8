/**
 * The only source of time in core. Wall time can jump (users change clocks, NTP steps);
 * monotonic time cannot go backwards and does not jump forward with the wall clock, so
 * durations measured while the app runs (locks, idle timers) use `monotonicMs`.
 */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (untrusted: see TrustedTime). */
  nowMs(): number;
  /** Milliseconds from an arbitrary origin; only differences are meaningful. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};
