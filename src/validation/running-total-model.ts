import type { DbClient } from '../executor/db-client.ts';
import type { FieldOf, ModelName } from '../window/catalog.ts';

/**
 * How a model's running total is computed and how rows are validated for insert. Subclasses of
 * `RunningTotalRepository` provide one of these; everything else (SQL, validation order, chunking, transactions,
 * error mapping) is shared.
 */
export interface RunningTotalModel<M extends ModelName, Key, Data> {
  readonly model: M;
  /** PARTITION BY field(s) for per-partition totals: `'accountId'`, or `['warehouseId', 'productSku']`. */
  readonly partitionBy: FieldOf<M> | readonly FieldOf<M>[];
  /**
   * The values of a partition key, one per `partitionBy` field, in order. Needed when `partitionBy` has several
   * fields (e.g. `(key) => [key.warehouseId, key.productSku]`); a single-field key is its own value.
   */
  readonly partitionValues?: ((key: Key) => readonly unknown[]) | undefined;
  /** ORDER BY field (a time); the model's id is appended as tiebreaker. */
  readonly orderBy: FieldOf<M>;
  /** The summed Decimal field. */
  readonly amount: FieldOf<M>;
  /** Fields returned beside the total. */
  readonly select: readonly FieldOf<M>[];
  /** Validates one partition key of `options.partitions`. */
  readonly requireKey: (path: string, value: unknown) => Key;
  /** Validates `from` / `to` (e.g. whole days for a date column). */
  readonly requireBound: (path: string, value: unknown) => Date;
  /** Validates one input row into `createMany` data. */
  readonly requireRow: (path: string, value: unknown) => Data;
  /**
   * `requireRow` gives the same row for the same input, without side effects or generated values (no `now()`, no
   * random ids). Then a bulk insert with `'copy'` keeps only the rows' keys after validating them, and validates
   * each row again as COPY writes it (a million validated rows cost more to hold than to check twice). Derived
   * definitions set it unless a field has a generated default or `requireRow` is overridden; absent, rows are held.
   */
  readonly pureRequireRow?: boolean | undefined;
  readonly keyOf: (row: Data) => Key;
  /** Fields a validated row writes, in the column order of the fast (`unnest`) insert. */
  readonly insertFields: readonly FieldOf<M>[];
  /** Optional unique field (`externalId`): rows whose key already exists are skipped, never written twice. */
  readonly idempotencyKey?: FieldOf<M> | undefined;
  /**
   * The model storing balance checkpoints (`balanceAsOf` / `currentBalances` of given partitions then read the
   * latest checkpoint and the rows after it, whatever the history's length; `writeCheckpoints` stores them). See
   * `requireCheckpointModel` for its shape and `balanceCheckpointsSql` for the triggers it needs.
   */
  readonly checkpoints?: ModelName | undefined;
  /** `createMany({ data })` on the model's delegate (never `skipDuplicates`: see `writeCreateManyChunk`). */
  readonly createMany: (tx: DbClient, rows: Data[]) => Promise<{ count: number }>;
  /**
   * `createManyAndReturn({ data, skipDuplicates: true, select })` on the model's delegate, for the rows of the
   * `'createMany'` strategy that have an idempotency key; without it they are written by `unnest`.
   */
  readonly createManyAndReturn?: ((tx: DbClient, rows: Data[], select: readonly string[]) => Promise<Record<string, unknown>[]>) | undefined;
}
