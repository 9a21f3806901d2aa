/**
 * PostgreSQL session settings for the application's `PrismaClient` on @prisma/adapter-pg (and a `pgPool`).
 * `TimeZone=UTC` because the adapter writes a JavaScript `Date` as a timestamp without offset and reads
 * `timestamptz` back as UTC: on a session in any other zone, Prisma's own `create`, `createMany` and `findMany`
 * would store and return shifted instants (the library's own statements are safe either way). `DateStyle=ISO`
 * because the adapter parses timestamps only in ISO format: under `SQL`, `German` or `Postgres` styles every
 * returned `Date` is an Invalid Date, for Prisma's queries and the library's alike. `extra_float_digits=1` (the
 * default) because the adapter reads a float from its text: a database or role set to 0 or below prints 15
 * significant digits, and 0.9999999999999999 would come back as 1.
 *
 * `jit=off` because the planner decides on JIT compilation from its cost estimate, and it counts every branch of
 * a calendar bucket's expression on every row, the searches next to clock changes that almost no row takes
 * included. Where JIT is on (Debian's and Ubuntu's PostgreSQL packages, many hosted services), grouping 141,000
 * rows by local hour spent 3.7-5.4 s compiling and running against 0.3-1.0 s without, by local day 0.9-1.5 s
 * against 0.1 s, for the same result. The library's other statements are index-fed and estimated near what they
 * cost: a running total over a million rows is planned at about 77,000, under the lowest threshold (100,000).
 * Citus workers plan their shards' statements under their own setting: `ALTER ROLE app SET jit = off` on the
 * coordinator reaches them.
 *
 * ```ts
 * const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString, options: SESSION_OPTIONS }) });
 * // every session: SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET jit = off; SET extra_float_digits = 1
 * ```
 */
export const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO -c jit=off -c extra_float_digits=1';
