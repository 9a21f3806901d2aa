import type pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import { executeStatement, inTransaction, isRootClient, queryRows, type DbClient } from '../executor/db-client.ts';
import { queryThroughPool, type PoolReads } from '../executor/pool-query.ts';
import { runningTotalColumns } from '../streaming/result-columns.ts';
import { streamDeclaredCursor } from '../executor/declared-cursor-stream.ts';
import { explainQuery, type PlanSummary } from '../explain/index.ts';
import { BULK_OPTION_KEYS, insertBatch, prepareBatch, type BulkInsertOptions, type InsertResult, type InsertTarget } from '../ingest/bulk-insert.ts';
import { fetchPage, type Page } from '../streaming/keyset-page.ts';
import { CursorCodec } from '../streaming/page-cursor.ts';
import { compileBalances } from '../streaming/balance-compiler.ts';
import {
  compileCheckpointBalances,
  compileCheckpointGuard,
  compileLockTimeout,
  compileShareLock,
  compileWriteCheckpoints,
} from '../streaming/checkpoint-compiler.ts';
import { checkpointTriggerNames } from '../streaming/checkpoint-ddl.ts';
import { checkpointsOf } from '../validation/checkpoint-model.ts';
import { BUCKET_POSITION, compileBucketPage, compileBuckets } from '../streaming/bucket-compiler.ts';
import {
  balancePlanFromOptions,
  bucketPlanFromOptions,
  partitionFieldsOf,
  partitionValuesOf,
  planFromOptions,
  type Scope,
} from '../streaming/plan-from-options.ts';
import type { RunningTotalPlan } from '../streaming/running-total-plan.ts';
import { compileRunningTotal, keyText } from '../streaming/running-total-compiler.ts';
import { streamPlan } from '../streaming/stream-running-totals.ts';
import { requireChoice, requireMaxWaitMs, requireOptions, requirePositiveInt } from '../validation/batch.ts';
import { describe } from '../validation/dates.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { requireRepositoryOptions } from '../validation/repository-options.ts';
import type { RunningTotalModel } from '../validation/running-total-model.ts';
import { requireStreamOptions, type StreamSettingsInput } from '../validation/stream-options.ts';
import { DEFAULT_READ_MAX_WAIT_MS } from '../executor/stream-timeouts.ts';
import { conflictTargetOf, storedEnumOf, type ModelName } from '../window/catalog.ts';
import { enumNameOf } from '../window/enum-output.ts';
import { queryFingerprint, splitPage, WindowPageCursor } from '../window/query-page.ts';
import { ValidationError, WindowSpecError } from '../errors.ts';
import { withRetry } from '../retry/retry.ts';
import type {
  BalanceOptions,
  BucketTotal,
  BucketTotalsOptions,
  InsertAndReportOptions,
  PageOptions,
  PartitionBalance,
  PartitionBucketTotal,
  RunningTotalOptions,
  WithRunningTotal,
} from './running-total-options.ts';

export type { RunningTotalModel } from '../validation/running-total-model.ts';

/** The second constructor argument of every running-total repository. */
export interface RepositoryOptions {
  /**
   * Signs page cursors; give every process the same secret (≥ 16 bytes) so cursors stay valid across restarts and
   * instances. Without it, a random per-process secret is used.
   */
  readonly cursorSecret?: string | undefined;
  /**
   * The `pg.Pool` behind your `PrismaPg` adapter. Streams then run the query once on one of its connections and
   * read the rows straight from its socket as you consume them (instead of keyset chunks through `$queryRaw`),
   * `runningTotals` / `globalRunningTotals` and `page` read the same way, and `insertMany` writes with COPY on it
   * (strategy `'copy'`): same rows, exact types and guarantees, faster than node-postgres returning strings
   * (BENCHMARKS.md). A repository on a transaction client keeps to the caller's transaction for reads and writes.
   */
  readonly pgPool?: pg.Pool | undefined;
  /**
   * With `pgPool`: `runningTotals`, `globalRunningTotals` and `page` prepare each statement they read through it
   * once per connection (named after its text; streams, one statement each, are not prepared), so later pages and
   * repeated reads skip the server's parse and, once it settles on a generic plan (PostgreSQL's `plan_cache_mode`),
   * its planning: page walks about 15% faster (BENCHMARKS.md). A page's limit is part of its text; a connection
   * keeps the first 64 texts it reads prepared, and runs later ones unnamed.
   *
   * Off by default, as PrismaPg's `statementNameGenerator` is, because a named statement lives on a server
   * connection: a pooler in transaction mode must support them (PgBouncer 1.21+ with `max_prepared_statements`).
   * A statement that went stale on the server (a migration changed the type of a column it returns: 0A000; it
   * was deallocated: 26000) costs its connection, which is dropped, and the read runs again unnamed on another.
   */
  readonly preparedStatements?: boolean | undefined;
}

