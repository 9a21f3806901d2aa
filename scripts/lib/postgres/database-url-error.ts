/**
 * What is wrong with a `DATABASE_URL`, said in one line a user can act on: not a PostgreSQL URL, no server at its
 * address, a refused login, a database that does not exist. The script prints the message without a stack trace
 * (see `ReportedError`), since nothing in the code failed.
 */
import { ReportedError } from './errors.ts';

/** The host and port a URL names (`127.0.0.1:5432`), for messages; never its password. */
function addressOf(url: URL): string {
  return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
}

/**
 * `url` parsed, or a `ReportedError` when it is not a `postgres://` / `postgresql://` URL (node-postgres would read
 * other text as something else: `not-a-url` becomes a lookup of the host "base").
 */
export function requirePostgresUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReportedError('DATABASE_URL is not a URL; expected postgresql://user:password@host:port/database');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new ReportedError(`DATABASE_URL starts with ${parsed.protocol}//; expected postgresql://user:password@host:port/database`);
  }
  return parsed;
}

/** The failure of the first connection to `url`, as one line naming its cause. */
export function databaseUrlError(url: URL, error: unknown): ReportedError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const detail = typeof message === 'string' ? message : String(error);
  const at = addressOf(url);
  const database = decodeURIComponent(url.pathname.slice(1)) || '(the user\'s default)';
  switch (code) {
    case '28P01':
    case '28000':
      return new ReportedError(`DATABASE_URL: PostgreSQL at ${at} refused the login: ${detail}`, { cause: error });
    case '3D000':
      return new ReportedError(`DATABASE_URL: PostgreSQL at ${at} has no database ${database}: ${detail}`, { cause: error });
    default:
      return new ReportedError(`DATABASE_URL: PostgreSQL at ${at} is not reachable: ${detail}`, { cause: error });
  }
}
