import type * as Prisma from '../prisma-runtime.ts';
import { requireDateRange } from '../validation/dates.ts';
import { requireKeyList } from '../validation/keys.ts';
import type pg from 'pg';
import { requireChoice, requireOptions, requirePositiveInt } from '../validation/batch.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { requireStreamOptions } from '../validation/stream-options.ts';
import type { RunningTotalModel } from '../validation/running-total-model.ts';
import { explainQuery, type PlanSummary } from '../explain/index.ts';
import { fetchPage, type Page } from '../streaming/keyset-page.ts';
import { CursorCodec } from '../streaming/page-cursor.ts';
import type { RunningTotalPlan } from '../streaming/running-total-plan.ts';
import { compileRunningTotal, keyText } from '../streaming/running-total-compiler.ts';
import { streamRunningTotals } from '../streaming/stream-running-totals.ts';
import { streamThroughCursor } from '../streaming/pg-cursor-stream.ts';
import {
  BULK_OPTION_KEYS,
  prepareBatch,
  writeChunks,
  type BulkInsertOptions,
  type InsertResult,
  type InsertTarget,
  type PreparedBatch,
} from '../ingest/bulk-insert.ts';
import { retrying } from '../retry/retry.ts';
import type { FieldOf, ModelName } from '../window/catalog.ts';
import { inTransaction, isRootClient, queryRows, type DbClient } from '../executor/db-client.ts';
import type { InsertAndReportOptions, PageOptions, RunningTotalOptions, WithRunningTotal } from './running-total-options.ts';

const MAX_PARTITION_KEYS = 10_000;

const RUNNING_TOTAL_OPTION_KEYS = ['partitions', 'from', 'to', 'frame', 'nulls'] as const;

export type { RunningTotalModel } from '../validation/running-total-model.ts';

type Scope = 'partition' | 'global';

/** The second constructor argument of every running-total repository. */
export interface RepositoryOptions {
  /**
   * Signs page cursors; give every process the same secret (≥ 16 bytes) so cursors stay valid across restarts and
   * instances. Without it, a random per-process secret is used.
   */
  readonly cursorSecret?: string | undefined;
  /**
   * The `pg.Pool` behind your `PrismaPg` adapter. Streams then read the query through one server-side cursor on
   * it (pg-cursor) instead of keyset chunks through `$queryRaw`: same rows, types and snapshot guarantee, a
   * fraction of the per-row cost (BENCHMARKS.md).
   */
  readonly pgPool?: pg.Pool | undefined;
}

/**
 * Shared implementation of a repository that computes running totals over one Prisma model.
 *
 * Construct it with a `PrismaClient` (each call opens what it needs) or a transaction client `tx` (calls join
 * the caller's transaction). Every input is validated before any SQL is sent; failures are `ValidationError`s.
 */
export abstract class RunningTotalRepository<M extends ModelName, Row, Input, Key, Data> {
  protected abstract readonly definition: RunningTotalModel<M, Key, Data>;

  private readonly cursors: CursorCodec;
  private readonly pgPool: pg.Pool | undefined;

