import type * as Prisma from '../prisma-runtime.ts';
import { explainQuery, type ExplainOptions } from '../explain/explain-query.ts';
import { requireExplainOptions } from '../validation/explain-options.ts';
import type { PlanSummary } from '../explain/plan-summary.ts';
import { queryRows, type DbClient } from '../executor/db-client.ts';
import { streamDeclaredCursor } from '../executor/declared-cursor-stream.ts';
import { requireStreamOptions, type StreamSettingsInput } from '../validation/stream-options.ts';
import { requireDbClient } from '../validation/db-client.ts';

/**
 * What every builder query does with the one statement it compiles (`toSql`): run it, stream it, explain it. The
 * builders (`WindowQuery`, `GroupedQuery`) differ only in how they compile.
 */
export abstract class CompiledQuery<Row> {
  /** Phantom: the row type `execute` resolves to. */
  declare readonly row: Row;

  /** Renders the statement; values are bound parameters, identifiers come from Prisma's data model. */
  abstract toSql(): Prisma.Sql;

  /** Runs the query with `$queryRaw` on a PrismaClient or transaction client; failures become `LedgerError`s. */
  async execute(client: DbClient): Promise<Row[]> {
    return queryRows<Row>(requireDbClient('client', client), this.toSql());
  }

  /**
   * Streams the same rows as `execute`, in the same order and with the same types, `chunkSize` at a time (default
   * 10,000) from a server-side cursor, all read in one REPEATABLE READ, READ ONLY snapshot: PostgreSQL computes
   * the windows once and memory stays bounded by one chunk. `timeoutMs` (default 600,000) bounds the whole
   * stream and `idleTimeoutMs` (default 60,000) the wait for the consumer; past either, the transaction is ended
   * and the next read throws `TransactionTimeoutError`. `maxWaitMs` (default 10,000) bounds the wait for a pooled
   * connection (`DatabaseUnavailableError`, nothing read). Breaking out of the loop ends the transaction.
   * ```ts
   * const ranked = windowQuery('SalesRecord').select('id', 'region')
   *   .add('rank', f.rank(), windowSpec('SalesRecord').partitionBy('region').orderBy('revenue', 'desc'));
   * for await (const row of ranked.stream(prisma, { chunkSize: 5_000 })) { ... }
   * // BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION READ ONLY;
   * // DECLARE "window_stream_…" NO SCROLL CURSOR FOR SELECT "id" AS "id", ... ORDER BY ...;
   * // FETCH FORWARD 5000 FROM "window_stream_…"; ... COMMIT
   * ```
   */
  async *stream(
    client: DbClient,
    options: StreamSettingsInput = {},
  ): AsyncGenerator<Row, void, undefined> {
    const db = requireDbClient('client', client);
    const { rest: _none, ...settings } = requireStreamOptions(options);
    yield* streamDeclaredCursor<Row>(db, this.toSql(), settings);
  }

  /**
   * Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` on exactly this query (`analyze: false` for estimates only) and
   * summarises the plan: what feeds each WindowAgg (a Sort or an index), the index, rows, times.
   * ```ts
   * const plan = await windowQuery('Transaction').select('id')
   *   .add('balance', f.runningTotal('amount'), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'))
   *   .explain(prisma);
   * plan.sortUnderWindowAgg; // false when the (accountId, createdAt, id, amount) index feeds the window
   * ```
   */
  async explain(client: DbClient, options?: ExplainOptions): Promise<PlanSummary> {
    return explainQuery(requireDbClient('client', client), this.toSql(), requireExplainOptions(options));
  }
}
