import type { Prisma } from '../generated/prisma/client.ts';
import { requireDateRange } from '../validation/dates.ts';
import { requireKeyList } from '../validation/keys.ts';
import { requireBatch, requireChoice, requireOptions, requirePositiveInt } from '../validation/batch.ts';
import type { FieldOf, ModelName } from '../window/catalog.ts';
import { inList, withinRange } from '../window/filters.ts';
import { RUNNING_RANGE, RUNNING_ROWS } from '../window/frame.ts';
import { runningTotalSql } from '../window/running-total-query.ts';
import { windowSpec } from '../window/window-spec.ts';
import { inTransaction, queryRows, type DbClient } from './db-client.ts';
import type {
  BulkInsertOptions,
  InsertAndReportOptions,
  InsertResult,
  RunningTotalOptions,
  WithRunningTotal,
} from './running-total-options.ts';

/** PostgreSQL accepts at most 32,767 bind parameters in one statement (Prisma reports more as P2035). */
const MAX_BIND_PARAMETERS = 32_767;
const DEFAULT_CHUNK_SIZE = 5_000;
/** Upper bound of one bulk insert call; larger imports go through several calls (or a script). */
export const MAX_BATCH_ROWS = 1_000_000;
const MAX_PARTITION_KEYS = 10_000;

const ISOLATION_LEVELS = ['ReadCommitted', 'RepeatableRead', 'Serializable'] as const;
const RUNNING_TOTAL_OPTION_KEYS = ['partitions', 'from', 'to', 'frame', 'nulls'] as const;
const BULK_OPTION_KEYS = ['chunkSize', 'timeoutMs', 'maxWaitMs', 'isolationLevel'] as const;

/**
 * How a model's running total is computed and how rows are validated for insert. Subclasses of
 * `RunningTotalRepository` provide one of these; everything else (SQL, validation order, chunking, transactions,
 * error mapping) is shared.
 */
export interface RunningTotalModel<M extends ModelName, Key, Data> {
  readonly model: M;
  /** PARTITION BY field for per-partition totals (account, region). */
  readonly partitionBy: FieldOf<M>;
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
  readonly keyOf: (row: Data) => Key;
  readonly createMany: (tx: Prisma.TransactionClient, rows: Data[]) => Promise<{ count: number }>;
}

type Scope = 'partition' | 'global';

/**
 * Shared implementation of a repository that computes running totals over one Prisma model.
 *
 * Construct it with a `PrismaClient` (each call opens what it needs) or a transaction client `tx` (calls join
 * the caller's transaction). Every input is validated before any SQL is sent; failures are `ValidationError`s.
 */
export abstract class RunningTotalRepository<M extends ModelName, Row, Input, Key, Data> {
  protected abstract readonly definition: RunningTotalModel<M, Key, Data>;

  constructor(protected readonly db: DbClient) {}

  /** Running total per partition (PARTITION BY the partition field), rows ordered by partition, time, id. */
  async runningTotals(options?: RunningTotalOptions<Key>): Promise<WithRunningTotal<Row>[]> {
    return queryRows(this.db, this.runningTotalsSql(options, 'partition'));
  }

  /** One running total across all partitions (no PARTITION BY), rows ordered by time, id. */
  async globalRunningTotals(options?: RunningTotalOptions<Key>): Promise<WithRunningTotal<Row>[]> {
    return queryRows(this.db, this.runningTotalsSql(options, 'global'));
  }

  /**
   * The exact SQL `runningTotals` (scope `'partition'`) or `globalRunningTotals` (`'global'`) would send, with
   * values as bound parameters. Validates the options like the calls do.
   */
  runningTotalsSql(options: RunningTotalOptions<Key> | undefined, scope: Scope): Prisma.Sql {
    const def = this.definition;
    const opts = requireOptions('options', options, RUNNING_TOTAL_OPTION_KEYS);
    const frame = requireChoice('options.frame', opts.frame, ['rows', 'range'], 'rows');
    const nulls = requireChoice('options.nulls', opts.nulls, ['zero', 'skip'], 'zero');
    const range = requireDateRange('options', { from: opts.from as Date, to: opts.to as Date }, def.requireBound);
    const where = withinRange(def.model, def.orderBy, range);
    if (opts.partitions !== undefined) {
      const keys = requireKeyList('options.partitions', opts.partitions, def.requireKey, MAX_PARTITION_KEYS);
      where.unshift(inList(def.model, def.partitionBy, keys));
    }
    const base = windowSpec(def.model);
    const partitioned = scope === 'partition' ? base.partitionBy(def.partitionBy) : base;
    const window = partitioned.orderBy(def.orderBy).frame(frame === 'range' ? RUNNING_RANGE : RUNNING_ROWS);
    return runningTotalSql({ window, amount: def.amount, nulls, select: def.select, where });
  }

