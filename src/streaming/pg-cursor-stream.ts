import type pg from 'pg';
import * as Prisma from '../prisma-runtime.ts';
import { streamPortal } from '../executor/portal-stream.ts';
import type { StreamTimeouts } from '../executor/stream-timeouts.ts';
import { columnInfo, type ModelName } from '../window/catalog.ts';
import type { ChunkRow } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

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
 * Streams a compiled running-total query through one server-side portal on the caller's node-postgres pool (the
 * `pgPool` path): the same rows, order and exact types as the keyset path, decoded from the driver's text.
 */
export function streamThroughCursor<M extends ModelName>(
  pool: pg.Pool,
  plan: RunningTotalPlan<M>,
  sql: Prisma.Sql,
  chunkSize: number,
  timeouts: StreamTimeouts,
): AsyncGenerator<ChunkRow, void, undefined> {
  return streamPortal<ChunkRow>(pool, sql, { chunkSize, decodeRow: runningTotalRowDecoder(plan), ...timeouts });
}

/**
 * Turns a node-postgres row of a running-total query into the row `$queryRaw` would return, in place: the plan's
 * selected fields by their column types, and the running total as an exact Decimal.
 */
export function runningTotalRowDecoder<M extends ModelName>(plan: RunningTotalPlan<M>): (row: Record<string, unknown>) => void {
  const decoders = plan.select.flatMap((field) => {
    const decode = decoderFor(plan.model, field);
    return decode ? [[field, decode] as const] : [];
  });
  return (row) => {
    for (const [field, decode] of decoders) row[field] = decode(row[field]);
    row.runningTotal = new Prisma.Decimal(row.runningTotal as string);
  };
}
