import type pg from 'pg';
import type { ModelName } from '../window/catalog.ts';
import { isRootClient, type DbClient } from '../executor/db-client.ts';
import { streamDeclaredCursor } from '../executor/declared-cursor-stream.ts';
import { readThroughPrisma } from '../executor/pool-query.ts';
import { fetchChunk, requireKeysetPlan, type Chunk, type ChunkRow, type KeysetPosition } from './keyset-chunk.ts';
import { streamThroughPool } from './pool-stream.ts';
import { compileRunningTotal } from './running-total-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { snapshotBatches } from '../executor/snapshot-stream.ts';
import type { StreamTimeouts } from '../executor/stream-timeouts.ts';

export interface StreamOptions extends StreamTimeouts {
  /** Rows per keyset chunk (memory stays bounded by it). */
  readonly chunkSize: number;
}

/**
 * Streams a running total chunk by chunk, in one snapshot: rows equal the non-streaming query's, in the same order,
 * whatever the chunk size. Its own transaction is read-only REPEATABLE READ, and reads keyset chunks (each an index
 * range). A caller's transaction may be READ COMMITTED, where each chunk would see rows committed since the last
 * one (a total that matches no state of the ledger): there the rows come through one cursor, whose snapshot is
 * taken once, at its DECLARE, whatever the isolation level.
 */
export async function* streamRunningTotals<M extends ModelName>(
  db: DbClient,
  plan: RunningTotalPlan<M>,
  options: StreamOptions,
): AsyncGenerator<ChunkRow, void, undefined> {
  const { chunkSize } = options;
  requireKeysetPlan(plan, 'A keyset stream');
  if (!isRootClient(db)) {
    yield* streamDeclaredCursor<ChunkRow>(db, compileRunningTotal(plan), options);
    return;
  }
  const batches = snapshotBatches<ChunkRow[]>(
    db,
    async (tx, emit) => {
      let position: KeysetPosition | undefined;
      for (;;) {
        const chunk: Chunk = await fetchChunk(readThroughPrisma(tx), plan, position, chunkSize);
        if (chunk.rows.length > 0 && !(await emit(chunk.rows))) return;
        if (!chunk.more || !chunk.position) return;
        position = chunk.position;
      }
    },
    options,
  );
  for await (const batch of batches) yield* batch;
}

/**
 * A running-total stream on the path the caller's setup allows: one statement on the `pgPool` behind the adapter
 * when there is one, its rows decoded from the socket (a fraction of the per-row cost), else keyset chunks through
 * `$queryRaw`. Same
 * rows, order, exact types and one-snapshot guarantee either way.
 */
export function streamPlan<M extends ModelName>(
  db: DbClient,
  plan: RunningTotalPlan<M>,
  options: StreamOptions & { readonly pgPool?: pg.Pool | undefined },
): AsyncGenerator<ChunkRow, void, undefined> {
  const { pgPool, chunkSize, ...timeouts } = options;
  return pgPool
    ? streamThroughPool(pgPool, plan, compileRunningTotal(plan), timeouts)
    : streamRunningTotals(db, plan, { chunkSize, ...timeouts });
}