/**
 * Shared implementation of a repository that computes running totals over one Prisma model.
 *
 * Construct it with a `PrismaClient` (each call opens what it needs) or a transaction client `tx` (calls join
 * the caller's transaction). Every input is validated before any SQL is sent; failures are `ValidationError`s.
 * Subclass it through `defineRunningTotalRepository`, which derives and checks the definition.
 * ```ts
 * class TransactionRepository extends defineRunningTotalRepository('Transaction', {
 *   partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', select: ['id', 'accountId', 'amount', 'createdAt'],
 * }) {}
 * const rows = await new TransactionRepository(prisma).runningTotals({ partitions: [42] });
 * // SELECT "id" AS "id", "accountId" AS "accountId", "amount" AS "amount", ("createdAt" AT TIME ZONE INTERVAL '+00:00') AS "createdAt",
 * //   SUM(COALESCE("amount", 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
 * // FROM "public"."Transaction" WHERE "accountId" = ANY(CAST($1 AS int4[]))
 * // ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * ```
 */
export abstract class RunningTotalRepository<M extends ModelName, Row, Input, Key, Data> {
  protected abstract readonly definition: RunningTotalModel<M, Key, Data>;

  private readonly cursors: CursorCodec;
  private readonly bucketCursors: WindowPageCursor;
  private readonly pgPool: pg.Pool | undefined;
  private readonly preparedStatements: boolean;

  /**
   * @param db a `PrismaClient`, or a transaction client to join the caller's transaction
   * @param options `cursorSecret` (signs page cursors), `pgPool` (reads and streams on your pool) and
   *   `preparedStatements` (reads prepared on its connections): see `RepositoryOptions`.
   */
  constructor(
    protected readonly db: DbClient,
    options: RepositoryOptions = {},
  ) {
    // Not null or a primitive; a client is only used when a statement runs, so `runningTotalsSql` works without one.
    if (typeof db !== 'object' || db === null) {
      throw new ValidationError('db', `expected a PrismaClient or a transaction client, got ${describe(db)}.`);
    }
    const checked = requireRepositoryOptions('options', options);
    this.cursors = new CursorCodec(checked.cursorSecret);
    this.bucketCursors = new WindowPageCursor(checked.cursorSecret);
    this.pgPool = checked.pgPool;
    this.preparedStatements = checked.preparedStatements;
  }

  /** Running total per partition (PARTITION BY the partition field), rows ordered by partition, time, id. */
  async runningTotals(options?: RunningTotalOptions<Key>): Promise<WithRunningTotal<Row>[]> {
    return this.readRunningTotals(this.runningTotalPlan(options, 'partition'));
  }

  /** One running total across all partitions (no PARTITION BY), rows ordered by time, id. */
  async globalRunningTotals(options?: RunningTotalOptions<Key>): Promise<WithRunningTotal<Row>[]> {
    return this.readRunningTotals(this.runningTotalPlan(options, 'global'));
  }

  // The pool reads and streams go through: none on a caller's transaction, whose own writes the pool's connection
  // would not see (and for which a small pool may have no second connection); there they read in the transaction.
  private get readPool(): PoolReads | undefined {
    return isRootClient(this.db) && this.pgPool ? { pool: this.pgPool, preparedStatements: this.preparedStatements } : undefined;
  }

