import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * PostgreSQL session settings every connection of this library's clients gets. `TimeZone=UTC` because
 * @prisma/adapter-pg writes a JavaScript `Date` as a timestamp without offset and reads `timestamptz` back as UTC:
 * on a session in any other zone, `createMany` would store shifted instants and results would come back shifted.
 * (The library's own bound dates carry an explicit `Z` and are safe either way.)
 */
export const SESSION_OPTIONS = '-c TimeZone=UTC';

/**
 * A `PrismaClient` on @prisma/adapter-pg whose sessions run in UTC, whatever the server's default `TimeZone`.
 * Build your own client the same way (`new PrismaPg({ connectionString, options: '-c TimeZone=UTC' })`).
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, options: SESSION_OPTIONS }) });
}
