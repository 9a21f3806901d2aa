import type pg from 'pg';
import { mapDatabaseError } from '../map-database-error.ts';
import type { ModelName } from '../window/catalog.ts';
import type { DbClient } from '../repositories/db-client.ts';
import { fetchChunk, type Chunk, type ChunkReader, type ChunkRow, type KeysetPosition, type OpeningCarry } from './keyset-chunk.ts';
import { pgChunkReader } from './pg-chunk-reader.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { snapshotBatches, type SnapshotOptions } from './snapshot-stream.ts';

export interface StreamOptions extends SnapshotOptions {
  /** Rows per keyset chunk (memory stays bounded by it). Default 10,000. */
  readonly chunkSize?: number;
  /** Total carried into the first chunk (e.g. an opening balance). */
  readonly opening?: OpeningCarry;
  /**
   * Read the chunks with plain node-postgres on this pool (the one your `PrismaPg` adapter uses) instead of
   * `$queryRaw`: same SQL, same snapshot guarantee, same row types, a fraction of Prisma's per-row cost.
   */
  readonly pool?: pg.Pool;
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
  if (options.pool) {
    yield* streamWithPool(options.pool, plan, options);
    return;
  }
  const batches = snapshotBatches<ChunkRow[]>(
    db,
    async (tx, emit) => {
      for await (const chunk of chunks((sql) => tx.$queryRaw<ChunkRow[]>(sql), plan, options)) {
        if (!(await emit(chunk.rows))) return;
      }
    },
    options,
  );
  for await (const batch of batches) yield* batch;
}

/** Consecutive non-empty keyset chunks from the start (or `options.opening`) to the end of the data. */
async function* chunks<M extends ModelName>(read: ChunkReader, plan: RunningTotalPlan<M>, options: StreamOptions) {
  const chunkSize = options.chunkSize ?? 10_000;
  let position: KeysetPosition | OpeningCarry | undefined = options.opening;
  for (;;) {
    const chunk: Chunk = await fetchChunk(read, plan, position, chunkSize);
    if (chunk.rows.length > 0) yield chunk;
    if (!chunk.more || !chunk.position) return;
    position = chunk.position;
  }
}

// One pooled connection, one REPEATABLE READ READ ONLY transaction for the whole stream; released however the
// consumer leaves the loop.
async function* streamWithPool<M extends ModelName>(pool: pg.Pool, plan: RunningTotalPlan<M>, options: StreamOptions) {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw mapDatabaseError(error);
  }
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    for await (const chunk of chunks(pgChunkReader(client, plan), plan, options)) yield* chunk.rows;
  } catch (error) {
    broken = true;
    throw mapDatabaseError(error);
  } finally {
    // Read-only: ROLLBACK and COMMIT are equivalent; a connection that failed is discarded, not reused.
    await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken);
  }
}
