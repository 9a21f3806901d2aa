import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import { queryRows, type DbClient } from './db-client.ts';
import type { ColumnKind } from './field-decoders.ts';
import { QueryFailedError, type UnrepresentableValueError } from '../errors.ts';
import { holdConnection } from './held-connection.ts';
import { DEFAULT_READ_MAX_WAIT_MS } from './stream-timeouts.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { printsIsoDates, stillPrintsIsoDates } from './session-date-style.ts';
import { notePrepared, statementNameOn } from './statement-name.ts';
import { DECODING_SETTINGS_SQL, WireRowsQuery } from './wire-rows.ts';

/**
 * Runs one read statement and returns its rows with the types `$queryRaw` gives them; `columns` names the
 * columns whose type alone does not say it (Decimal, bigint, date, time: see `ColumnKind`).
 */
export type ReadRows = <Row>(sql: Prisma.Sql, columns: Readonly<Record<string, ColumnKind>>) => Promise<Row[]>;

/** `ReadRows` through Prisma's `$queryRaw` (which types columns itself), in `db`'s transaction if it is one. */
export function readThroughPrisma(db: DbClient): ReadRows {
  return (sql) => queryRows(db, sql);
}

/** The caller's pool and whether reads prepare their statements on its connections (a repository's options). */
export interface PoolReads {
  readonly pool: pg.Pool;
  readonly preparedStatements: boolean;
}

/** How `readThroughPool` runs its statements. */
export interface PoolReadOptions {
  /** All of them in one `REPEATABLE READ, READ ONLY` transaction (one snapshot). */
  readonly snapshot?: boolean | undefined;
  /**
   * Each statement prepared once per connection under a name derived from its text (see `WireRowsQuery`), up to
   * `MAX_PREPARED_PER_CONNECTION` texts per connection.
   */
  readonly preparedStatements?: boolean | undefined;
  /** Longest wait for a connection of the pool (`DatabaseUnavailableError` past it); unbounded by default. */
  readonly maxWaitMs?: number | undefined;
}

/**
 * What the server answers for a prepared statement that no longer holds: 0A000 "cached plan must not change result
 * type" (a migration changed the type of a column it returns), 26000 "prepared statement does not exist" (dropped
 * behind node-postgres's back: `DEALLOCATE`, `DISCARD ALL`, a pooler that moved the session).
 */
const STALE_STATEMENT = new Set(['0A000', '26000']);

/**
 * Runs `work`'s reads on one connection of the caller's node-postgres pool (the pool behind its PrismaPg adapter)
 * instead of through Prisma; with `snapshot`, in one `REPEATABLE READ, READ ONLY` transaction, so every statement
 * reads the same snapshot (without, each statement reads its own, as through Prisma). The same statements and
 * bound values; rows decoded from the bytes the server sends into the exact types `$queryRaw` returns, without
 * Prisma's or node-postgres's per-row work. Every failure is a `LedgerError`; a connection is handed back only
 * when it could end its transaction, else dropped from the pool.
 *
 * ```ts
 * const [opening, rows] = await readThroughPool(pool, async (read) => [await read(balanceSql, {}), await read(rowsSql, columns)], { snapshot: true });
 * // BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL DateStyle = 'ISO, MDY'; <balanceSql>; <rowsSql>; COMMIT
 * ```
 */
export async function readThroughPool<T>(pool: pg.Pool, work: (read: ReadRows) => Promise<T>, options: PoolReadOptions = {}): Promise<T> {
  try {
    return await readOnce(pool, work, options);
  } catch (error) {
    // The connection that held the stale statement is gone (see `readOnce`); reads are read-only, so running them
    // again is safe, and unnamed they cannot meet another connection's stale copy.
    if (options.preparedStatements && error instanceof QueryFailedError && STALE_STATEMENT.has(error.sqlState ?? '')) {
      return readOnce(pool, work, { ...options, preparedStatements: false });
    }
    throw error;
  }
}

