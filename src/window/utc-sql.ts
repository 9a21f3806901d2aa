import * as Prisma from '../prisma-runtime.ts';
import { UTC_ZONE } from '../validation/bucket-options.ts';

const AT_UTC = Prisma.raw(`AT TIME ZONE '${UTC_ZONE}'`);

/**
 * `(sql AT TIME ZONE 'Etc/UTC')`: an instant as its UTC wall time, or a UTC wall time as its instant. Never
 * `'UTC'`: since PostgreSQL 18 a zone name is first looked up among the abbreviations of the session's TimeZone, and
 * a session in the POSIX zone `'UTC+05:30'` (5:30 west of Greenwich) calls its own offset "UTC".
 *
 * ```ts
 * atUtc(Prisma.sql`"createdAt"`); // ("createdAt" AT TIME ZONE 'Etc/UTC')
 * ```
 */
export function atUtc(sql: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${sql} ${AT_UTC})`;
}
