import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { DRIVER_TYPES, driverValue } from './pg-driver.ts';

/**
 * Runs one read on a connection of the caller's node-postgres pool (the pool behind its PrismaPg adapter) instead
 * of through Prisma: the same statement and bound values, rows decoded by `decodeRow` into the exact types
 * `$queryRaw` returns (Decimal, bigint, Date), without Prisma's per-row work. One statement reads one snapshot.
 * Every failure is a `LedgerError`.
 */
export async function queryThroughPool<Row>(pool: pg.Pool, sql: Prisma.Sql, decodeRow: (row: Record<string, unknown>) => void): Promise<Row[]> {
  let result: pg.QueryResult<Record<string, unknown>>;
  try {
    result = await pool.query<Record<string, unknown>>({ text: sql.text, values: sql.values.map(driverValue), types: DRIVER_TYPES });
  } catch (error) {
    throw mapDatabaseError(error);
  }
  // The driver's row objects are ours: converted in place instead of copied.
  for (const row of result.rows) decodeRow(row);
  return result.rows as Row[];
}