async function readOnce<T>(pool: pg.Pool, work: (read: ReadRows) => Promise<T>, options: PoolReadOptions): Promise<T> {
  const held = await holdConnection(pool, options.maxWaitMs);
  const { client } = held;
  let healthy = false;
  let bare = false;
  // A read returned a float column (see the bare reads below).
  let floats = false;
  // A read ran under a prepared name (see the catch below).
  let named = false;
  // The first stored value a Date cannot hold: an error once the rows are known to be in ISO DateStyle.
  let unrepresentable: UnrepresentableValueError | undefined;
  const representable = <T>(result: T): T => {
    if (unrepresentable) throw unrepresentable;
    return result;
  };
  try {
    const read = async <Row>(sql: Prisma.Sql, columns: Readonly<Record<string, ColumnKind>>) => {
      const name = options.preparedStatements ? statementNameOn(client, sql.text) : undefined;
      named ||= name !== undefined;
      const query = new WireRowsQuery(sql, columns, name);
      client.query(query);
      const rows: Row[] = [];
      for await (const batch of query.batches()) for (const row of batch) rows.push(row as Row);
      if (name !== undefined) notePrepared(client, name);
      unrepresentable ??= query.unrepresentable;
      floats ||= query.readsFloats;
      return rows;
    };
    // Statements on a session that already prints ISO dates need no transaction (each reads its own snapshot, as
    // through Prisma): BEGIN and COMMIT would be two more round trips per read. If the server reported another
    // DateStyle with the reply (a configuration reload), the rows may be in it: read again, setting ISO. A read
    // that returned floats is read again too if the session prints them short (`extra_float_digits` below 1, which
    // the server does not report: asked once the floats are there).
    bare = !options.snapshot && (await printsIsoDates(client));
    if (bare) {
      const result = await work(read);
      if (stillPrintsIsoDates(client) && (!floats || (await printsExactFloats(client)))) {
        healthy = true;
        return representable(result);
      }
      bare = false;
      unrepresentable = undefined;
    }
    await client.query(`BEGIN ${options.snapshot ? 'ISOLATION LEVEL REPEATABLE READ, ' : ''}READ ONLY; ${DECODING_SETTINGS_SQL}`);
    const result = await work(read);
    await client.query('COMMIT');
    healthy = true;
    return representable(result);
  } catch (error) {
    const failure = mapDatabaseError(error);
    // A statement the server refused leaves a usable connection (in a failed transaction, if one was open): rolled
    // back (outside one, an empty statement proves it alive), it goes back to the pool. One that was ended
    // (query_timeout, a lost server) cannot answer and is dropped. With prepared statements, node-postgres's record
    // of them still matches the server's after a refusal the server reports (a prepared statement outlives its
    // transaction; a failed Parse leaves it on neither side), but not after a stale statement or a failure on the
    // client's side (a value node-postgres cannot send makes it close the statement on the server): that
    // connection is dropped, and a fresh one prepares again.
    const recordsHold = !named || (failure instanceof QueryFailedError && failure.sqlState !== undefined && !STALE_STATEMENT.has(failure.sqlState));
    healthy =
      recordsHold &&
      (await client.query(bare ? ';' : 'ROLLBACK').then(
        () => true,
        () => false,
      ));
    throw failure;
  } finally {
    held.release(!healthy);
  }
}

/**
 * One read statement through the pool (see `readThroughPool`): one statement reads one snapshot. It waits for a
 * connection as long as the pool's own `connectionTimeoutMillis` says, or, when the pool sets none (it would wait
 * forever, e.g. on a connection held by the caller's own paused stream), `DEFAULT_READ_MAX_WAIT_MS`, as a page
 * does; past it, `DatabaseUnavailableError`, nothing read.
 */
export function queryThroughPool<Row>(
  pool: pg.Pool,
  sql: Prisma.Sql,
  columns: Readonly<Record<string, ColumnKind>>,
  options: Pick<PoolReadOptions, 'preparedStatements'> = {},
): Promise<Row[]> {
  const poolsOwn = pool.options.connectionTimeoutMillis ?? 0;
  return readThroughPool(pool, (read) => read<Row>(sql, columns), { ...options, maxWaitMs: poolsOwn > 0 ? undefined : DEFAULT_READ_MAX_WAIT_MS });
}

/** Whether the session prints floats as their shortest exact text (`extra_float_digits` 1 or more, the default). */
async function printsExactFloats(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ extra_float_digits: string }>('SHOW extra_float_digits');
  return Number(rows[0]?.extra_float_digits) >= 1;
}
