import * as Prisma from '../prisma-runtime.ts';
import {
  DatabaseUnavailableError,
  LedgerError,
  PrismaArgumentError,
  QueryFailedError,
  SerializationFailureError,
  TransactionTimeoutError,
  UnexpectedError,
} from '../errors.ts';

// Driver-adapter error kinds (from @prisma/driver-adapter-utils) that mean "no usable connection".
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'TlsConnectionError',
  'TooManyConnections',
  'SocketTimeout',
]);
// Prisma's own connection error codes.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1010', 'P1011', 'P1017']);
// Node socket errors seen when the server is gone.
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

interface AdapterCause {
  readonly kind?: string | undefined;
  readonly code?: string | undefined;
  readonly originalCode?: string | undefined;
  readonly message?: string | undefined;
  readonly originalMessage?: string | undefined;
}

function adapterCause(error: Prisma.PrismaClientKnownRequestError): AdapterCause | undefined {
  const meta: unknown = error.meta;
  if (typeof meta !== 'object' || meta === null || !('driverAdapterError' in meta)) return undefined;
  const adapterError: unknown = meta.driverAdapterError;
  if (typeof adapterError !== 'object' || adapterError === null || !('cause' in adapterError)) return undefined;
  const cause: unknown = adapterError.cause;
  return typeof cause === 'object' && cause !== null ? (cause as AdapterCause) : undefined;
}

/**
 * Citus's words for a worker it lost or could not reach. It raises some of them as internal errors (XX000), e.g.
 * the first statement after a worker restarted, on a coordinator connection cached before the restart.
 */
const CITUS_WORKER_LOST =
  /failure on connection marked as essential|connection to the remote node .* failed|could not establish any connections to the node|connection not open/;

/**
 * Server errors that refuse a new session, as Prisma's adapter reports them by kind (TooManyConnections,
 * AuthenticationFailed, DatabaseAccessDenied, DatabaseDoesNotExist): on the `pgPool` path they arrive as the
 * server's own error when the pool connects, before any statement ran.
 */
const CONNECTION_REFUSED_STATES = new Set(['53300', '28000', '28P01', '3D000']);

/**
 * A lost or refused session: connection exceptions (class 08), operator intervention (57P01–57P03), the server
 * ending the session for its `idle_in_transaction_session_timeout` or `transaction_timeout` (25P03, 25P04: when
 * its message does not arrive, the same loss reads as a closed socket), a connection the server refused (too many
 * clients, authentication, no such database), or a Citus coordinator's internal error for a worker it lost (the
 * same statement may succeed once the worker is back).
 */
function isConnectionLoss(sqlState: string | undefined, message: string | undefined): boolean {
  if (sqlState === undefined) return false;
  if (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState) || /^25P0[34]$/.test(sqlState) || CONNECTION_REFUSED_STATES.has(sqlState)) return true;
  return sqlState === 'XX000' && message !== undefined && CITUS_WORKER_LOST.test(message);
}

/** The server's own message: the adapter's cause keeps it, else it is the error's. */
function serverMessage(cause: AdapterCause | undefined, error: Error): string {
  return cause?.originalMessage ?? cause?.message ?? messageOf(error);
}

// node-postgres errors without a code that mean the connection is gone or never came (its own message texts).
const PG_CONNECTION_GONE = /Connection terminated|is not queryable|Client was closed|timeout exceeded when trying to connect/;

// Prisma's words for a transaction that ran past its timeout.
const EXPIRED = /expired|timed out|timeout/i;

// Prisma's words for a transaction that never started: no pooled connection came free within its `maxWait`.
const NEVER_STARTED = /Unable to start a transaction in the given time/;

// node-postgres's own timer on a statement (its `query_timeout` option): the statement was abandoned, its
// connection ended.
const PG_QUERY_TIMEOUT = /^Query read timeout$/;

// A SQLSTATE: two characters of class, three of condition (digits and upper-case letters).
const SQL_STATE = /^[0-9A-Z]{5}$/;

/**
 * A server error as node-postgres raises it (its `DatabaseError`): a SQLSTATE `code` next to a `severity`. The
 * pair tells it apart from Node's own errors, whose codes (`EPERM`, `ERR_INVALID_ARG_TYPE`) can look similar.
 */
function serverSqlState(error: Error): string | undefined {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && SQL_STATE.test(code) && typeof severity === 'string' ? code : undefined;
}

