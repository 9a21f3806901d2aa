import * as Prisma from '../prisma-runtime.ts';
import { QueryFailedError, TransactionTimeoutError } from '../errors.ts';

/** Default of `idleTimeoutMs`: how long a stream's transaction waits for its consumer to ask for more rows. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 60_000;
/** Default of `timeoutMs`: the longest a whole stream (one snapshot transaction) may take. */
export const DEFAULT_STREAM_TIMEOUT_MS = 600_000;
/** Default of `maxWaitMs`: how long a stream or page waits for a pooled connection before it gives up, nothing read. */
export const DEFAULT_READ_MAX_WAIT_MS = 10_000;
/**
 * The server's own limits sit this far beyond the stream's: a backstop for a process that cannot run its own
 * timers (a blocked event loop), never the first to fire.
 */
const SERVER_MARGIN_MS = 5_000;

export interface StreamTimeouts {
  /** Longest wait for the consumer to ask for the next rows before the transaction is ended. */
  readonly idleTimeoutMs: number;
  /** Longest time the whole stream may hold its transaction. */
  readonly timeoutMs: number;
  /** Longest wait for a pooled connection before the stream starts (never longer than `timeoutMs`). */
  readonly maxWaitMs: number;
}

/** How long a stream waits for a connection: its `maxWaitMs`, within its `timeoutMs`. */
export function connectionWaitMs(timeouts: StreamTimeouts): number {
  return Math.min(timeouts.maxWaitMs, timeouts.timeoutMs);
}

// A limit in whole milliseconds, at least 1: 0 would lift it (a deadline already past must still cancel).
const limitMs = (ms: number) => Math.max(1, Math.trunc(ms));

/**
 * Sets a server limit for the current transaction only (`set_config(..., true)`, like `SET LOCAL`) to `ms`, or
 * leaves it when the server already has a stricter one: the library never loosens a limit set for the database.
 * Both the limit and the setting's name are bound parameters.
 */
function tightenSql(setting: 'idle_in_transaction_session_timeout' | 'statement_timeout', ms: number): Prisma.Sql {
  const limit = limitMs(ms);
  return Prisma.sql`SELECT set_config(name, (CASE WHEN setting::bigint = 0 THEN ${limit}::bigint ELSE LEAST(setting::bigint, ${limit}::bigint) END)::text, true) FROM pg_settings WHERE name = ${setting}`;
}

/**
 * `transactionStatementTimeoutSql` as the text of a simple query, for a connection that runs statements without
 * bound parameters (a COPY transaction sends it in one message with the statement it bounds). The number is ours.
 */
export function statementTimeoutText(ms: number): string {
  const limit = limitMs(ms);
  return (
    `SELECT set_config(name, (CASE WHEN setting::bigint = 0 THEN ${limit} ELSE LEAST(setting::bigint, ${limit}) END)::text, true) ` +
    `FROM pg_settings WHERE name = 'statement_timeout'`
  );
}

/**
 * The server-side bound of a stream's own transaction of keyset chunks: between two chunks the session is idle in
 * its transaction.
 */
export function serverIdleTimeoutSql(timeouts: StreamTimeouts): Prisma.Sql {
  return tightenSql('idle_in_transaction_session_timeout', timeouts.idleTimeoutMs + SERVER_MARGIN_MS);
}

/**
 * The server-side bound of a stream read as one statement: while the consumer holds rows the session is still
 * running that statement (waiting on its socket), not idle, so the idle limit never applies; the statement's
 * limit bounds it instead.
 */
export function serverStatementTimeoutSql(timeouts: StreamTimeouts): Prisma.Sql {
  return tightenSql('statement_timeout', timeouts.timeoutMs + SERVER_MARGIN_MS);
}

/**
 * The server-side bound of each statement of a transaction the library opened through Prisma (an insert, a
 * stream's keyset chunks or `FETCH`es): Prisma's own timer cannot interrupt a statement in flight, so a statement
 * waiting on another transaction's lock would outlive the transaction's `timeoutMs` until that lock went; the
 * server cancels it at the deadline instead (SQLSTATE 57014, see `cancelledPastDeadline`).
 * ```sql
 * SELECT set_config(name, (CASE WHEN setting::bigint = 0 THEN $1::bigint ELSE LEAST(setting::bigint, $2::bigint) END)::text, true)
 * FROM pg_settings WHERE name = $3
 * ```
 */
export function transactionStatementTimeoutSql(timeoutMs: number): Prisma.Sql {
  return tightenSql('statement_timeout', timeoutMs);
}

/**
 * Whether `error` is a statement cancelled by that bound (or a stricter one of the database's) once the
 * transaction begun at `started` was past its `timeoutMs`: the transaction's timeout, reached while a statement
 * waited on the server.
 */
export function cancelledPastDeadline(error: unknown, started: number, timeoutMs: number): boolean {
  return error instanceof QueryFailedError && error.sqlState === '57014' && Date.now() - started >= timeoutMs;
}

export function idleTimeoutError(timeouts: StreamTimeouts): TransactionTimeoutError {
  return new TransactionTimeoutError(
    `The stream waited more than ${timeouts.idleTimeoutMs} ms (idleTimeoutMs) for the next read and ended its ` +
      'snapshot transaction to free the connection. Read faster or raise idleTimeoutMs (on keyset chunks, a ' +
      'smaller chunkSize also shortens the time spent on one chunk).',
  );
}

export function streamTimeoutError(timeouts: StreamTimeouts, cause?: unknown): TransactionTimeoutError {
  return new TransactionTimeoutError(
    `The stream ran longer than ${timeouts.timeoutMs} ms (timeoutMs); its snapshot transaction was ended.`,
    cause === undefined ? undefined : { cause },
  );
}
