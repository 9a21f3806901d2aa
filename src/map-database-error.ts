import { Prisma } from './generated/prisma/client.ts';
import {
  DatabaseUnavailableError,
  LedgerError,
  QueryFailedError,
  SerializationFailureError,
  TransactionTimeoutError,
} from './errors.ts';

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
  readonly kind?: string;
  readonly code?: string;
  readonly originalCode?: string;
  readonly message?: string;
  readonly originalMessage?: string;
}

function adapterCause(error: Prisma.PrismaClientKnownRequestError): AdapterCause | undefined {
  const meta: unknown = error.meta;
  if (typeof meta !== 'object' || meta === null || !('driverAdapterError' in meta)) return undefined;
  const adapterError: unknown = meta.driverAdapterError;
  if (typeof adapterError !== 'object' || adapterError === null || !('cause' in adapterError)) return undefined;
  const cause: unknown = adapterError.cause;
  return typeof cause === 'object' && cause !== null ? (cause as AdapterCause) : undefined;
}

/** SQLSTATEs of a lost session: connection exceptions (class 08) and operator intervention (57P01–57P03). */
function isConnectionLoss(sqlState: string | undefined): boolean {
  return sqlState !== undefined && (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState));
}

// node-postgres errors without a code that mean the connection is gone (its own message texts).
const PG_CONNECTION_GONE = /Connection terminated|is not queryable|Client was closed/;

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
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? error.message;
}

/**
 * Turns whatever Prisma or node-postgres threw into one of the library's error classes, keeping the original as
 * `cause`. `LedgerError`s pass through unchanged.
 */
export function mapDatabaseError(error: unknown): LedgerError {
  if (error instanceof LedgerError) return error;

  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2028') {
      return new TransactionTimeoutError(
        `${conciseMessage(error)} The transaction was rolled back; pass a larger timeoutMs or a smaller batch.`,
        { cause: error },
      );
    }
    if (UNAVAILABLE_PRISMA_CODES.has(error.code)) {
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
    if ((cause?.kind !== undefined && UNAVAILABLE_KINDS.has(cause.kind)) || isConnectionLoss(sqlState)) {
      return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
    }
    return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, sqlState, { cause: error });
  }

  if (error instanceof Prisma.PrismaClientInitializationError) {
    return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
  }

  if (error instanceof Error) {
    const driverCause = driverAdapterCause(error);
    const code = driverCause ? (driverCause.originalCode ?? driverCause.code) : (error as { code?: unknown }).code;
    if (
      (driverCause?.kind !== undefined && UNAVAILABLE_KINDS.has(driverCause.kind)) ||
      (code === undefined && PG_CONNECTION_GONE.test(error.message))
    ) {
      return new DatabaseUnavailableError(`Database unavailable: ${conciseMessage(error)}`, { cause: error });
    }
    if (typeof code === 'string' && RETRYABLE_SQL_STATES.has(code)) return serializationFailure(error, code);
    if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || isConnectionLoss(code))) {
      return new DatabaseUnavailableError(`Database unavailable: ${error.message}`, { cause: error });
    }
    return new QueryFailedError(`Query failed: ${conciseMessage(error)}`, typeof code === 'string' ? code : undefined, {
      cause: error,
    });
  }
  return new QueryFailedError(`Query failed: ${String(error)}`, undefined, { cause: error });
}
