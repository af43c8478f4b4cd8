/**
 * The sync server's one clock. Every service that needs the time takes a `ServerClock` from the
 * composition root (`buildApp`), so tests drive expiry, rate windows and digests with a fake
 * one. It lives alone so that services need not import the composition root for its type.
 */
export interface ServerClock {
  nowMs(): number;
}

export const systemClock: ServerClock = { nowMs: () => Date.now() };