  // Through the pgPool when there is one: the same statement and row types, without Prisma's per-row decoding.
  private readRunningTotals(plan: RunningTotalPlan<M>): Promise<WithRunningTotal<Row>[]> {
    const sql = compileRunningTotal(plan);
    const through = this.readPool;
    return through
      ? queryThroughPool<WithRunningTotal<Row>>(through.pool, sql, runningTotalColumns(plan), { preparedStatements: through.preparedStatements })
      : queryRows(this.db, sql);
  }

  /**
   * The exact SQL `runningTotals` (scope `'partition'`) or `globalRunningTotals` (`'global'`) would send, with
   * values as bound parameters. Validates the options like the calls do.
   */
  runningTotalsSql(options: RunningTotalOptions<Key> | undefined, scope: Scope): Prisma.Sql {
    return compileRunningTotal(this.runningTotalPlan(options, scope));
  }

  /**
   * Streams the same rows as `runningTotals` / `globalRunningTotals` (same options, same order, same totals) in
   * keyset chunks of `chunkSize` rows, all read in one REPEATABLE READ snapshot; memory stays bounded by one
   * chunk. With the `pgPool` constructor option the query runs once and rows are read from the connection's
   * socket as the loop asks for them (`chunkSize` is then not used: the server waits on a full socket, and memory
   * holds one socket read of rows). Breaking out of the loop ends the snapshot transaction.
   *
   * - `timeoutMs` (default 600,000): the longest the whole stream may hold its transaction.
   * - `idleTimeoutMs` (default 60,000): the longest the transaction waits for the consumer to ask for more rows
   *   (the time spent on one chunk, or on one socket read of rows). Past it the transaction is ended and the connection freed, and the next read
   *   throws `TransactionTimeoutError`: an abandoned iterator never holds a connection for long.
   * - `maxWaitMs` (default 10,000, never more than `timeoutMs`): the longest the stream waits for a pooled
   *   connection; past it, `DatabaseUnavailableError` and nothing read.
   *
   * All apply on both paths (keyset chunks, or one statement on the `pgPool` constructor option's pool). With a
   * transaction client, rows are read in the caller's transaction and its own timeouts apply.
   * ```ts
   * for await (const row of repo.streamRunningTotals({ partitions: [42] }, { chunkSize: 5_000 })) { ... }
   * ```
   */
  async *streamRunningTotals(
    options?: RunningTotalOptions<Key>,
    stream: StreamSettingsInput & { readonly scope?: Scope | undefined } = {},
  ): AsyncGenerator<WithRunningTotal<Row>, void, undefined> {
    const { chunkSize, rest, ...timeouts } = requireStreamOptions(stream, ['scope']);
    const scope = requireChoice('stream.scope', rest.scope, ['partition', 'global'], 'partition');
    const rows = streamPlan(this.db, this.runningTotalPlan(options, scope), { chunkSize, ...timeouts, pgPool: this.readPool?.pool });
    yield* rows as AsyncGenerator<WithRunningTotal<Row>, void, undefined>;
  }

