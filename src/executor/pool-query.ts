import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import type { ColumnKind } from './field-decoders.ts';
import { holdConnection } from './held-connection.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { ISO_DATES_SQL, WireRowsQuery } from './wire-rows.ts';

/**
 * Runs one read on a connection of the caller's node-postgres pool (the pool behind its PrismaPg adapter) instead
 * of through Prisma: the same statement and bound values, rows decoded from the bytes the server sends into the
 * exact types `$queryRaw` returns (`columns`: Decimal, bigint, date; others by their type), without Prisma's or
 * node-postgres's per-row work. One statement reads one snapshot. Every failure is a `LedgerError`; a connection
 * is handed back only when it could end its transaction, else dropped from the pool.
 */
export async function queryThroughPool<Row>(pool: pg.Pool, sql: Prisma.Sql, columns: Readonly<Record<string, ColumnKind>>): Promise<Row[]> {
  const held = await holdConnection(pool);
  const { client } = held;
  let healthy = false;
  try {
    await client.query(`BEGIN READ ONLY; ${ISO_DATES_SQL}`);
    const query = new WireRowsQuery(sql, columns);
    client.query(query);
    const rows: Row[] = [];
    for await (const batch of query.batches()) for (const row of batch) rows.push(row as Row);
    await client.query('COMMIT');
    healthy = true;
    return rows;
  } catch (error) {
    // A statement the server refused leaves a usable connection in a failed transaction: rolled back, it goes back
    // to the pool. One that was ended (query_timeout, a lost server) cannot take the ROLLBACK and is dropped.
    healthy = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw mapDatabaseError(error);
  } finally {
    held.release(!healthy);
  }
}
