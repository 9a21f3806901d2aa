import * as Prisma from '../prisma-runtime.ts';

/**
 * UTC as a fixed offset rather than a zone name. A name is looked up for every row (on 100k rows that lookup is a
 * fifth of the server's time for a running-totals read), and since PostgreSQL 18 it is first looked up among the
 * abbreviations of the session's TimeZone: a session in the POSIX zone `'UTC+05:30'` calls its own offset "UTC".
 * An interval is read once, when the statement is planned, and names nothing a session can redefine; UTC never
 * changes its offset, so the result is the same as through `'Etc/UTC'`.
 */
const AT_UTC = Prisma.raw(`AT TIME ZONE INTERVAL '+00:00'`);

/**
 * `(sql AT TIME ZONE INTERVAL '+00:00')`: an instant as its UTC wall time, a UTC wall time as its instant, or a
 * `timetz` as its UTC clock.
 *
 * ```ts
 * atUtc(Prisma.sql`"createdAt"`); // ("createdAt" AT TIME ZONE INTERVAL '+00:00')
 * ```
 */
export function atUtc(sql: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${sql} ${AT_UTC})`;
}