  /**
   * One page of a statement (one partition, or the global ledger without `partition`): rows with their running
   * balance, the opening and closing balance, and an opaque, signed `nextCursor`. Balances are true balances:
   * a first page that starts at `from` opens with the sum of everything before `from` (one indexed aggregate);
   * later pages continue from the cursor, so page N costs what page 1 costs. With the `pgPool` constructor option
   * the page is read on that pool (a first page's opening balance and rows in one REPEATABLE READ snapshot).
   * `maxWaitMs` (default 10,000) bounds the wait for a pooled connection: `DatabaseUnavailableError` past it.
   * ```ts
   * const first = await repo.page({ partition: 42, from: new Date('2026-01-01'), limit: 50 });
   * const second = await repo.page({ partition: 42, from: new Date('2026-01-01'), limit: 50, after: first.nextCursor! });
   * ```
   */
  async page(options: PageOptions<Key>): Promise<Page<WithRunningTotal<Row>>> {
    const opts = requireOptions('options', options, ['partition', 'from', 'to', 'frame', 'nulls', 'after', 'limit', 'maxWaitMs']);
    const limit = requirePositiveInt('options.limit', opts.limit, 10_000);
    const maxWaitMs = requireMaxWaitMs('options.maxWaitMs', opts.maxWaitMs) ?? DEFAULT_READ_MAX_WAIT_MS;
    const { partition, after, limit: _limit, maxWaitMs: _wait, ...rest } = opts;
    const plan = this.runningTotalPlan(
      { ...rest, ...(partition !== undefined && { partitions: [partition] }) } as RunningTotalOptions<Key>,
      partition === undefined ? 'global' : 'partition',
      { partitionsPath: 'options.partition' },
    );
    const page = await fetchPage(
      this.db,
      {
        plan,
        ...(after !== undefined && { after: after as string }),
        limit,
        codec: this.cursors,
        maxWaitMs,
      },
      this.readPool,
    );
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
   * Running totals by calendar bucket, per partition: for each `hour` / `day` / `week` / `month` / `quarter` /
   * `year` of the calendar in `timeZone` overlapping `[from, to)`, the row count, sum, min, max and avg of the
   * amount, the balance at the bucket's end (starting from the true balance before the first bucket unless
   * `carry: false`), and the change from the previous bucket (and, with `compareWith`, from the same bucket one
   * period earlier). All computed in one SQL statement; DST days are 23 or 25 hours long, months their own length.
   * `fill: 'zero'` (default) returns every bucket, `'none'` only those with rows.
   * ```ts
   * const days = await repo.bucketTotals({
   *   partitions: [42], bucket: 'day', from: new Date('2026-03-01'), to: new Date('2026-04-01'), timeZone: 'Europe/Berlin',
   * });
   * days[28].bucketEnd.getTime() - days[28].bucketStart.getTime(); // 23 hours: 2026-03-29, DST starts
   * ```
   */
  async bucketTotals(options: BucketTotalsOptions<Key>): Promise<PartitionBucketTotal<Key>[]> {
    const plan = bucketPlanFromOptions(this.checkedDefinition, options, 'partition');
    const rows = await queryRows<Record<string, unknown>>(this.db, compileBuckets(plan));
    return rows.map((row) => this.withKey(row)) as unknown as PartitionBucketTotal<Key>[];
  }

  /**
   * The rows of `bucketTotals` (same options, order and values), `chunkSize` at a time from a server-side cursor
   * in one REPEATABLE READ snapshot: for many partitions × small buckets, memory stays bounded by one chunk.
   * Timeouts as for `streamRunningTotals`.
   * ```ts
   * for await (const hour of repo.streamBucketTotals({ bucket: 'hour', from, to, timeZone: 'Europe/Berlin' })) { ... }
   * ```
   */
  async *streamBucketTotals(
    options: BucketTotalsOptions<Key>,
    stream: StreamSettingsInput = {},
  ): AsyncGenerator<PartitionBucketTotal<Key>, void, undefined> {
    const plan = bucketPlanFromOptions(this.checkedDefinition, options, 'partition');
    const { rest: _none, ...settings } = requireStreamOptions(stream);
    for await (const row of streamDeclaredCursor<Record<string, unknown>>(this.db, compileBuckets(plan), settings)) {
      yield this.withKey(row) as unknown as PartitionBucketTotal<Key>;
    }
  }

