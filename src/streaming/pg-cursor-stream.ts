import pg from 'pg';
import Cursor from 'pg-cursor';
import { Prisma } from '../generated/prisma/client.ts';
import { LedgerError } from '../errors.ts';
import { mapDatabaseError } from '../executor/map-database-error.ts';
import { columnInfo, type ModelName } from '../window/catalog.ts';
import type { ChunkRow } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { idleTimeoutError, serverStatementTimeoutSql, streamTimeoutError, type StreamTimeouts } from '../executor/stream-timeouts.ts';

const DATE_OID = 1082;
const TIMESTAMP_OID = 1114;

// node-postgres reads `date` as local midnight; read it as text and build the UTC midnight Prisma returns.
// `timestamp` (how instants are selected: `"col" AT TIME ZONE 'UTC'`) holds UTC wall time, which node-postgres
// would read in the process's local zone: read it as UTC, the way @prisma/adapter-pg does.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === TIMESTAMP_OID) return (value: string) => new Date(`${value.replace(' ', 'T')}+00:00`);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Bound values as node-postgres takes them: it has no mapping for `bigint` or `Prisma.Decimal`. */
function driverValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Prisma.Decimal.isDecimal(value)) return value.toFixed();
  return Array.isArray(value) ? value.map(driverValue) : value;
}

type Decode = (value: unknown) => unknown;

// Rows come back exactly as $queryRaw would type them: Decimal from the numeric's exact text (never a float),
// bigint for int8, Date for timestamps, UTC midnight for dates.
// Fields whose driver value already has the right type (int4 → number, timestamptz → Date, text) get none.
function decoderFor(model: ModelName, field: string): Decode | undefined {
  const info = columnInfo(model, field);
  const orNull = (decode: Decode): Decode => (value) => (value === null || value === undefined ? null : decode(value));
  if (info.type === 'BigInt') return orNull((v) => BigInt(v as string));
  if (info.type === 'Decimal') return orNull((v) => new Prisma.Decimal(v as string));
  if (info.type === 'DateTime' && info.nativeType?.[0] === 'Date') return orNull((v) => new Date(`${v as string}T00:00:00Z`));
  return undefined;
}

/**
 * Streams the whole running-total query through one server-side portal (pg-cursor) on a pooled node-postgres
 * connection, inside one `REPEATABLE READ, READ ONLY` transaction: PostgreSQL computes the window once, and the
 * rows arrive `chunkSize` at a time without Prisma's per-row work. The connection goes back to the pool however
 * the consumer leaves the loop.
 *
 * Bounded like the keyset stream: past `timeoutMs` for the whole stream, or `idleTimeoutMs` between two reads
 * (a consumer that stopped pulling or dropped the iterator), the connection is discarded and the next read throws
 * `TransactionTimeoutError`.
 */
export async function* streamThroughCursor<M extends ModelName>(
  pool: pg.Pool,
  plan: RunningTotalPlan<M>,
  sql: Prisma.Sql,
  chunkSize: number,
  timeouts: StreamTimeouts,
): AsyncGenerator<ChunkRow, void, undefined> {
  const decoders = plan.select.flatMap((field) => {
    const decode = decoderFor(plan.model, field);
    return decode ? [[field, decode] as const] : [];
  });
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw mapDatabaseError(error);
  }
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
    await client.query(serverStatementTimeoutSql(timeouts));
    cursor = client.query(new Cursor<Record<string, unknown>>(sql.text, sql.values.map(driverValue), { types }));
    for (;;) {
      const rows = await cursor.read(chunkSize);
      if (rows.length === 0) break;
      idle = setTimeout(() => expire('idle'), timeouts.idleTimeoutMs);
      idle.unref();
      for (const row of rows) {
        // The driver's row object is ours: convert in place instead of copying every field.
        for (const [field, decode] of decoders) row[field] = decode(row[field]);
        row.runningTotal = new Prisma.Decimal(row.runningTotal as string);
        yield row as ChunkRow;
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
  }
}
