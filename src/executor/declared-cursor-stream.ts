import { randomBytes } from 'node:crypto';
import * as Prisma from '../prisma-runtime.ts';
import { isRootClient, type DbClient } from './db-client.ts';
import { snapshotBatches } from './snapshot-stream.ts';
import type { StreamTimeouts } from './stream-timeouts.ts';
import { requireRepresentableRows } from './representable-rows.ts';

export interface CursorStreamOptions extends StreamTimeouts {
  /** Rows per `FETCH` (memory stays bounded by it). */
  readonly chunkSize: number;
}

/**
 * Streams any statement through a server-side cursor, inside one read-only REPEATABLE READ transaction:
 * ```sql
 * DECLARE "window_stream_3f9a…" NO SCROLL CURSOR FOR SELECT ...;   -- values bound, as in $queryRaw
 * FETCH FORWARD 10000 FROM "window_stream_3f9a…";                  -- until it returns fewer rows
 * ```
 * PostgreSQL computes the query once, whatever its windows; rows arrive `chunkSize` at a time through Prisma, so
 * they have exactly the types `$queryRaw` gives. Timeouts, abandonment and errors behave as in `snapshotBatches`.
 * On a transaction client the cursor lives in the caller's transaction and is closed when the stream ends.
 */
export async function* streamDeclaredCursor<Row>(
  db: DbClient,
  sql: Prisma.Sql,
  options: CursorStreamOptions,
): AsyncGenerator<Row, void, undefined> {
  // A name of our own: several streams may share a caller's transaction.
  // The name and the count are ours (random hex, a validated integer), not the caller's: FETCH and CLOSE take no
  // bound parameters, so they are written into the statement.
  const cursor = Prisma.raw(`"window_stream_${randomBytes(8).toString('hex')}"`);
  const fetch = Prisma.sql`FETCH FORWARD ${Prisma.raw(String(Math.trunc(options.chunkSize)))} FROM ${cursor}`;
  const own = isRootClient(db);
  const batches = snapshotBatches<Row[]>(
    db,
    async (tx, emit) => {
      await tx.$executeRaw(Prisma.sql`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`);
      let failed = false;
      try {
        for (;;) {
          const rows = requireRepresentableRows(await tx.$queryRaw<Row[]>(fetch));
          if (rows.length > 0 && !(await emit(rows))) return;
          if (rows.length < options.chunkSize) return;
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // Our own transaction closes it at its end; a caller's goes on, so close it now (not after a failure:
        // the caller's transaction is then aborted and refuses every statement).
        if (!own && !failed) await tx.$executeRaw(Prisma.sql`CLOSE ${cursor}`);
      }
    },
    options,
  );
  for await (const batch of batches) yield* batch;
}