  /**
   * `bucketTotals` a page at a time: at most `limit` bucket rows (1..10,000) in the same order, and a signed
   * `nextCursor` bound to the options (`null` on the last page). Values are those of the whole result: the
   * running total of a bucket on page 5 includes every bucket before it.
   * ```ts
   * const first = await repo.pageBucketTotals({ bucket: 'hour', from, to, limit: 500 });
   * const next = await repo.pageBucketTotals({ bucket: 'hour', from, to, limit: 500, after: first.nextCursor! });
   * ```
   */
  async pageBucketTotals(
    options: BucketTotalsOptions<Key> & { readonly limit: number; readonly after?: string | null | undefined },
  ): Promise<{ rows: PartitionBucketTotal<Key>[]; nextCursor: string | null }> {
    const { limit: rawLimit, after, ...bucketOptions } = requireOptions('options', options, [
      'partitions', 'bucket', 'from', 'to', 'timeZone', 'fill', 'carry', 'compareWith', 'limit', 'after',
    ]);
    const limit = requirePositiveInt('options.limit', rawLimit, 10_000);
    const plan = bucketPlanFromOptions(this.checkedDefinition, bucketOptions, 'partition');
    const buckets = compileBuckets(plan);
    const fingerprint = queryFingerprint(buckets);
    const keys = plan.partitionBy.length + 1;
    const position = after === undefined || after === null ? undefined : this.bucketCursors.decode(fingerprint, after, keys);
    const fetched = await queryRows<Record<string, unknown>>(this.db, compileBucketPage(plan, buckets, position, limit));
    const page = splitPage(fetched, limit, BUCKET_POSITION, (last) => this.bucketCursors.encode(fingerprint, last));
    return { rows: page.rows.map((row) => this.withKey(row)) as unknown as PartitionBucketTotal<Key>[], nextCursor: page.nextCursor };
  }

  /** `bucketTotals` across all partitions: one series of buckets for the whole ledger (`partitions` not allowed). */
  async globalBucketTotals(options: Omit<BucketTotalsOptions<Key>, 'partitions'>): Promise<BucketTotal[]> {
    const plan = bucketPlanFromOptions(this.checkedDefinition, options, 'global');
    if (plan.partitions) throw new ValidationError('options.partitions', 'globalBucketTotals covers every partition: use bucketTotals.');
    return queryRows<BucketTotal>(this.db, compileBuckets(plan));
  }

  /**
   * The balance of each partition including every row at or before `at` (inclusive). Partitions without rows there
   * have balance 0. Without checkpoints: one aggregate over the composite index's range per partition, which grows
   * with the history before `at`. With `checkpoints` in the definition and `partitions` given: the latest stored
   * checkpoint at or before `at` (one index lookup) plus the rows after it — as long as the time since the last
   * `writeCheckpoints`, whatever the history.
   * ```ts
   * await repo.balanceAsOf({ partitions: [42, 43], at: new Date('2026-03-31T23:59:59Z') });
   * // [{ key: 42, balance: Decimal(1250.5) }, { key: 43, balance: Decimal(0) }]
   * ```
   */
  async balanceAsOf(options: BalanceOptions<Key>): Promise<PartitionBalance<Key>[]> {
    const { plan, at } = balancePlanFromOptions(this.checkedDefinition, options, true);
    return this.balances(plan, at);
  }

  /** The balance of each partition over all its rows (`balanceAsOf` without `at`). */
  async currentBalances(options: { readonly partitions?: readonly Key[] | undefined } = {}): Promise<PartitionBalance<Key>[]> {
    const { plan } = balancePlanFromOptions(this.checkedDefinition, options, false);
    return this.balances(plan, undefined);
  }

