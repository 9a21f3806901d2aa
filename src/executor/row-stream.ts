import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import { LedgerError } from '../errors.ts';
import type { ColumnKind } from './field-decoders.ts';
import { holdConnection } from './held-connection.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { driverValue } from './pg-driver.ts';
import { connectionWaitMs, idleTimeoutError, serverStatementTimeoutSql, streamTimeoutError, type StreamTimeouts } from './stream-timeouts.ts';
import { DECODING_SETTINGS_SQL, WireRowsQuery } from './wire-rows.ts';

export interface RowStreamOptions extends StreamTimeouts {
  /** How the columns the caller knows are read (exact `Decimal`s, `bigint`s, `date`s); others by their type. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
}

/**
 * Streams one statement on a pooled node-postgres connection, inside one `REPEATABLE READ, READ ONLY`
 * transaction: PostgreSQL computes the query once and sends rows as fast as the consumer takes them (the socket
 * is read on demand, so the server waits on a full socket and memory stays at one socket read of rows). Rows are
 * decoded from the bytes of each field into exact types (`WireRowsQuery`). The connection goes back to the pool
 * when the result was read to its end; a consumer that leaves early ends it (the server stops at once, instead of
 * sending the rest of the result to be thrown away).
 *
 * Bounded like the snapshot streams: past `maxWaitMs` waiting for a connection (`DatabaseUnavailableError`, nothing
 * read), past `timeoutMs` for the whole stream, or `idleTimeoutMs` between two reads
 * (a consumer that stopped pulling or dropped the iterator), the connection is ended and the next read throws
 * `TransactionTimeoutError`. Every failure is a `LedgerError`.
 */
export async function* streamRows<Row>(pool: pg.Pool, sql: Prisma.Sql, options: RowStreamOptions): AsyncGenerator<Row, void, undefined> {
  const timeouts = options;
  const held = await holdConnection(pool, connectionWaitMs(timeouts));
  const { client } = held;
  let query: WireRowsQuery | undefined;
  let finished = false;
  // Ending the connection is the only way to stop a pending read or an idle transaction from outside the loop.
  let expired: 'idle' | 'total' | undefined;
  const expire = (why: 'idle' | 'total') => {
    if (expired) return;
    expired = why;
    query?.abort();
    // Releasing it with an error makes the pool end the connection and forget it: free for the next caller now,
    // not when an abandoned iterator is collected.
    held.release(new Error(`stream ${why} timeout`));
  };
  const total = setTimeout(() => expire('total'), timeouts.timeoutMs);
  total.unref();
  // Idle means: the consumer holds a row and has not asked for the next one. Timing each row would cost a timer
  // per row, so a watch looks every quarter of idleTimeoutMs and ends the stream after four looks in a row found
  // the same row held: never before idleTimeoutMs, at most a quarter after it.
  let pulls = 0;
  let holding = false;
  const watch = idleWatch(timeouts.idleTimeoutMs, () => (holding ? pulls : undefined), () => expire('idle'));
  try {
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; ${DECODING_SETTINGS_SQL}`);
    const limit = serverStatementTimeoutSql(timeouts);
    await client.query(limit.text, limit.values.map(driverValue));
    query = new WireRowsQuery(sql, options.columns);
    client.query(query);
    for await (const rows of query.batches()) {
      // ISO DateStyle is set for this transaction: a Date that is invalid holds a stored value none can.
      const unrepresentable = query.unrepresentable;
      if (unrepresentable) throw unrepresentable;
      for (const row of rows) {
        holding = true;
        yield row as Row;
        holding = false;
        pulls += 1;
        if (expired) break;
      }
      if (expired) break;
    }
    if (expired === 'idle') throw idleTimeoutError(timeouts);
    if (expired === 'total') throw streamTimeoutError(timeouts);
    finished = true;
  } catch (error) {
    if (expired === 'idle' && !(error instanceof LedgerError)) throw idleTimeoutError(timeouts);
    if (expired === 'total' && !(error instanceof LedgerError)) throw streamTimeoutError(timeouts, error);
    throw mapDatabaseError(error);
  } finally {
    clearTimeout(total);
    clearInterval(watch);
    if (finished) {
      // Read-only: ROLLBACK loses nothing, and a connection that cannot take it is discarded.
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      held.release(!rolledBack);
    } else {
      // Left early, failed or timed out (then already released): the rest of the result may still be on its way.
      // Ending the connection stops the server; the pool forgets the connection.
      query?.abort();
      held.release(true);
    }
  }
}

const LOOKS = 4;

/**
 * Calls `onIdle` once `held()` has returned the same position (a count of rows taken) at `LOOKS` looks in a row,
 * one every `idleMs / LOOKS`; `undefined` (not waiting on the consumer) starts the count over.
 */
function idleWatch(idleMs: number, held: () => number | undefined, onIdle: () => void): NodeJS.Timeout {
  let last: number | undefined;
  let looks = 0;
  const watch = setInterval(() => {
    const position = held();
    looks = position !== undefined && position === last ? looks + 1 : 0;
    last = position;
    if (looks >= LOOKS) {
      clearInterval(watch);
      onIdle();
    }
  }, Math.max(1, Math.ceil(idleMs / LOOKS)));
  watch.unref();
  return watch;
}
