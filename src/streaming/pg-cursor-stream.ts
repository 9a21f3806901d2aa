import pg from 'pg';
import Cursor from 'pg-cursor';
import { Prisma } from '../generated/prisma/client.ts';
import { mapDatabaseError } from '../map-database-error.ts';
import { columnInfo, type ModelName } from '../window/catalog.ts';
import type { ChunkRow } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

const DATE_OID = 1082;

// node-postgres reads `date` as local midnight; read it as text and build the UTC midnight Prisma returns.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
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
 */
export async function* streamThroughCursor<M extends ModelName>(
  pool: pg.Pool,
  plan: RunningTotalPlan<M>,
  sql: Prisma.Sql,
  chunkSize: number,
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
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    cursor = client.query(new Cursor<Record<string, unknown>>(sql.text, sql.values.map(driverValue), { types }));
    for (;;) {
      const rows = await cursor.read(chunkSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        // The driver's row object is ours: convert in place instead of copying every field.
        for (const [field, decode] of decoders) row[field] = decode(row[field]);
        row.runningTotal = new Prisma.Decimal(row.runningTotal as string);
        yield row as ChunkRow;
      }
    }
  } catch (error) {
    broken = true;
    throw mapDatabaseError(error);
  } finally {
    // The open cursor is the client's active query: close it first (also after an early break), or the
    // ROLLBACK would queue behind it forever. Read-only, so ROLLBACK loses nothing.
    await cursor?.close().catch(() => (broken = true));
    await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
  }
}
