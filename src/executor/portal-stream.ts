import type pg from 'pg';
import Cursor from 'pg-cursor';
import type * as Prisma from '../prisma-runtime.ts';
import { LedgerError } from '../errors.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { DRIVER_TYPES, driverValue } from './pg-driver.ts';
import { idleTimeoutError, serverStatementTimeoutSql, streamTimeoutError, type StreamTimeouts } from './stream-timeouts.ts';

export interface PortalStreamOptions extends StreamTimeouts {
  /** Rows per read from the portal. */
  readonly chunkSize: number;
  /** Turns the driver's row into the row yielded, in place (e.g. exact Decimals from numeric text). */
  readonly decodeRow: (row: Record<string, unknown>) => void;
}

/**
 * Streams one statement through one server-side portal (pg-cursor) on a pooled node-postgres connection, inside
 * one `REPEATABLE READ, READ ONLY` transaction: PostgreSQL computes the query once, and rows arrive `chunkSize` at
 * a time without Prisma's per-row work. The connection goes back to the pool however the consumer leaves the loop.
 *
 * Bounded like the snapshot streams: past `timeoutMs` for the whole stream, or `idleTimeoutMs` between two reads
 * (a consumer that stopped pulling or dropped the iterator), the connection is discarded and the next read throws
 * `TransactionTimeoutError`. Every failure is a `LedgerError`.
 */
export async function* streamPortal<Row>(
  pool: pg.Pool,
  sql: Prisma.Sql,
  options: PortalStreamOptions,
): AsyncGenerator<Row, void, undefined> {
  const { chunkSize, decodeRow } = options;
  const timeouts = options;
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw mapDatabaseError(error);
  }
  // pg-pool drops its own 'error' listener while a client is checked out: without one, a server that ends the
  // session would emit an unhandled 'error' event and crash the process (the pending read fails on its own).
  const ignore = () => {};
  client.on('error', ignore);
  let broken = false;
  let cursor: Cursor<Record<string, unknown>> | undefined;
  // Ending the connection is the only way to stop a pending read or an idle transaction from outside the loop.
  // Releasing it with an error makes the pool end it (a pending read then fails) and forget it.
  let expired: 'idle' | 'total' | undefined;
  const expire = (why: 'idle' | 'total') => {
    if (expired) return;
    expired = why;
    client.release(new Error(`stream ${why} timeout`));
  };
  const total = setTimeout(() => expire('total'), timeouts.timeoutMs);
  total.unref();
  let idle: NodeJS.Timeout | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const limit = serverStatementTimeoutSql(timeouts);
    await client.query(limit.text, limit.values.map(driverValue));
    cursor = client.query(new Cursor<Record<string, unknown>>(sql.text, sql.values.map(driverValue), { types: DRIVER_TYPES }));
    for (;;) {
      const rows = await cursor.read(chunkSize);
      if (rows.length === 0) break;
      idle = setTimeout(() => expire('idle'), timeouts.idleTimeoutMs);
      idle.unref();
      for (const row of rows) {
        // The driver's row object is ours: convert in place instead of copying every field.
        decodeRow(row);
        yield row as Row;
        if (expired) break;
      }
      clearTimeout(idle);
      if (expired) break;
    }
    if (expired === 'idle') throw idleTimeoutError(timeouts);
    if (expired === 'total') throw streamTimeoutError(timeouts);
  } catch (error) {
    broken = true;
    if (expired === 'idle' && !(error instanceof LedgerError)) throw idleTimeoutError(timeouts);
    if (expired === 'total' && !(error instanceof LedgerError)) throw streamTimeoutError(timeouts, error);
    throw mapDatabaseError(error);
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
    // The open cursor is the client's active query: close it first (also after an early break), or the
    // ROLLBACK would queue behind it forever. Read-only, so ROLLBACK loses nothing. A connection that was ended
    // is discarded, not returned to the pool.
    if (!expired) {
      // After a failed read the portal is gone and close() would wait for a reply that never comes.
      if (!broken) await cursor?.close().catch(() => (broken = true));
      await client.query('ROLLBACK').catch(() => (broken = true));
      client.release(broken);
    }
    client.removeListener('error', ignore);
  }
}
