import type { ModelName } from '../window/catalog.ts';
import type { DbClient } from '../repositories/db-client.ts';
import { fetchChunk, type Chunk, type ChunkRow, type KeysetPosition, type OpeningCarry } from './keyset-chunk.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { snapshotBatches, type SnapshotOptions } from './snapshot-stream.ts';

export interface StreamOptions extends SnapshotOptions {
  /** Rows per keyset chunk (memory stays bounded by it). Default 10,000. */
  readonly chunkSize?: number;
  /** Total carried into the first chunk (e.g. an opening balance). */
  readonly opening?: OpeningCarry;
}

/**
 * Streams a running total chunk by chunk, in one read-only REPEATABLE READ snapshot: rows equal the non-streaming
 * query's, in the same order, whatever the chunk size.
 */
export async function* streamRunningTotals<M extends ModelName>(
  db: DbClient,
  plan: RunningTotalPlan<M>,
  options: StreamOptions = {},
): AsyncGenerator<ChunkRow, void, undefined> {
  const chunkSize = options.chunkSize ?? 10_000;
  const batches = snapshotBatches<ChunkRow[]>(
    db,
    async (tx, emit) => {
      let position: KeysetPosition | OpeningCarry | undefined = options.opening;
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
