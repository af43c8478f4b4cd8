// The progressive delay between failed sign-ins, shared by the desktop core and the sync server
// so a person meets the same rhythm wherever they sign in. Pure: the callers persist the counters.

/** Failures before the progressive delay starts. */
export const FREE_FAILURES = 2;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** Delay before the next attempt after `failures` consecutive failures: 0, 0, 1 s, 2 s, 4 s … 30 s. */
export function throttleDelayMs(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_MS);
}