/** The adapter's error object when a DriverAdapterError escapes Prisma unwrapped (e.g. from BEGIN). */
function driverAdapterCause(error: Error): AdapterCause | undefined {
  if (error.name !== 'DriverAdapterError') return undefined;
  const cause: unknown = (error as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null ? (cause as AdapterCause) : undefined;
}

/** SQLSTATEs after which the whole transaction may simply be run again: serialization failure and deadlock. */
const RETRYABLE_SQL_STATES = new Set(['40001', '40P01']);

function serializationFailure(error: Error, sqlState: string | undefined): SerializationFailureError {
  const state = sqlState !== undefined && RETRYABLE_SQL_STATES.has(sqlState) ? sqlState : '40001';
  return new SerializationFailureError(
    `Transaction aborted by a concurrent one (SQLSTATE ${state}); it was rolled back and can be retried (see withRetry): ${conciseMessage(error)}`,
    state,
    1,
    { cause: error },
  );
}

/** The last line of Prisma's multi-line messages is the useful one ("Raw query failed. Code: ..."). */
function conciseMessage(error: Error): string {
  const message = messageOf(error);
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? message;
}

// A thrown object may carry anything as `message`.
function messageOf(error: Error): string {
  return typeof error.message === 'string' ? error.message : safeString(error.message);
}

/** `String(value)` that cannot itself throw (e.g. for `Object.create(null)`). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/**
 * Turns whatever Prisma, node-postgres or the code inside a transaction threw into one of the library's error
 * classes, keeping the original as `cause`. `LedgerError`s pass through unchanged. Only errors that came from
 * the database (or the connection to it) become database errors: `PrismaClientValidationError` becomes a
 * `PrismaArgumentError`, and any other JavaScript exception an `UnexpectedError`, never a `QueryFailedError`.
 *
 * ```ts
 * try {
 *   await prisma.$transaction(async (tx) => { ... }, { isolationLevel: 'Serializable' });
 * } catch (error) {
 *   const mapped = mapDatabaseError(error); // e.g. SerializationFailureError for a write conflict at commit
 * }
 * ```
 */
export function mapDatabaseError(error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) return mapKnownRequestError(error);
  if (error instanceof Prisma.PrismaClientInitializationError) {
    return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
  }
  if (error instanceof Prisma.PrismaClientValidationError) {
    return new PrismaArgumentError(
      `Prisma rejected the query's arguments: they do not fit the Prisma schema (nothing was sent for this query): ${conciseMessage(error)}`,
      { cause: error },
    );
  }
  // Failures Prisma could not classify, reported while it ran a request: the request reached the database layer.
  if (error instanceof Prisma.PrismaClientUnknownRequestError || error instanceof Prisma.PrismaClientRustPanicError) {
    return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, undefined, { cause: error });
  }
  if (error instanceof Error) return mapPlainError(error);
  return new UnexpectedError(`Unexpected non-Error value thrown: ${safeString(error)}`, { cause: error });
}

function mapKnownRequestError(error: Prisma.PrismaClientKnownRequestError): LedgerError {
  if (error.code === 'P2028') {
    // P2028 is every error of Prisma's transaction API: an expired transaction, but also a client used after its
    // transaction committed, where "rolled back" would be false (what ran before the commit is stored).
    if (NEVER_STARTED.test(error.message)) {
      return new DatabaseUnavailableError(
        `${conciseMessage(error)} No pooled connection came free within maxWait (every connection busy with other transactions or streams); nothing ran. ` +
          'Retry, pass a larger maxWaitMs, or give the pool more connections.',
        { cause: error },
      );
    }
    const meta = error.meta as { timeout?: unknown } | undefined;
    if (meta?.timeout !== undefined || EXPIRED.test(error.message)) {
      return new TransactionTimeoutError(
        `${conciseMessage(error)} The transaction was rolled back; pass a larger timeoutMs or a smaller batch.`,
        { cause: error },
      );
    }
    return new UnexpectedError(
      `${conciseMessage(error)} The transaction had already ended (a transaction client kept after its $transaction returned?): this call did not run in it.`,
      { cause: error },
    );
  }
  // Prisma also passes a socket's own code through as the error's code (`EPIPE` when a write meets a closed
  // connection), with no adapter cause beside it.
  if (UNAVAILABLE_PRISMA_CODES.has(error.code) || UNAVAILABLE_NODE_CODES.has(error.code)) {
    return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
  }
  const cause = adapterCause(error);
  const sqlState = cause?.originalCode ?? (cause?.kind === 'postgres' ? cause.code : undefined);
  if (
    error.code === 'P2034' ||
    cause?.kind === 'TransactionWriteConflict' ||
    (sqlState !== undefined && RETRYABLE_SQL_STATES.has(sqlState))
  ) {
    return serializationFailure(error, sqlState);
  }
  if ((cause?.kind !== undefined && UNAVAILABLE_KINDS.has(cause.kind)) || isConnectionLoss(sqlState, serverMessage(cause, error))) {
    return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
  }
  return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, sqlState, { cause: error });
}

/**
 * A plain `Error`: a database failure when it carries the marks of one (a driver-adapter error, a node-postgres
 * server error, a socket error, node-postgres' own "connection gone" messages), else an `UnexpectedError`.
 */
function mapPlainError(error: Error): LedgerError {
  const driverCause = driverAdapterCause(error);
  const rawCode: unknown = driverCause ? (driverCause.originalCode ?? driverCause.code) : (error as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  if (
    (driverCause?.kind !== undefined && UNAVAILABLE_KINDS.has(driverCause.kind)) ||
    (code === undefined && PG_CONNECTION_GONE.test(messageOf(error))) ||
    (code !== undefined && (UNAVAILABLE_NODE_CODES.has(code) || isConnectionLoss(code, serverMessage(driverCause, error))))
  ) {
    return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
  }
  if (driverCause?.kind === 'TransactionWriteConflict' || (code !== undefined && RETRYABLE_SQL_STATES.has(code))) {
    return serializationFailure(error, code);
  }
  if (driverCause !== undefined) {
    return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, code !== undefined && SQL_STATE.test(code) ? code : undefined, {
      cause: error,
    });
  }
  if (code === undefined && PG_QUERY_TIMEOUT.test(messageOf(error))) {
    return new QueryFailedError(`Query failed: ${conciseMessage(error)} (node-postgres query_timeout; the statement was abandoned and its connection ended).`, undefined, { cause: error });
  }
  const sqlState = serverSqlState(error);
  if (sqlState !== undefined) return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, sqlState, { cause: error });
  return new UnexpectedError(`Unexpected ${error.name} (not a database error): ${conciseMessage(error)}`, { cause: error });
}
