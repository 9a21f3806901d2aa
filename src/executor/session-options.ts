/**
 * PostgreSQL session settings for the application's `PrismaClient` on @prisma/adapter-pg. `TimeZone=UTC` because
 * the adapter writes a JavaScript `Date` as a timestamp without offset and reads `timestamptz` back as UTC: on a
 * session in any other zone, Prisma's own `create`, `createMany` and `findMany` would store and return shifted
 * instants (the library's own statements are safe either way). `DateStyle=ISO` because the adapter parses
 * timestamps only in ISO format: under `SQL`, `German` or `Postgres` styles every returned `Date` is an Invalid
 * Date, for Prisma's queries and the library's alike.
 *
 * ```ts
 * const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString, options: SESSION_OPTIONS }) });
 * // every session: SET TimeZone = 'UTC'; SET DateStyle = 'ISO'
 * ```
 */
export const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO';
