/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg's own words for a connection that failed or ended (it sets no code on these). */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
  'terminating connection due to administrator command',
];

/**
 * Which backing service did not answer, when an error says a connection failed or was lost (not a
 * refusal of the request): `database` for PostgreSQL (SQLSTATE class 08, 57P01-57P03, 53300, or
 * pg's connection messages), `network` for any other connection. A wrapping error (TypeORM's
 * QueryFailedError, a cause chain) is looked through. Such failures are worth waiting out: the
 * API answers 503 and a job is tried again later without using up its attempts.
 */
export function unreachableService(error: unknown): 'database' | 'network' | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return 'database';
      if (NETWORK_CODES.has(code)) return 'network';
    }
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((m) => message.includes(m))) return 'database';
    const next = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
  return undefined;
}
