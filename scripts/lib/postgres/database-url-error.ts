/**
 * What is wrong with a `DATABASE_URL`, said in one line a user can act on: not a PostgreSQL connection string, no
 * server at its address, a refused login, a database that does not exist. The script prints the message without a
 * stack trace (see `ReportedError`), since nothing in the code failed. Messages quote the server's or the socket's
 * own words, which name the address and never the password; the URL itself is not parsed for them (node-postgres
 * accepts forms a WHATWG URL does not: `postgresql://user@/db?host=/var/run/postgresql`).
 */
import { ReportedError } from './errors.ts';

// What node-postgres reads as a connection string: a postgres URL, its `socket:` form, or a socket directory.
const CONNECTION_STRING = /^(postgres(ql)?:\/\/|socket:|\/)/i;

/**
 * Refuses text that is not a PostgreSQL connection string, before node-postgres reads it as something else
 * (`not-a-url` becomes a lookup of the host "base").
 */
export function requirePostgresUrl(url: string): void {
  if (CONNECTION_STRING.test(url)) return;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  throw new ReportedError(
    scheme === undefined
      ? 'DATABASE_URL is not a PostgreSQL URL; expected postgresql://user:password@host:port/database'
      : `DATABASE_URL starts with ${scheme}://; expected postgresql://user:password@host:port/database`,
  );
}

/** The failure of the first connection to DATABASE_URL, as one line naming its cause. */
export function databaseUrlError(error: unknown): ReportedError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const detail = typeof message === 'string' ? message : String(error);
  switch (code) {
    case '28P01':
    case '28000':
      return new ReportedError(`DATABASE_URL: the server refused the login: ${detail}`, { cause: error });
    case '3D000':
      return new ReportedError(`DATABASE_URL names a database the server does not have: ${detail}`, { cause: error });
    default:
      return new ReportedError(`DATABASE_URL: PostgreSQL there is not reachable: ${detail}`, { cause: error });
  }
}
