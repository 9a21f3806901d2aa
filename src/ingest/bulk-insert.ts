import { TransactionTimeoutError, ValidationError } from '../errors.ts';
import { requireChoice, requireMaxWaitMs, requireRowList, requireOptions, requirePositiveInt } from '../validation/batch.ts';
import type pg from 'pg';
import { executeStatement, inTransaction, isRootClient, type DbClient, type TransactionOptions } from '../executor/db-client.ts';
import { cancelledPastDeadline, transactionStatementTimeoutSql } from '../executor/stream-timeouts.ts';
import { DEFAULT_MAX_ATTEMPTS, retrying, retryPolicy, type RetryOptions, type RetryPolicy } from '../retry/retry.ts';
import { conflictTargetOf } from './batch-keys.ts';
import { requireUtcSession } from './session-time-zone.ts';
import { writeCreateManyChunk, type CreateManyWrites } from './create-many.ts';
import { writeUnnestChunk } from './unnest.ts';
import { copyBatchRows } from './copy-insert.ts';
import { copyInTransaction } from '../executor/copy-in.ts';
import { tablesFollowSearchPath } from '../window/catalog.ts';
import { validateRows, type ValidatedRows } from './validated-rows.ts';

/** PostgreSQL accepts at most 32,767 bind parameters in one statement (Prisma reports more as P2035). */
const MAX_BIND_PARAMETERS = 32_767;
/** Rows per `createMany` statement by default (capped by the bind-parameter limit). */
export const DEFAULT_CREATE_MANY_CHUNK = 5_000;
/** Rows per `unnest` statement by default: one statement binds one array per column, whatever the chunk size. */
export const DEFAULT_UNNEST_CHUNK = 10_000;
/** Largest `unnest` chunk: bounded by memory, not by bind parameters. */
const MAX_UNNEST_CHUNK = 100_000;
/**
 * `strategy: 'auto'` uses `createMany` below this many rows and `unnest` from here on. Measured with
 * `scripts/bench/bench-ingest.ts` on embedded PostgreSQL 18 (2 cores): unnest is faster at every size measured, so the
 * crossover sits at a single row — createMany remains for callers that ask for it (e.g. Prisma-level middleware).
 * ```ts
 * const result = await new TransactionRepository(prisma).insertMany(rows); // strategy 'auto', no pgPool
 * result.strategy; // 'unnest' (rows.length >= AUTO_UNNEST_MIN_ROWS)
 * // WITH written AS (INSERT INTO "public"."Transaction" ("accountId", "amount", "createdAt", "externalId")
 * //   SELECT * FROM unnest($1::int4[], $2::numeric[], $3::timestamptz[], $4::text[]) ON CONFLICT ("externalId") DO NOTHING
 * //   RETURNING 1) SELECT count(*) AS inserted FROM written
 * ```
 */
export const AUTO_UNNEST_MIN_ROWS = 1;
/**
 * Upper bound of one bulk insert call; larger imports go through several calls (or a script).
 * ```ts
 * for (let i = 0; i < rows.length; i += MAX_BATCH_ROWS) {
 *   await repo.insertMany(rows.slice(i, i + MAX_BATCH_ROWS)); // one transaction per slice
 * }
 * ```
 */
export const MAX_BATCH_ROWS = 1_000_000;
/** Default interactive-transaction timeout of a bulk insert: base + per row (see `defaultInsertTimeoutMs`). */
export const DEFAULT_INSERT_TIMEOUT_BASE_MS = 10_000;
export const DEFAULT_INSERT_TIMEOUT_PER_ROW_MS = 1;