  /**
   * Inserts all rows in one transaction, `chunkSize` rows per `createMany`: either every row is written or none.
   * Every row is validated first; one bad row rejects the batch before any SQL runs.
   * Default timeout: 10 s plus 1 ms per row.
   */
  async insertMany(rows: readonly Input[], options?: BulkInsertOptions): Promise<InsertResult> {
    const { data, chunkSize, tx } = this.prepareInsert(rows, options, BULK_OPTION_KEYS);
    return inTransaction(this.db, (client) => this.writeChunks(client, data, chunkSize), tx);
  }

  /**
   * Inserts the rows and returns running totals that include them, in one transaction (all or nothing). By
   * default the report covers the partitions the batch touched; pass `report` to choose.
   */
  async insertAndReport(
    rows: readonly Input[],
    options?: InsertAndReportOptions<Key>,
  ): Promise<InsertResult & { totals: WithRunningTotal<Row>[] }> {
    const { data, chunkSize, tx, raw } = this.prepareInsert(rows, options, [...BULK_OPTION_KEYS, 'report']);
    const touched = [...new Set(data.map((row) => this.definition.keyOf(row)))];
    const report = (raw.report as RunningTotalOptions<Key> | undefined) ?? { partitions: touched };
    const reportSql = this.runningTotalsSql(report, 'partition'); // validated before the transaction starts
    return inTransaction(
      this.db,
      async (client) => {
        const result = await this.writeChunks(client, data, chunkSize);
        const totals = await client.$queryRaw<WithRunningTotal<Row>[]>(reportSql);
        return { ...result, totals };
      },
      tx,
    );
  }

  private prepareInsert(rows: readonly Input[], options: unknown, allowed: readonly string[]) {
    const raw = requireOptions('options', options, allowed);
    const data = requireBatch('rows', rows, MAX_BATCH_ROWS, this.definition.requireRow);
    const fieldsPerRow = Math.max(1, ...data.slice(0, 1).map((row) => Object.keys(row as object).length));
    const maxChunk = Math.floor(MAX_BIND_PARAMETERS / fieldsPerRow);
    const chunkSize =
      raw.chunkSize === undefined
        ? Math.min(DEFAULT_CHUNK_SIZE, maxChunk)
        : requirePositiveInt('options.chunkSize', raw.chunkSize, maxChunk);
    const timeoutMs =
      raw.timeoutMs === undefined ? 10_000 + data.length : requirePositiveInt('options.timeoutMs', raw.timeoutMs, 86_400_000);
    const maxWaitMs = raw.maxWaitMs === undefined ? undefined : requirePositiveInt('options.maxWaitMs', raw.maxWaitMs, 600_000);
    const tx = {
      timeoutMs,
      ...(maxWaitMs !== undefined && { maxWaitMs }),
      ...(raw.isolationLevel !== undefined && {
        isolationLevel: requireChoice('options.isolationLevel', raw.isolationLevel, ISOLATION_LEVELS, 'ReadCommitted'),
      }),
    };
    return { data, chunkSize, tx, raw };
  }

  private async writeChunks(tx: Prisma.TransactionClient, data: Data[], chunkSize: number): Promise<InsertResult> {
    let inserted = 0;
    let chunks = 0;
    for (let start = 0; start < data.length; start += chunkSize) {
      const { count } = await this.definition.createMany(tx, data.slice(start, start + chunkSize));
      inserted += count;
      chunks += 1;
    }
    return { inserted, chunks };
  }
}
