import { generateSync } from 'otplib';

const STEP_SECONDS = 30;

function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / STEP_SECONDS);
}

/**
 * The person's phone: computes codes from the manual key the page showed. The core accepts the
 * current 30 s step ±1 and never the same (or an earlier) step twice, so each code handed out
 * here is for a step after the last one used, still valid for at least `marginMs`. When no such
 * step is valid yet, it waits for the clock (at most one step) instead of sending a code the
 * core must refuse.
 */
export class Authenticator {
  private lastStep = Number.NEGATIVE_INFINITY;
  readonly secret: string;

  constructor(manualKey: string) {
    this.secret = manualKey.replace(/\s/g, '');
  }

  /** A code for a specific step (for replay tests). */
  codeForStep(step: number): string {
    return generateSync({ secret: this.secret, epoch: step * STEP_SECONDS });
  }

  /** The next code the core will accept; records its step as used. */
  async nextCode(marginMs = 4_000): Promise<{ code: string; step: number }> {
    for (;;) {
      const now = Date.now();
      // Valid now (≤ current + 1) and still valid after the margin (≥ step at now+margin − 1).
      const step = Math.max(this.lastStep + 1, stepAt(now + marginMs) - 1);
      if (step <= stepAt(now) + 1) {
        this.lastStep = step;
        return { code: this.codeForStep(step), step };
      }
      const nextBoundary = (stepAt(now) + 1) * STEP_SECONDS * 1000;
      await new Promise((resolve) => setTimeout(resolve, nextBoundary - now + 50));
    }
  }

  /** Marks a step as used by someone else's action (e.g. the code the test replays). */
  get lastUsedStep(): number {
    return this.lastStep;
  }
}
