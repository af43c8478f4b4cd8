/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a random delay in [0, min(cap, base·2^attempt)], so many PCs coming back at once
 * after an outage do not hit the server in lockstep. A server's Retry-After is a floor.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const REQUEST_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };
export const RUN_BACKOFF: BackoffOptions = { baseMs: 5_000, capMs: 5 * 60_000 };

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  retryAfterMs: number | null = null,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or garbage. */
export function parseRetryAfter(header: unknown, nowMs: number): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month ("Sun, 29 Nov 2026 12:00:00 GMT"); Date.parse
  // alone would also take "-5" or "2" as dates.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
