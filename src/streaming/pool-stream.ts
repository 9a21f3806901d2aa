import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import type { ColumnKind } from '../executor/field-decoders.ts';
import { streamRows } from '../executor/row-stream.ts';
import type { StreamTimeouts } from '../executor/stream-timeouts.ts';
import { columnInfo, type ModelName } from '../window/catalog.ts';
import type { ChunkRow } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

// Rows come back exactly as $queryRaw would type them: Decimal from the numeric's exact text (never a float),
// bigint for int8, UTC midnight for dates. Other fields are read by their column type (int4 → number, instants →
// Date, text → string).
function kindOf(model: ModelName, field: string): ColumnKind | undefined {
  const info = columnInfo(model, field);
  if (info.type === 'BigInt') return 'bigint';
  if (info.type === 'Decimal') return 'decimal';
  if (info.type === 'DateTime' && info.nativeType?.[0] === 'Date') return 'date';
  if (info.type === 'DateTime' && (info.nativeType?.[0] === 'Time' || info.nativeType?.[0] === 'Timetz')) return 'time';
  return undefined;
}

/**
 * How the columns of a running-total query are read on the `pgPool` path, to the row `$queryRaw` would return:
 * the plan's selected fields by their model types, and the running total as an exact Decimal.
 */
export function runningTotalColumns<M extends ModelName>(plan: RunningTotalPlan<M>): Readonly<Record<string, ColumnKind>> {
  const columns: Record<string, ColumnKind> = {};
  for (const field of plan.select) {
    const kind = kindOf(plan.model, field);
    if (kind) columns[field] = kind;
  }
  columns.runningTotal = 'decimal';
  return columns;
}

/**
 * Streams a compiled running-total query on the caller's node-postgres pool (the `pgPool` path): the same rows,
 * order and exact types as the keyset path, decoded from the bytes the server sends.
 */
export function streamThroughPool<M extends ModelName>(
  pool: pg.Pool,
  plan: RunningTotalPlan<M>,
  sql: Prisma.Sql,
  timeouts: StreamTimeouts,
): AsyncGenerator<ChunkRow, void, undefined> {
  return streamRows<ChunkRow>(pool, sql, { columns: runningTotalColumns(plan), ...timeouts });
}
