import type { DbClient } from '../executor/db-client.ts';
import { LedgerError } from '../errors.ts';

/**
 * A caller's transaction runs in a session whose `TimeZone` is not UTC, and the batch was to be written with
 * Prisma's `createMany`: @prisma/adapter-pg binds a `Date` as UTC digits without an offset, which such a session
 * would read as its own local time, storing every instant shifted. Nothing was written.
 * ```ts
 * await prisma.$transaction(async (tx) => {
 *   await tx.$executeRaw`SET LOCAL TimeZone = 'Europe/Berlin'`;
 *   await new TransactionRepository(tx).insertMany(rows, { strategy: 'createMany' });
 * });
 * // SET LOCAL TimeZone = 'Europe/Berlin'
 * // SELECT current_setting('TimeZone') AS zone
 * // rejects with SessionTimeZoneError (use strategy 'unnest', or connect with TimeZone=UTC)
 * ```
 */
export class SessionTimeZoneError extends LedgerError {
  readonly code = 'SESSION_TIME_ZONE';
}

// Names PostgreSQL accepts for UTC itself (a zone that is at +00:00 only part of the year is not one).
const UTC_NAMES = new Set(['utc', 'etc/utc', 'uct', 'etc/uct', 'universal', 'etc/universal', 'zulu', 'etc/zulu', 'gmt', 'etc/gmt', 'gmt0', 'etc/gmt0', 'gmt+0', 'gmt-0', 'etc/gmt+0', 'etc/gmt-0', 'greenwich', 'etc/greenwich']);

/**
 * Makes Prisma's own writes of `Date`s exact inside `tx`. In a transaction the library opened, it sets the zone
 * for that transaction only (`SET LOCAL`, gone at commit). In a caller's transaction it changes nothing: it checks
 * the zone and refuses a non-UTC session with `SessionTimeZoneError`.
 */
export async function requireUtcSession(tx: DbClient, ownsTransaction: boolean): Promise<void> {
  if (ownsTransaction) {
    await tx.$executeRaw`SET LOCAL TimeZone = 'UTC'`;
    return;
  }
  const [row] = await tx.$queryRaw<Array<{ zone: string }>>`SELECT current_setting('TimeZone') AS zone`;
  const zone = row?.zone ?? '';
  if (!UTC_NAMES.has(zone.toLowerCase())) {
    throw new SessionTimeZoneError(
      `This transaction's session runs in TimeZone "${zone}", where Prisma's createMany would store shifted instants. ` +
        "Use strategy 'unnest' (binds instants with an explicit offset), or connect with " +
        "new PrismaPg({ connectionString, options: '-c TimeZone=UTC' }).",
    );
  }
}
