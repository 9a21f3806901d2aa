import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { TransactionTimeoutError } from '../errors.ts';
import type { IsolationLevel } from './db-client.ts';
import { holdConnection } from './held-connection.ts';
import { mapDatabaseError } from './map-database-error.ts';
import { cancelledPastDeadline, statementTimeoutText } from './stream-timeouts.ts';

/** What work inside a COPY transaction can do; every failure is already a `LedgerError`. */
export interface CopySession {
  /** Runs a statement of catalog names only (no values); resolves to its first row, if any. */
  query<Row>(text: string): Promise<Row | undefined>;
  /** `COPY ... FROM STDIN` with text-format `data`; resolves to the rows copied. */
  copy(text: string, data: Iterable<string>): Promise<number>;
}

export interface CopyTransactionOptions {
  readonly isolationLevel?: IsolationLevel | undefined;
  /** The transaction is ended, and `TransactionTimeoutError` thrown, when it runs longer. */
  readonly timeoutMs: number;
  /**
   * Longest wait for a connection of the pool (like Prisma's `maxWait`: `DatabaseUnavailableError`, nothing
   * written); unbounded by default but for `timeoutMs`.
   */
  readonly maxWaitMs?: number | undefined;
}

const ISOLATION_SQL: Readonly<Record<IsolationLevel, string>> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/**
 * Runs `work` in one transaction on a connection of `pool`, for writes with PostgreSQL's COPY: committed when it
 * resolves, rolled back on any failure (a refused row, a lost connection, the timeout), so everything or nothing
 * is written. Every failure is a `LedgerError`; a connection that failed or timed out is discarded, not returned
 * to the pool.
 */
export async function copyInTransaction<T>(pool: pg.Pool, options: CopyTransactionOptions, work: (session: CopySession) => Promise<T>): Promise<T> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const held = await holdConnection(pool, Math.min(options.maxWaitMs ?? options.timeoutMs, options.timeoutMs));
  const { client } = held;
  let expired = false;
  let failed = false;
  let committing = false;
  let undecided = false;
  // Ending the connection is the only way to stop a COPY in flight; releasing it with an error makes the pool end it.
  const end = () => held.release(new Error('copy transaction timeout'));
  let backstop: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    if (!committing) {
      expired = true;
      end();
      return;
    }
    // COMMIT is not bounded by statement_timeout (the server lifts it before the commit's own work, deferred
    // triggers included), and ending the connection now would leave its outcome unknown: wait a while longer for
    // the server's answer, so the caller learns whether it committed; only a server that stopped answering leaves
    // it unknown.
    backstop = setTimeout(() => {
      undecided = true;
      end();
    }, COMMIT_BACKSTOP_MS);
    backstop.unref();
  }, options.timeoutMs);
  timer.unref();
  const timeout = (cause: unknown) =>
    new TransactionTimeoutError(
      undecided
        ? `The COPY transaction ran longer than ${options.timeoutMs} ms (timeoutMs) and the server did not answer its COMMIT within ${COMMIT_BACKSTOP_MS} ms more: whether it committed is unknown (a retry with the same idempotency keys is safe).`
        : `The COPY transaction ran longer than ${options.timeoutMs} ms (timeoutMs) and was rolled back.`,
      { cause },
    );
  const mapped = (error: unknown) => {
    if (expired || undecided) return timeout(error);
    const typed = mapDatabaseError(error);
    // The server's bound (below) cancelled a statement at the deadline: rolled back.
    return cancelledPastDeadline(typed, started, options.timeoutMs) ? timeout(typed) : typed;
  };
  // What is left of `timeoutMs` bounds each statement on the server too: the client's timer ends the connection,
  // but a backend waiting on a lock would not notice until the lock went (and a pool of such backends would
  // exhaust the server's connections).
  // One round trip: the bound and the statement as one simple query, whose results come back as a list. A ROLLBACK
  // (to a savepoint) runs alone: an aborted transaction refuses every other statement until it.
  const run = async (text: string) => {
    try {
      if (/^ROLLBACK\b/.test(text)) return await client.query(text);
      const results = (await client.query(`${statementTimeoutText(deadline - Date.now())}; ${text}`)) as unknown as pg.QueryResult[];
      return results.at(-1)!;
    } catch (error) {
      throw mapped(error);
    }
  };
  const session: CopySession = {
    async query<Row>(text: string) {
      return (await run(text)).rows[0] as Row | undefined;
    },
    async copy(text, data) {
      try {
        await client.query(statementTimeoutText(deadline - Date.now()));
      } catch (error) {
        throw mapped(error);
      }
      // A failure of the data itself (a row that no longer validates) ends the COPY with a message of our own:
      // the stream would send the error's text, values included, to the server and its log.
      let dataFailure: { readonly error: unknown } | undefined;
      const guarded = function* () {
        try {
          yield* data;
        } catch (error) {
          dataFailure = { error };
          throw new Error('the client stopped sending COPY data');
        }
      };
      try {
        const sink = client.query(outlivingReadTimeout(copyFrom(text), deadline));
        await pipeline(Readable.from(guarded(), { objectMode: false }), sink);
        return sink.rowCount;
      } catch (error) {
        throw dataFailure ? mapped(dataFailure.error) : mapped(error);
      }
    },
  };
  try {
    const level = options.isolationLevel ? ` ISOLATION LEVEL ${ISOLATION_SQL[options.isolationLevel]}` : '';
    try {
      await client.query(`BEGIN${level}`);
    } catch (error) {
      throw mapped(error);
    }
    const result = await work(session);
    committing = true;
    await run('COMMIT');
    return result;
  } catch (error) {
    failed = true;
    throw (expired || undecided) && !(error instanceof TransactionTimeoutError) ? timeout(error) : error;
  } finally {
    clearTimeout(timer);
    clearTimeout(backstop);
    if (!expired && !undecided && failed) await client.query('ROLLBACK').catch(() => {});
    held.release(failed);
  }
}

/** How long past its deadline a COPY transaction waits for the server's answer to its COMMIT. */
const COMMIT_BACKSTOP_MS = 5_000;

/** node-postgres arms a timer no longer than this (a longer one fires at once). */
const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * A COPY that node-postgres's `query_timeout` cannot abandon: the pool's read timer is set past the transaction's
 * own deadline. When that timer fired before the server's answer to the COPY, pg-copy-streams had already let go of
 * its connection and threw from inside node-postgres on the late answer, an uncaught exception that ended the
 * process. The transaction's timer ends the connection instead (`TransactionTimeoutError`), which stops a COPY in
 * flight safely.
 */
function outlivingReadTimeout<T extends object>(copy: T, deadline: number): T {
  const remaining = Math.max(0, deadline - Date.now());
  return Object.assign(copy, { query_timeout: Math.min(LONGEST_TIMER_MS, remaining + 60_000) });
}
