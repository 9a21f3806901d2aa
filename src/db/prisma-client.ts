import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * PostgreSQL session settings every connection of this library's clients gets. `TimeZone=UTC` because
 * @prisma/adapter-pg writes a JavaScript `Date` as a timestamp without offset and reads `timestamptz` back as UTC:
 * on a session in any other zone, Prisma's own `create`, `createMany` and `findMany` would store and return shifted
 * instants (the library's own statements are safe either way). `DateStyle=ISO` because the adapter parses
 * timestamps only in ISO format: under `SQL`, `German` or `Postgres` styles every returned `Date` is an Invalid
 * Date, for Prisma's queries and the library's alike.
 */
export const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO';

/**
 * A `PrismaClient` on @prisma/adapter-pg whose sessions run in UTC with ISO dates, whatever the server's defaults.
 * Build your own client the same way (`new PrismaPg({ connectionString, options: SESSION_OPTIONS })`).
 * ```ts
 * const prisma = createPrismaClient(process.env.DATABASE_URL!);
 * // sessions: SET TimeZone = 'UTC'; SET DateStyle = 'ISO'
 * ```
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, options: SESSION_OPTIONS }) });
}
