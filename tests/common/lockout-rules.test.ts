// The lockout rules the store PC and the sync server share (common/auth/lockout-schedule.ts):
// the delay schedule, the state a counter puts on its subject, and the count after a failure.
import { describe, expect, it } from 'vitest';
import {
  counterAfterFailure,
  lockStateOf,
  throttleDelayMs,
  type FailureCounter,
} from '../../common/auth/lockout-schedule';

const T0 = 1_800_000_000_000;
const TIMED = { threshold: 10, durationMinutes: 15 };
const ADMIN_ONLY = { threshold: 5, durationMinutes: null };

/** `n` failures one after another, each at the earliest moment the schedule allows. */
function failTimes(n: number, lockout: typeof TIMED | typeof ADMIN_ONLY) {
  let counter: FailureCounter | undefined;
  let now = T0;
  for (let i = 0; i < n; i++) {
    const state = lockStateOf(counter, now);
    if (state.state === 'throttled') now = state.retryAt;
    expect(lockStateOf(counter, now).state).toBe('open');
    counter = counterAfterFailure(counter, now, lockout);
  }
  return { counter: counter as FailureCounter, now };
}

describe('lockout rules', () => {
  it('delays 0, 0, 1 s, 2 s, 4 s … up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map(throttleDelayMs)).toEqual([
      0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it('throttles after the free failures until the delay has passed', () => {
    const { counter, now } = failTimes(3, TIMED);
    expect(lockStateOf(counter, now)).toEqual({ state: 'throttled', retryAt: now + 1000 });
    expect(lockStateOf(counter, now + 999).state).toBe('throttled');
    expect(lockStateOf(counter, now + 1000)).toEqual({ state: 'open' });
  });

  it('locks at the threshold for the duration, then counts afresh from 1', () => {
    const { counter, now } = failTimes(10, TIMED);
    const until = now + 15 * 60_000;
    expect(counter).toMatchObject({ failures: 10, lockedUntil: until, lockedByAdminOnly: false });
    expect(lockStateOf(counter, until - 1)).toEqual({ state: 'locked', until });
    expect(lockStateOf(counter, until)).toEqual({ state: 'open' });
    expect(counterAfterFailure(counter, until, TIMED)).toEqual({
      failures: 1,
      lastFailureAt: until,
      lockedUntil: null,
      lockedByAdminOnly: false,
    });
  });

  it('a policy without a duration locks until an admin unlocks, whatever the time', () => {
    const { counter, now } = failTimes(5, ADMIN_ONLY);
    expect(counter).toMatchObject({ failures: 5, lockedUntil: null, lockedByAdminOnly: true });
    expect(lockStateOf(counter, now + 365 * 86_400_000)).toEqual({ state: 'locked', until: null });
  });

  it('no counter is open', () => {
    expect(lockStateOf(undefined, T0)).toEqual({ state: 'open' });
  });
});
