/**
 * Whether an error means the database could not be reached or did not answer for now (so the
 * request may succeed if tried again), as opposed to a fault in the request or the server:
 * - PostgreSQL: a connection that could not be opened or was ended under the statement (a
 *   restart, a failover, `pg_terminate_backend`, a network drop), or a server refusing new
 *   connections (starting up, shutting down, too many);
 * - SQLite: the database stayed busy or locked past `busy_timeout`.
 */
const PG_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const PG_CLIENT_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (PG_UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (NETWORK_CODES.has(code)) return true;
  }
  return PG_CLIENT_MESSAGES.test(error.message);
}