  /**
   * Stores each partition's balance at `through` (inclusive) in the definition's `checkpoints` model: the given
   * `partitions`, or every partition with a row at or before `through`. Run it from a scheduled job (e.g. daily,
   * `through` = the start of today); each checkpoint is computed from the one before it plus the rows between.
   *
   * Exact by construction: the ledger's triggers (`balanceCheckpointsSql`, in a migration; refused without them)
   * delete every checkpoint a later write reaches back to. This method runs in a SERIALIZABLE transaction of its
   * own (a repository on a transaction client is refused) whose first statement is `LOCK TABLE ... IN SHARE MODE`:
   * it waits for writers in flight and keeps new ones waiting while it computes (reads go on), its snapshot follows
   * the lock, and SERIALIZABLE writers are ordered with it by PostgreSQL (a conflict is retried, up to 5 attempts).
   * The triggers refuse REPEATABLE READ writers. `timeoutMs` (default 60,000) bounds each attempt, the wait for
   * the lock included (`lock_timeout`: writers queue behind a waiting lock, so keep it short). The role needs a
   * privilege PostgreSQL requires for a SHARE lock (UPDATE, DELETE or TRUNCATE on the ledger) besides INSERT and
   * SELECT on the checkpoint model.
   * ```ts
   * await repo.writeCheckpoints({ through: new Date('2026-11-26T00:00:00Z') }); // { written: 190 }
   * // LOCK TABLE "Transaction" IN SHARE MODE;
   * // WITH keys AS (...), computed AS (...), written AS (INSERT INTO "transaction_checkpoints" ... ON CONFLICT ... RETURNING 1) SELECT count(*) ...
   * ```
   */
  async writeCheckpoints(options: {
    readonly through: Date;
    readonly partitions?: readonly Key[] | undefined;
    readonly timeoutMs?: number | undefined;
  }): Promise<{ readonly written: number }> {
    const def = this.checkedDefinition;
    const checkpoints = checkpointsOf(def);
    if (!checkpoints) throw new WindowSpecError(`writeCheckpoints: the definition of ${def.model} names no checkpoints model.`);
    const opts = requireOptions('options', options, ['through', 'partitions', 'timeoutMs']);
    if (opts.through === undefined) throw new ValidationError('options.through', 'is required: the instant the balances are stored at.');
    const through = def.requireBound('options.through', opts.through);
    const timeoutMs = opts.timeoutMs === undefined ? 60_000 : requirePositiveInt('options.timeoutMs', opts.timeoutMs, 86_400_000);
    const plan = planFromOptions(def, { partitions: opts.partitions }, 'partition');
    const { triggers } = checkpointTriggerNames(checkpoints);
    if (!isRootClient(this.db)) {
      throw new WindowSpecError('writeCheckpoints runs in a transaction of its own (its lock must come before its snapshot): build the repository on the PrismaClient, not a transaction client.');
    }
    const run = () =>
      inTransaction(
        this.db,
        async (tx) => {
          await executeStatement(tx, compileLockTimeout(timeoutMs));
          await executeStatement(tx, compileShareLock(def.model)); // first: the snapshot is taken after it
          const [state] = await queryRows<{ installed: number }>(tx, compileCheckpointGuard(def.model, triggers));
          if (state!.installed !== triggers.length) {
            throw new WindowSpecError(
              `writeCheckpoints: ${def.model} lacks the enabled triggers that keep checkpoints exact (${triggers.join(', ')}); ` +
                'add the SQL of balanceCheckpointsSql(...) to a migration.',
            );
          }
          const [result] = await queryRows<{ written: bigint | number }>(tx, compileWriteCheckpoints(plan, checkpoints, through));
          return { written: Number(result!.written) };
        },
        { isolationLevel: 'Serializable', timeoutMs },
      );
    return withRetry(run);
  }

  private async balances(plan: RunningTotalPlan<M>, at: Date | undefined): Promise<PartitionBalance<Key>[]> {
    const checkpoints = checkpointsOf(this.checkedDefinition);
    const sql = checkpoints && plan.partitions ? compileCheckpointBalances(plan, checkpoints, at) : compileBalances(plan, at);
    const rows = await queryRows<Record<string, unknown>>(this.db, sql);
    return rows.map((row) => this.withKey(row)) as unknown as PartitionBalance<Key>[];
  }

  // A result row's partition fields folded into `key`, as the definition makes a key of a row (`keyOf`). An enum
  // field arrives as its stored label (bucket pages resume after it) and becomes its name here.
  private withKey(row: Record<string, unknown>): Record<string, unknown> {
    const def = this.checkedDefinition;
    const rest = { ...row };
    let named = row;
    for (const field of partitionFieldsOf(def)) {
      delete rest[field];
      const stored = storedEnumOf(def.model, field);
      // A copy only for a row that holds a label: the other rows' keys are made of the row as read.
      if (stored !== undefined && typeof row[field] === 'string') named = { ...named, [field]: enumNameOf(stored, row[field]) };
    }
    return { key: def.keyOf(named as Data), ...rest };
  }

