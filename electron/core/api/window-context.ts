/**
 * What one app window (or one browser-shell launch) holds on the core side: the session it
 * shows and the sessions parked by "switch user". The renderer never names a session; the host
 * passes this context with every call, so one window cannot act with another window's session.
 */
export interface WindowContext {
  sessionId: string | null;
  parked: string[];
}

export function newWindowContext(): WindowContext {
  return { sessionId: null, parked: [] };
}
