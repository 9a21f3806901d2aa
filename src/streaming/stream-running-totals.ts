import type { ModelName } from '../window/catalog.ts';
import type { DbClient } from '../executor/db-client.ts';
import { fetchChunk, type Chunk, type ChunkRow, type KeysetPosition } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { snapshotBatches } from '../executor/snapshot-stream.ts';
import type { StreamTimeouts } from '../executor/stream-timeouts.ts';

export interface StreamOptions extends StreamTimeouts {
  /** Rows per keyset chunk (memory stays bounded by it). */
  readonly chunkSize: number;
}

/**
 * Streams a running total chunk by chunk, in one read-only REPEATABLE READ snapshot: rows equal the non-streaming
 * query's, in the same order, whatever the chunk size.
 */
export async function* streamRunningTotals<M extends ModelName>(
  db: DbClient,
  plan: RunningTotalPlan<M>,
  options: StreamOptions,
): AsyncGenerator<ChunkRow, void, undefined> {
  const { chunkSize } = options;
  const batches = snapshotBatches<ChunkRow[]>(
    db,
    async (tx, emit) => {
      let position: KeysetPosition | undefined;
      for (;;) {
        const chunk: Chunk = await fetchChunk(tx, plan, position, chunkSize);
        if (chunk.rows.length > 0 && !(await emit(chunk.rows))) return;
        if (!chunk.more || !chunk.position) return;
        position = chunk.position;
      }
    },
    options,
  );
  for await (const batch of batches) yield* batch;
}
