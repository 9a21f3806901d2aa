import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import { streamRows } from '../executor/row-stream.ts';
import type { StreamTimeouts } from '../executor/stream-timeouts.ts';
import type { ModelName } from '../window/catalog.ts';
import type { ChunkRow } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { runningTotalColumns } from './result-columns.ts';

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
