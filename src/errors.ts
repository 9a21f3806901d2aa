/**
 * Every error this library throws is a `LedgerError`. Callers branch on the class (or on `code`), never on message
 * text. Input problems are `ValidationError`s, raised before any SQL is sent; database problems are mapped from
 * Prisma / node-postgres errors by `mapDatabaseError` and keep the original error as `cause`; anything else that
 * escapes a transaction (a bug, an exception from the caller's own callback) is an `UnexpectedError`.
 *
 * ```ts
 * try {
 *   await repo.insertMany(rows);
 * } catch (error) {
 *   if (error instanceof SerializationFailureError) ...; // rolled back, safe to run again
 *   else if (error instanceof ValidationError) console.error(error.path, error.problem);
 *   else throw error;
 * }
 * ```
 */
export abstract class LedgerError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Invalid caller input. Thrown before any SQL runs, so nothing was read or written.
 * ```ts
 * conditions('Transaction').in('accountId', [1.5]);
 * // throws ValidationError: in(accountId)[0]: expected an integer, got number 1.5.
 * //   (path 'in(accountId)[0]', problem 'expected an integer, got number 1.5.')
 * ```
 */
export class ValidationError extends LedgerError {
  readonly code = 'VALIDATION_FAILED';

  /**
   * @param path where the bad value sits, e.g. `rows[12].amount` or `options.from`
   * @param problem what is wrong and, where it helps, what to do instead
   * @param options `cause`: what an application's own check threw, when that is how the value was refused
   */
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }
}

/**
 * A window specification that cannot produce deterministic SQL (e.g. no ORDER BY, an unknown column).
 * ```ts
 * windowSpec('Transaction').orderBy('balance' as never);
 * // throws WindowSpecError: Unknown field "balance" on model Transaction. Known fields: id, accountId, amount, createdAt, externalId.
 * ```
 */
export class WindowSpecError extends LedgerError {
  readonly code = 'INVALID_WINDOW';
}

/**
 * The database could not be reached (refused, DNS, authentication, closed connection).
 * ```ts
 * mapDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
 * // DatabaseUnavailableError: Database unavailable: connect ECONNREFUSED 127.0.0.1:5432
 * ```
 */
export class DatabaseUnavailableError extends LedgerError {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/**
 * An interactive transaction ran past its timeout (Prisma P2028) and was rolled back.
 * ```ts
 * await transaction(prisma, (tx) => tx.$executeRaw`SELECT pg_sleep(5)`, { timeoutMs: 1_000 });
 * // SELECT pg_sleep(5)
 * // rejects with TransactionTimeoutError
 * ```
 */
export class TransactionTimeoutError extends LedgerError {
  readonly code = 'TRANSACTION_TIMEOUT';
}

/**
 * The database rejected a statement. `sqlState` is PostgreSQL's SQLSTATE when known (e.g. `23505`).
 * ```ts
 * const error = mapDatabaseError(pgError); // a node-postgres error with code '23505'
 * error instanceof QueryFailedError && error.sqlState; // '23505' (unique_violation)
 * ```
 */
export class QueryFailedError extends LedgerError {
  readonly code = 'QUERY_FAILED';

  constructor(
    message: string,
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The database aborted a transaction because it could not be serialized with concurrent ones (SQLSTATE 40001,
 * Prisma P2034) or because of a deadlock (40P01). The transaction was rolled back, so running it again is safe.
 * `withRetry` (src/retry) retries these; when its attempts are used up it throws this error with `attempts` set.
 * ```ts
 * try {
 *   await transaction(prisma, work, { isolationLevel: 'Serializable', retry: { maxAttempts: 3 } });
 * } catch (error) {
 *   if (error instanceof SerializationFailureError) console.warn(`gave up after ${error.attempts} attempts (${error.sqlState})`);
 * }
 * ```
 */
export class SerializationFailureError extends LedgerError {
  readonly code = 'SERIALIZATION_FAILURE';

  constructor(
    message: string,
    /** `40001` (serialization failure) or `40P01` (deadlock detected). */
    readonly sqlState: string,
    /** How many times the work was tried before giving up (1 when no retry wrapper was involved). */
    readonly attempts: number = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Prisma refused a query's arguments before sending it (`PrismaClientValidationError`): the data did not fit the
 * Prisma schema (a missing required field, a value of the wrong type, an unknown field). Not a database failure;
 * `cause` holds Prisma's error, whose message names the offending argument.
 *
 * ```ts
 * await transaction(prisma, (tx) => tx.transaction.create({ data: { accountId: 'one' } as never }));
 * // rejects with PrismaArgumentError
 * ```
 */
export class PrismaArgumentError extends LedgerError {
  readonly code = 'PRISMA_ARGUMENT_REJECTED';
}

/**
 * A stored value was read that has no JavaScript form: a timestamp or date of `infinity` / `-infinity`, before year 1
 * (BC) or past year 9999 where a `Date` was due. Returning it would have put an `Invalid Date` in a row; nothing is
 * returned instead. Keep such rows out of the query (`where`), or read the column as text in your own SQL.
 *
 * ```ts
 * // INSERT INTO "public"."Transaction" (..., "createdAt") VALUES (..., 'infinity')
 * await ledger.runningTotals({ partitions: [1] }); // rejects with UnrepresentableValueError
 * ```
 */
export class UnrepresentableValueError extends LedgerError {
  readonly code = 'UNREPRESENTABLE_VALUE';
}

/**
 * Something other than the database failed: a JavaScript exception (`RangeError`, `TypeError`, a thrown string)
 * from code running inside a transaction — typically the caller's own callback — or a bug. It is never a database
 * error and says nothing about the data; `cause` is what was thrown. The surrounding transaction was rolled back.
 *
 * ```ts
 * await transaction(prisma, async () => { throw new RangeError('bad index'); });
 * // rejects with UnexpectedError, cause: the RangeError
 * ```
 */
export class UnexpectedError extends LedgerError {
  readonly code = 'UNEXPECTED_ERROR';
  /**
   * The failure that was being handled when this happened, if any: e.g. the serialization failure a `retryOn`
   * callback was judging when it threw. `cause` stays what was thrown.
   */
  readonly during: LedgerError | undefined;

  constructor(message: string, options?: { cause?: unknown; during?: LedgerError | undefined }) {
    super(message, options);
    this.during = options?.during;
  }
}