/**
 * `strategy: 'auto'` uses `copy` from this many rows on when the repository has a `pgPool` (and opens the
 * transaction itself). Measured with `npm run bench:ingest` on embedded PostgreSQL 18 (2 cores): copy was faster
 * than unnest at every batch size measured, 1 to 100,000 rows (1.3x at 1 row, 1.6x at 100,000).
 * ```ts
 * const repo = new TransactionRepository(prisma, { pgPool });
 * const result = await repo.insertMany(rows); // strategy 'auto'
 * result.strategy; // 'copy' (rows.length >= AUTO_COPY_MIN_ROWS)
 * // on a connection of pgPool, in a transaction of its own:
 * // SAVEPOINT ledger_copy_direct; COPY "public"."Transaction" ("accountId", "amount", "createdAt", "externalId") FROM STDIN; ...
 * ```
 */
export const AUTO_COPY_MIN_ROWS = 1;

const ISOLATION_LEVELS = ['ReadCommitted', 'RepeatableRead', 'Serializable'] as const;
const STRATEGIES = ['auto', 'createMany', 'unnest', 'copy'] as const;
export const BULK_OPTION_KEYS = ['chunkSize', 'timeoutMs', 'maxWaitMs', 'isolationLevel', 'strategy', 'retry'] as const;

/**
 * - `'unnest'`: one `INSERT ... SELECT * FROM unnest($1::int4[], $2::numeric[], ...)` per chunk (fast).
 * - `'createMany'`: Prisma's `createMany` per chunk (multi-row VALUES; rows with an idempotency key through
 *   `createManyAndReturn({ skipDuplicates: true })`, see `writeCreateManyChunk`).
 * - `'copy'`: PostgreSQL's `COPY ... FROM STDIN` on a connection of the repository's `pgPool`, in a transaction
 *   of its own; when stored keys are met, through a staging table and `INSERT ... SELECT ... ON CONFLICT DO
 *   NOTHING` (see `copyBatchRows`). The fastest; it cannot join a caller's transaction.
 * - `'auto'` (default): `copy` from `AUTO_COPY_MIN_ROWS` rows on when the repository has a `pgPool` and its own
 *   transaction; else `unnest` from `AUTO_UNNEST_MIN_ROWS` rows on, else `createMany`.
 */
export type InsertStrategy = (typeof STRATEGIES)[number];

export interface BulkInsertOptions extends TransactionOptions {
  /**
   * Rows per statement. Default 5,000 for `createMany` (at most 32,767 / columns, PostgreSQL's bind-parameter
   * limit) and 10,000 for `unnest` (at most 100,000).
   */
  readonly chunkSize?: number | undefined;
  /** Default `'auto'`; see `InsertStrategy`. */
  readonly strategy?: InsertStrategy | undefined;
  /**
   * Retry of the whole batch after a serialization failure or deadlock (the transaction was rolled back, so this is
   * always safe). Default `{ maxAttempts: 5 }`; `false` for none. Only applies when the repository opens the
   * transaction itself (not when it was constructed with a caller's transaction client).
   */
  readonly retry?: RetryOptions | false | undefined;
}

export interface InsertResult {
  /** Rows written. */
  readonly inserted: number;
  /** Rows whose `externalId` already existed (written by an earlier call): not written again. */
  readonly skipped: number;
  /** Statements sent. */
  readonly chunks: number;
  /** The strategy used (`'auto'` resolved). */
  readonly strategy: 'createMany' | 'unnest' | 'copy';
}

/** What the ingest needs to know about a model beyond validating rows. */
export interface InsertTarget<Data> extends CreateManyWrites<Data> {
  readonly model: string;
  /** Fields written, in column order of the `unnest` insert. Every row's data has exactly these keys (or fewer). */
  readonly insertFields: readonly string[];
  /** Unique field whose duplicates are skipped (`ON CONFLICT (...) DO NOTHING`); rows with a NULL key never conflict. */
  readonly idempotencyKey?: string | undefined;
  /**
   * The unique key `ON CONFLICT` names: `[idempotencyKey]` (the default), or the key together with partition
   * fields when it is unique only within its partition (`['accountId', 'externalId']` on a distributed table).
   */
  readonly conflictTarget?: readonly string[] | undefined;
  /** The node-postgres pool behind the client, for the `copy` strategy (the repository's `pgPool` option). */
  readonly pgPool?: pg.Pool | undefined;
  /** `requireRow` is pure (`RunningTotalModel.pureRequireRow`): a batch bound for COPY may keep only its keys. */
  readonly pureRequireRow?: boolean | undefined;
  /**
   * The model that keeps this ledger's balance checkpoints, if any: its triggers refuse REPEATABLE READ writers
   * (see `checkpointTriggersSql`), so that level is refused here before any SQL.
   */
  readonly checkpointModel?: string | undefined;
}

