import { mapDatabaseError } from './map-database-error.ts';
import { isRootClient, type DbClient } from './db-client.ts';
import {
  cancelledPastDeadline,
  connectionWaitMs,
  idleTimeoutError,
  serverIdleTimeoutSql,
  streamTimeoutError,
  transactionStatementTimeoutSql,
  type StreamTimeouts,
} from './stream-timeouts.ts';

/**
 * Runs `produce` inside one `REPEATABLE READ, READ ONLY` transaction and hands its batches to the consumer one at
 * a time: the producer waits until the consumer asks for the next batch, so at most one batch is in memory, and
 * every batch reads the same snapshot. Breaking out of the consumer's loop ends the transaction.
 *
 * A consumer that keeps a batch longer than `idleTimeoutMs` (or drops the iterator without `return()`) does not
 * keep the connection: the transaction is ended, and its next read throws `TransactionTimeoutError` — never a
 * silently shorter stream. The whole stream is bounded by `timeoutMs` (Prisma's interactive-transaction timeout,
 * and the transaction's `statement_timeout`, which ends a statement waiting on the server: Prisma cannot),
 * the wait for a pooled connection by `maxWaitMs` (Prisma's `maxWait`: `DatabaseUnavailableError`, nothing read).
 *
 * With a transaction client (no `$transaction`), batches are read in the caller's transaction as they are: its
 * timeouts are the caller's.
 */
export async function* snapshotBatches<T>(
  db: DbClient,
  produce: (tx: DbClient, emit: (batch: T) => Promise<boolean>) => Promise<void>,
  timeouts: StreamTimeouts,
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
  const stop = () => {
    stopped = true;
    const next = resume;
    resume = undefined;
    next?.(false);
  };

  const root = isRootClient(db);
  const started = Date.now();
  const run = async (tx: DbClient) => {
    if (root) {
      await tx.$executeRaw`SET TRANSACTION READ ONLY`;
      await tx.$queryRaw(serverIdleTimeoutSql(timeouts));
      await tx.$queryRaw(transactionStatementTimeoutSql(timeouts.timeoutMs));
    }
    await produce(tx, emit);
  };
  const done = (root
    ? db.$transaction(run, { isolationLevel: 'RepeatableRead', timeout: timeouts.timeoutMs, maxWait: connectionWaitMs(timeouts) })
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

  let idle = false;
  try {
    for (;;) {
      if (!offered && !finished) await new Promise<void>((resolve) => (arrived = resolve));
      arrived = undefined;
      if (offered) {
        const { batch } = offered;
        offered = undefined;
        // While the consumer holds the batch, the transaction sits idle: end it if that lasts too long.
        const timer = root
          ? setTimeout(() => {
              idle = true;
              stop();
            }, timeouts.idleTimeoutMs)
          : undefined;
        timer?.unref();
        yield batch;
        clearTimeout(timer);
        if (idle) {
          await done;
          throw idleTimeoutError(timeouts);
        }
        const next = resume;
        resume = undefined;
        next?.(true);
        continue;
      }
      if (failure !== undefined) {
        const error = mapDatabaseError(failure);
        if (root && cancelledPastDeadline(error, started, timeouts.timeoutMs)) throw streamTimeoutError(timeouts, error);
        throw error;
      }
      return;
    }
  } finally {
    // Consumer done (or broke out): tell a waiting producer to stop, then let the transaction end.
    stop();
    await done;
  }
}