  /**
   * @param db a `PrismaClient`, or a transaction client to join the caller's transaction
   * @param options `cursorSecret` (signs page cursors) and `pgPool` (streams through pg-cursor): see
   *   `RepositoryOptions`.
   */
  constructor(
    protected readonly db: DbClient,
    options: RepositoryOptions = {},
  ) {
    this.cursors = new CursorCodec(options.cursorSecret);
    this.pgPool = options.pgPool;
  }

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
    return this.planSql(this.runningTotalPlan(options, scope));
  }

  private planSql(plan: RunningTotalPlan<M>): Prisma.Sql {
    return compileRunningTotal(plan);
  }


  /**
   * Streams the same rows as `runningTotals` / `globalRunningTotals` (same options, same order, same totals) in
   * keyset chunks of `chunkSize` rows, all read in one REPEATABLE READ snapshot; memory stays bounded by one
   * chunk. Breaking out of the loop ends the snapshot transaction.
   *
   * - `timeoutMs` (default 600,000): the longest the whole stream may hold its transaction.
   * - `idleTimeoutMs` (default 60,000): the longest the transaction waits for the consumer to ask for more rows
   *   (the time spent on one chunk). Past it the transaction is ended and the connection freed, and the next read
   *   throws `TransactionTimeoutError`: an abandoned iterator never holds a connection for long.
   *
   * Both apply on both paths (keyset chunks, or one portal with the `pgPool` constructor option). With a
   * transaction client, rows are read in the caller's transaction and its own timeouts apply.
   * ```ts
   * for await (const row of repo.streamRunningTotals({ partitions: [42] }, { chunkSize: 5_000 })) { ... }
   * ```
   */
  async *streamRunningTotals(
    options?: RunningTotalOptions<Key>,
    stream: {
      readonly chunkSize?: number | undefined;
      readonly timeoutMs?: number | undefined;
      readonly idleTimeoutMs?: number | undefined;
      readonly scope?: Scope | undefined;
    } = {},
  ): AsyncGenerator<WithRunningTotal<Row>, void, undefined> {
    const { chunkSize, rest, ...timeouts } = requireStreamOptions(stream, ['scope']);
    const scope = requireChoice('stream.scope', rest.scope, ['partition', 'global'], 'partition');
    const plan = this.runningTotalPlan(options, scope);
    const rows = this.pgPool
      ? streamThroughCursor(this.pgPool, plan, this.planSql(plan), chunkSize, timeouts)
      : streamRunningTotals(this.db, plan, { chunkSize, ...timeouts });
    yield* rows as AsyncGenerator<WithRunningTotal<Row>, void, undefined>;
  }

  /**
   * One page of a statement (one partition, or the global ledger without `partition`): rows with their running
   * balance, the opening and closing balance, and an opaque, signed `nextCursor`. Balances are true balances:
   * a first page that starts at `from` opens with the sum of everything before `from` (one indexed aggregate);
   * later pages continue from the cursor, so page N costs what page 1 costs.
   * ```ts
   * const first = await repo.page({ partition: 42, from: new Date('2026-01-01'), limit: 50 });
   * const second = await repo.page({ partition: 42, from: new Date('2026-01-01'), limit: 50, after: first.nextCursor! });
   * ```
   */
  async page(options: PageOptions<Key>): Promise<Page<WithRunningTotal<Row>>> {
    const opts = requireOptions('options', options, ['partition', 'from', 'to', 'frame', 'nulls', 'after', 'limit']);
    const limit = requirePositiveInt('options.limit', opts.limit, 10_000);
    const { partition, after, limit: _limit, ...rest } = opts;
    const plan = this.runningTotalPlan(
      { ...rest, ...(partition !== undefined && { partitions: [partition] }) } as RunningTotalOptions<Key>,
      partition === undefined ? 'global' : 'partition',
      { partitionsPath: 'options.partition' },
    );
    const page = await fetchPage(this.db, {
      plan,
      ...(after !== undefined && { after: after as string }),
      limit,
      codec: this.cursors,
    });
    return page as Page<WithRunningTotal<Row>>;
  }

  /**
   * Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` on the exact SQL `runningTotals` (or, with scope `'global'`,
   * `globalRunningTotals`) would send, and summarises the plan: whether a Sort or an index feeds the WindowAgg,
   * which index, rows, execution time.
   */
  async explain(options?: RunningTotalOptions<Key>, scope: Scope = 'partition'): Promise<PlanSummary> {
    return explainQuery(this.db, this.runningTotalsSql(options, scope));
  }

  /**
   * The subclass's definition, checked against Prisma's data model on first use (a base class cannot check it in
   * its constructor: subclass fields are set after `super()` returns). Checked once per definition object.
   */
  private get checkedDefinition(): RunningTotalModel<M, Key, Data> {
    return requireModelDefinition(this.definition);
  }

  private partitionFields(): readonly FieldOf<M>[] {
    const { partitionBy } = this.checkedDefinition;
    return typeof partitionBy === 'string' ? [partitionBy] : partitionBy;
  }

  private partitionValues(key: Key): readonly unknown[] {
    const def = this.checkedDefinition;
    return def.partitionValues ? def.partitionValues(key) : [key];
  }

  /**
   * Validates running-total options, once, into the plan every execution path is compiled from (query, stream,
   * page, explain). `partitionsPath` names the option a single page partition came from, for error messages.
   */
  protected runningTotalPlan(
    options: RunningTotalOptions<Key> | undefined,
    scope: Scope,
    settings: { readonly maxPartitions?: number | undefined; readonly partitionsPath?: string | undefined } = {},
  ): RunningTotalPlan<M> {
    const def = this.checkedDefinition;
    const opts = requireOptions('options', options, RUNNING_TOTAL_OPTION_KEYS);
    const frame = requireChoice('options.frame', opts.frame, ['rows', 'range'], 'rows');
    const nulls = requireChoice('options.nulls', opts.nulls, ['zero', 'skip'], 'zero');
    const range = requireDateRange('options', { from: opts.from as Date, to: opts.to as Date }, def.requireBound);
    const keys =
      opts.partitions === undefined
        ? undefined
        : settings.partitionsPath !== undefined
          ? [def.requireKey(settings.partitionsPath, (opts.partitions as unknown[])[0])]
          : requireKeyList('options.partitions', opts.partitions, def.requireKey, settings.maxPartitions ?? MAX_PARTITION_KEYS);
    return {
      model: def.model,
      partitionBy: scope === 'partition' ? this.partitionFields() : [],
      orderBy: def.orderBy,
      amount: def.amount,
      select: def.select,
      nulls,
      frame,
      ...(keys && { partitions: { fields: this.partitionFields(), keys: keys.map((key) => this.partitionValues(key)) } }),
      ...(range.from && { from: range.from }),
      ...(range.to && { to: range.to }),
    };
  }


  /**
   * Inserts all rows in one transaction, `chunkSize` rows per statement (`unnest` or `createMany`, see
   * `options.strategy`): either every row is written or none. Every row is validated first; one bad row (or two
   * rows with the same `externalId`) rejects the batch before any SQL runs. Rows whose `externalId` is already
   * stored are skipped and counted in `skipped`, so a retried batch never writes money twice.
   * Default timeout: 10 s plus 1 ms per row (`timeoutMs`); outliving it is a `TransactionTimeoutError`, nothing written.
   */
  async insertMany(rows: readonly Input[], options?: BulkInsertOptions): Promise<InsertResult> {
    const def = this.checkedDefinition;
    const batch = prepareBatch(rows, options, def.requireRow, def);
    return this.inInsertTransaction(batch, (tx) => writeChunks(tx, batch, this.insertTarget(), isRootClient(this.db)));
  }

  private insertTarget(): InsertTarget<Data> {
    const def = this.checkedDefinition;
    return {
      model: def.model,
      insertFields: def.insertFields,
      ...(def.idempotencyKey !== undefined && { idempotencyKey: def.idempotencyKey }),
      createMany: def.createMany,
    };
  }

  /** One transaction for the whole batch; retried as a whole after a serialization failure when it is ours. */
  private inInsertTransaction<T>(batch: PreparedBatch<Data>, work: (tx: DbClient) => Promise<T>): Promise<T> {
    const once = () => inTransaction(this.db, work, batch.transaction);
    // Only a transaction the repository opened itself can be retried as a whole.
    return isRootClient(this.db) ? retrying(once, batch.retry) : once();
  }

  /**
   * Inserts the rows and returns running totals that include them, in one transaction (all or nothing). By
   * default the report covers the partitions the batch touched; pass `report` to choose.
   */
  async insertAndReport(
    rows: readonly Input[],
    options?: InsertAndReportOptions<Key>,
  ): Promise<InsertResult & { totals: WithRunningTotal<Row>[] }> {
    const def = this.checkedDefinition;
    const batch = prepareBatch(rows, options, def.requireRow, def, [...BULK_OPTION_KEYS, 'report']);
    // Distinct partitions of the batch (compared by their values, so composite keys dedupe too).
    const keys = batch.data.map((row) => def.keyOf(row));
    const touched = [...new Map(keys.map((key) => [keyText(this.partitionValues(key)), key])).values()];
    const report = batch.options.report as RunningTotalOptions<Key> | undefined;
    // Validated before the transaction starts. The default list comes from validated rows, so the 10,000-key cap
    // on caller-given lists does not apply to it (one bound array holds any number of keys).
    const reportSql = this.planSql(
      report === undefined
        ? this.runningTotalPlan({ partitions: touched }, 'partition', { maxPartitions: Number.POSITIVE_INFINITY })
        : this.runningTotalPlan(report, 'partition'),
    );
    return this.inInsertTransaction(batch, async (tx) => {
      const result = await writeChunks(tx, batch, this.insertTarget(), isRootClient(this.db));
      const totals = await queryRows<WithRunningTotal<Row>>(tx, reportSql);
      return { ...result, totals };
    });
  }
}