/** A validated batch, ready to write: rows, chunk size, strategy and the transaction settings to write them with. */
export interface PreparedBatch<Data> {
  /**
   * Validated rows in write order: by idempotency key when the model has one (see `uniqueKeyOrder`). Held in
   * memory, except for a batch bound for COPY (see `validateRows`).
   */
  readonly rows: ValidatedRows<Data>;
  readonly chunkSize: number;
  readonly strategy: 'createMany' | 'unnest' | 'copy';
  /** The strategy came from `'auto'`: a `copy` it chose falls back to `unnest` where COPY cannot run. */
  readonly automatic: boolean;
  readonly transaction: TransactionOptions & { readonly timeoutMs: number };
  readonly retry: RetryPolicy;
  /** The raw options object, for callers that accept more keys than `BULK_OPTION_KEYS`. */
  readonly options: Record<string, unknown>;
}

/**
 * Default timeout of a bulk insert's transaction: 10 s plus 1 ms per row. Pass a larger `timeoutMs` to allow more.
 * ```ts
 * defaultInsertTimeoutMs(50_000); // 60_000
 * await repo.insertMany(rows, { timeoutMs: 2 * defaultInsertTimeoutMs(rows.length) });
 * ```
 */
export function defaultInsertTimeoutMs(rows: number): number {
  return DEFAULT_INSERT_TIMEOUT_BASE_MS + DEFAULT_INSERT_TIMEOUT_PER_ROW_MS * rows;
}

/**
 * Validates rows and bulk options before anything touches the database: every row through `requireRow`, duplicate
 * idempotency keys, the strategy, the chunk size against the strategy's limit, the timeout (default 10 s + 1 ms
 * per row), the retry policy.
 */