  /**
   * The subclass's definition, checked against Prisma's data model on first use (a base class cannot check it in
   * its constructor: subclass fields are set after `super()` returns). Checked once per definition object.
   */
  private get checkedDefinition(): RunningTotalModel<M, Key, Data> {
    return requireModelDefinition(this.definition);
  }

  /**
   * Validates running-total options, once, into the plan every execution path is compiled from (query, stream,
   * page, explain); see `planFromOptions`.
   */
  protected runningTotalPlan(
    options: RunningTotalOptions<Key> | undefined,
    scope: Scope,
    settings: { readonly maxPartitions?: number | undefined; readonly partitionsPath?: string | undefined; readonly optionsPath?: string | undefined } = {},
  ): RunningTotalPlan<M> {
    return planFromOptions(this.checkedDefinition, options, scope, settings);
  }

  /**
   * Inserts all rows in one transaction, `chunkSize` rows per statement (`unnest` or `createMany`, see
   * `options.strategy`): either every row is written or none. Every row is validated first; one bad row (or two
   * rows with the same `externalId`) rejects the batch before any SQL runs. Rows whose `externalId` is already
   * stored are skipped and counted in `skipped`, so a retried batch never writes money twice. Rows must not change
   * until the call settles: with `'copy'` they are validated again as they are written (see `validateRows`).
   * Default timeout: 10 s plus 1 ms per row (`timeoutMs`); outliving it is a `TransactionTimeoutError`, nothing written.
   */
  async insertMany(rows: readonly Input[], options?: BulkInsertOptions): Promise<InsertResult> {
    const target = this.insertTarget();
    const batch = prepareBatch(rows, options, this.checkedDefinition.requireRow, { ...target, copyRuns: isRootClient(this.db) });
    const { after: _none, ...result } = await insertBatch(this.db, batch, target);
    return result;
  }

  private insertTarget(): InsertTarget<Data> {
    const def = this.checkedDefinition;
    return {
      model: def.model,
      insertFields: def.insertFields,
      ...(def.idempotencyKey !== undefined && {
        idempotencyKey: def.idempotencyKey,
        conflictTarget: conflictTargetOf(def.model, def.idempotencyKey, partitionFieldsOf(def)),
      }),
      createMany: def.createMany,
      createManyAndReturn: def.createManyAndReturn,
      pgPool: this.pgPool,
      pureRequireRow: def.pureRequireRow,
      checkpointModel: checkpointsOf(def)?.model,
    };
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
    const target = this.insertTarget();
    // The report shares the transaction, so COPY cannot run (see `insertBatch`): the rows are held.
    const batch = prepareBatch(rows, options, def.requireRow, { ...target, copyRuns: false }, [...BULK_OPTION_KEYS, 'report']);
    // Distinct partitions of the batch (compared by their values, so composite keys dedupe too).
    const touchedByText = new Map<string, Key>();
    for (const slice of batch.rows.slices(batch.rows.size)) {
      for (const row of slice) {
        const key = def.keyOf(row);
        touchedByText.set(keyText(partitionValuesOf(def, key)), key);
      }
    }
    const touched = [...touchedByText.values()];
    const report = batch.options.report as RunningTotalOptions<Key> | undefined;
    // Validated before the transaction starts. The default list comes from validated rows, so the 10,000-key cap
    // on caller-given lists does not apply to it (one bound array holds any number of keys).
    const reportSql = compileRunningTotal(
      report === undefined
        ? this.runningTotalPlan({ partitions: touched }, 'partition', { maxPartitions: Number.POSITIVE_INFINITY })
        : this.runningTotalPlan(report, 'partition', { optionsPath: 'options.report' }),
    );
    const { after: totals, ...result } = await insertBatch(this.db, batch, target, (tx) =>
      queryRows<WithRunningTotal<Row>>(tx, reportSql),
    );
    return { ...result, totals: totals ?? [] };
  }
}
