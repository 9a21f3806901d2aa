import type { Prisma } from '../generated/prisma/client.ts';
import { mapDatabaseError } from '../map-database-error.ts';
import { isRootClient, type DbClient } from '../repositories/db-client.ts';

export interface SnapshotOptions {
  /**
   * Upper bound for the whole stream, in ms: every chunk is read in one REPEATABLE READ transaction, and Prisma
   * ends interactive transactions after their timeout. Default 10 minutes.
   */
  readonly timeoutMs?: number;
}

/**
 * Runs `produce` inside one `REPEATABLE READ, READ ONLY` transaction and hands its batches to the consumer one at
 * a time: the producer waits until the consumer asks for the next batch, so at most one batch is in memory, and
 * every batch reads the same snapshot. Breaking out of the consumer's loop ends the transaction.
 *
 * With a transaction client (no `$transaction`), batches are read in the caller's transaction as they are.
 */
export async function* snapshotBatches<T>(
  db: DbClient,
  produce: (tx: Prisma.TransactionClient, emit: (batch: T) => Promise<boolean>) => Promise<void>,
  options: SnapshotOptions = {},
): AsyncGenerator<T, void, undefined> {
  let stopped = false;
  let offered: { readonly batch: T } | undefined;
  // Resolves the producer's pending emit(): true = send the next batch, false = stop.
  let resume: ((more: boolean) => void) | undefined;
  let arrived: (() => void) | undefined;
  let finished = false;
  let failure: unknown;

  const emit = (batch: T) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      offered = { batch };
      resume = resolve;
      arrived?.();
    });

  const root = isRootClient(db);
  const run = async (tx: Prisma.TransactionClient) => {
    if (root) await tx.$executeRaw`SET TRANSACTION READ ONLY`;
    await produce(tx, emit);
  };
  const done = (root
    ? db.$transaction(run, { isolationLevel: 'RepeatableRead', timeout: options.timeoutMs ?? 600_000, maxWait: 10_000 })
    : run(db)
  ).then(
    () => {
      finished = true;
      arrived?.();
    },
    (error: unknown) => {
      failure = error;
      finished = true;
      arrived?.();
    },
  );

  try {
    for (;;) {
      if (!offered && !finished) await new Promise<void>((resolve) => (arrived = resolve));
      arrived = undefined;
      if (offered) {
        const { batch } = offered;
        offered = undefined;
        yield batch;
        const next = resume;
        resume = undefined;
        next?.(true);
        continue;
      }
      if (failure !== undefined) throw mapDatabaseError(failure);
      return;
    }
  } finally {
    // Consumer done (or broke out): tell a waiting producer to stop, then let the transaction end.
    stopped = true;
    const next = resume;
    resume = undefined;
    next?.(false);
    await done;
  }
}