export function prepareBatch<Data>(
  rows: unknown,
  options: unknown,
  requireRow: (path: string, value: unknown) => Data,
  target: Pick<InsertTarget<Data>, 'model' | 'insertFields' | 'idempotencyKey' | 'conflictTarget' | 'pgPool' | 'pureRequireRow' | 'checkpointModel'> & {
    /** COPY can run for this call: the client is the root client, and nothing else shares the transaction. */
    readonly copyRuns?: boolean | undefined;
  },
  allowedOptions: readonly string[] = BULK_OPTION_KEYS,
): PreparedBatch<Data> {
  const raw = requireOptions('options', options, allowedOptions);
  const input = requireRowList('rows', rows, MAX_BATCH_ROWS);
  const choice = requireChoice('options.strategy', raw.strategy, STRATEGIES, 'auto');
  if (choice === 'createMany' && tablesFollowSearchPath(target.model)) {
    throw new ValidationError(
      'options.strategy',
      `'createMany' writes through Prisma, which names ${target.model}'s table with the adapter's schema, while this ` +
        "catalog names tables without one (generator option searchPath = \"true\"): the rows could land in another " +
        "schema's table than the library reads. Use 'unnest' or 'copy'.",
    );
  }
  if (choice === 'copy' && target.pgPool === undefined) {
    throw new ValidationError(
      'options.strategy',
      "'copy' runs COPY on a node-postgres connection: construct the repository with the pgPool option (the pool " +
        'behind your PrismaPg adapter).',
    );
  }
  const strategy =
    choice !== 'auto'
      ? choice
      : target.pgPool !== undefined && input.length >= AUTO_COPY_MIN_ROWS
        ? 'copy'
        : input.length >= AUTO_UNNEST_MIN_ROWS
          ? 'unnest'
          : 'createMany';
  // Rows bound for a COPY that will run are checked again as they are written (see `validateRows`), if they can be.
  const hold = strategy !== 'copy' || target.copyRuns !== true || target.pureRequireRow !== true;
  const validated = validateRows('rows', input, requireRow, target, hold, target.pureRequireRow === true);
  // COPY sends one stream whatever the size; its chunk size matters only if it falls back to unnest.
  const arrays = strategy !== 'createMany';
  const maxChunk = arrays ? MAX_UNNEST_CHUNK : Math.floor(MAX_BIND_PARAMETERS / Math.max(1, target.insertFields.length));
  const chunkSize =
    raw.chunkSize === undefined
      ? Math.min(arrays ? DEFAULT_UNNEST_CHUNK : DEFAULT_CREATE_MANY_CHUNK, maxChunk)
      : requirePositiveInt('options.chunkSize', raw.chunkSize, maxChunk);
  const timeoutMs =
    raw.timeoutMs === undefined
      ? defaultInsertTimeoutMs(validated.size)
      : requirePositiveInt('options.timeoutMs', raw.timeoutMs, 86_400_000);
  const maxWaitMs = requireMaxWaitMs('options.maxWaitMs', raw.maxWaitMs);
  const isolationLevel =
    raw.isolationLevel === undefined ? undefined : requireChoice('options.isolationLevel', raw.isolationLevel, ISOLATION_LEVELS, 'ReadCommitted');
  if (isolationLevel === 'RepeatableRead' && target.checkpointModel !== undefined) {
    throw new ValidationError(
      'options.isolationLevel',
      `${target.model} keeps balance checkpoints in ${target.checkpointModel}, whose triggers refuse REPEATABLE READ ` +
        "writers (their snapshot could hide a checkpoint the write makes stale): use 'ReadCommitted' or 'Serializable'.",
    );
  }
  const transaction: PreparedBatch<Data>['transaction'] = {
    timeoutMs,
    ...(maxWaitMs !== undefined && { maxWaitMs }),
    ...(isolationLevel !== undefined && { isolationLevel }),
  };
  const retry =
    raw.retry === false
      ? retryPolicy('options.retry', { maxAttempts: 1 })
      : retryPolicy('options.retry', raw.retry ?? { maxAttempts: DEFAULT_MAX_ATTEMPTS });
  return { rows: validated, chunkSize, strategy, automatic: choice === 'auto', transaction, retry, options: raw };
}

/**
 * Writes a prepared batch chunk by chunk inside the transaction client it is given: one `unnest` insert per chunk
 * with `ON CONFLICT (<idempotency key>) DO NOTHING`, or Prisma's `createMany` (see `writeCreateManyChunk`).
 * Inserted rows are counted from the statements' row counts; the rest of each chunk was skipped as a duplicate key.
 * `ownsTransaction`: the library opened `tx` (it may set transaction-local settings), rather than the caller.
 */
export async function writeChunks<Data>(
  tx: DbClient,
  batch: PreparedBatch<Data>,
  target: InsertTarget<Data>,
  ownsTransaction: boolean,
  beforeChunk?: () => Promise<void>,
): Promise<InsertResult> {
  // `unnest` binds instants with an explicit offset; `createMany` goes through Prisma's binding, which needs UTC.
  if (batch.strategy === 'createMany' && batch.rows.size > 0) await requireUtcSession(tx, ownsTransaction);
  let inserted = 0;
  let chunks = 0;
  for (const rows of batch.rows.slices(batch.chunkSize)) {
    await beforeChunk?.();
    const count =
      batch.strategy === 'unnest'
        ? await writeUnnestChunk(tx, target, rows as Record<string, unknown>[])
        : await writeCreateManyChunk(tx, target, rows);
    inserted += count;
    chunks += 1;
  }
  return { inserted, skipped: batch.rows.size - inserted, chunks, strategy: batch.strategy };
}

