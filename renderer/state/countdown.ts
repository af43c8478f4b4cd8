// The countdown's arithmetic without React, so node-side unit tests need not load React's
// types (they would change the DOM types the browser tests compile against).

/** Milliseconds left at `now` until `deadline`; 0 once passed; null when there is no deadline. */
export function timeLeft(deadline: number | null, now: number): number | null {
  return deadline === null ? null : Math.max(0, deadline - now);
}
