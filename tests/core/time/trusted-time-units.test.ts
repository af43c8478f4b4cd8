import { describe, expect, it } from 'vitest';
import { CoreHarness } from '../../support/core-harness';
import { FakeClock } from '../../support/fake-clock';

/** A clock like the system's: performance.now() has fractions of a millisecond. */
class FractionalClock extends FakeClock {
  override monotonicMs(): number {
    return super.monotonicMs() + 0.734;
  }
}

describe('trusted time units', () => {
  it('is whole milliseconds, so audit entries carry integer times the server accepts', async () => {
    const h = new CoreHarness(undefined, new FractionalClock());
    try {
      await h.setUp();
      h.clock.advance(1_234);
      expect(Number.isInteger(h.kh.time.now())).toBe(true);
      const entries = h.kh.audit.after(0, 100);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => Number.isInteger(e.at))).toBe(true);
    } finally {
      h.dispose();
    }
  });

  it('a PC whose clock is slow runs on server time after a sync without counting as moved back', async () => {
    const h = new CoreHarness();
    try {
      await h.open();
      const serverTime = h.clock.nowMs() + 20 * 60_000; // the PC is 20 minutes slow
      h.kh.time.reanchor(serverTime);
      expect(h.kh.time.now()).toBe(serverTime);
      h.clock.advance(60_000);
      expect(h.kh.time.status()).toEqual({ ok: true });
      await h.reopen();
      expect(h.kh.time.status()).toEqual({ ok: true });
      expect(h.kh.time.now()).toBeGreaterThanOrEqual(serverTime + 60_000);
    } finally {
      h.dispose();
    }
  });
});