/**
 * Writes a prepared batch in one transaction — the client's own, or the caller's when `db` is a transaction
 * client — then runs `after` in the same transaction (e.g. the report of `insertAndReport`). A transaction the
 * library opened itself is retried as a whole after a serialization failure; the caller's cannot be.
 *
 * ```ts
 * const result = await insertBatch(prisma, prepareBatch(rows, options, requireRow, definition), target);
 * // BEGIN; INSERT ... SELECT * FROM unnest(...) ON CONFLICT DO NOTHING; ... COMMIT
 * ```
 */
export function insertBatch<Data, T = undefined>(
  db: DbClient,
  batch: PreparedBatch<Data>,
  target: InsertTarget<Data>,
  after?: (tx: DbClient) => Promise<T>,
): Promise<InsertResult & { readonly after: T | undefined }> {
  const ours = isRootClient(db);
  if (batch.strategy === 'copy') {
    // COPY runs on its own connection and transaction: it cannot join the caller's, nor share one with `after`.
    const joinable = ours && after === undefined && target.pgPool !== undefined;
    if (joinable) return retrying(() => copyBatch(target.pgPool!, batch, target), batch.retry);
    if (!batch.automatic) {
      const why = !ours ? "the caller's transaction (a transaction client)" : 'the report of insertAndReport';
      return Promise.reject(
        new ValidationError('options.strategy', `'copy' writes in a transaction of its own and cannot join ${why}: use 'unnest'.`),
      );
    }
    batch = { ...batch, strategy: 'unnest', rows: batch.rows.held() };
  }
  const { timeoutMs } = batch.transaction;
  const once = async () => {
    const started = Date.now();
    try {
      return await inTransaction(
        db,
        async (tx) => {
          // The server bounds each statement of a transaction of ours (see `transactionStatementTimeoutSql`) by
          // what is left of `timeoutMs`, so a chunk waiting on a lock ends at the deadline, not `timeoutMs` after it began.
          const bound = ours ? () => executeStatement(tx, transactionStatementTimeoutSql(started + timeoutMs - Date.now())).then(() => {}) : undefined;
          const result = await writeChunks(tx, batch, target, ours, bound);
          if (after === undefined) return { ...result, after: undefined };
          await bound?.();
          return { ...result, after: await after(tx) };
        },
        batch.transaction,
      );
    } catch (error) {
      if (ours && cancelledPastDeadline(error, started, timeoutMs)) {
        throw new TransactionTimeoutError(`The insert outlived its ${timeoutMs} ms (timeoutMs) while a statement waited; nothing was written.`, { cause: error });
      }
      throw error;
    }
  };
  return ours ? retrying(once, batch.retry) : once();
}

/** A batch written with COPY (see `copyJob`): one transaction on a connection of `pool`. */
async function copyBatch<Data>(pool: pg.Pool, batch: PreparedBatch<Data>, target: InsertTarget<Data>): Promise<InsertResult & { readonly after: undefined }> {
  const { rows } = batch;
  const { timeoutMs } = batch.transaction;
  // Rows without a key never conflict: a batch without any key needs no staging table.
  const conflictTarget = rows.keyed > 0 ? conflictTargetOf(target) : [];
  const inserted =
    rows.size === 0
      ? 0
      : await copyInTransaction(pool, { ...batch.transaction, timeoutMs }, (session) =>
          copyBatchRows(session, target, rows as ValidatedRows<Record<string, unknown>>, conflictTarget),
        );
  return { inserted, skipped: rows.size - inserted, chunks: rows.size === 0 ? 0 : 1, strategy: 'copy', after: undefined };
}
