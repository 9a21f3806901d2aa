import * as Prisma from '../prisma-runtime.ts';
import { inTransaction, queryRows, type DbClient } from '../executor/db-client.ts';
import { summarizePlan } from './parse-plan.ts';
import { DEFAULT_READ_MAX_WAIT_MS } from '../executor/stream-timeouts.ts';
import type { PlanSummary } from './plan-summary.ts';

export interface ExplainOptions {
  /**
   * Default true: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` — the statement is executed (actual rows and times).
   * false: `EXPLAIN (FORMAT JSON, SUMMARY)` — the planner's estimates only, nothing is executed.
   */
  readonly analyze?: boolean | undefined;
  /** ANALYZE runs inside an interactive transaction; its timeout in ms. Default 10 minutes. */
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 600_000;

interface ExplainRow {
  readonly 'QUERY PLAN': unknown;
}

/**
 * Runs PostgreSQL's EXPLAIN on exactly `sql` (its text and bound parameters, e.g. from
 * `repository.runningTotalsSql(options, 'partition')`) and summarises the plan: what feeds the `WindowAgg` (a Sort or
 * an index scan), the index used, rows, planning and execution time.
 *
 * EXPLAIN ANALYZE executes the statement. It therefore runs behind a savepoint that is always rolled back, inside a
 * transaction of its own (on a `PrismaClient`) or the caller's (on a transaction client): a statement that writes
 * leaves no rows behind. (Non-transactional side effects such as advanced sequences remain.) The running-total
 * queries are plain SELECTs, so for them this only costs the query's own run time.
 */
export async function explainQuery(client: DbClient, sql: Prisma.Sql, opts: ExplainOptions = {}): Promise<PlanSummary> {
  if (opts.analyze === false) {
    const rows = await queryRows<ExplainRow>(client, Prisma.sql`EXPLAIN (FORMAT JSON, SUMMARY) ${sql}`);
    return summarizePlan(rows[0]?.['QUERY PLAN']);
  }
  const statement = Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`;
  const rows = await inTransaction(
    client,
    async (tx) => {
      await tx.$executeRaw`SAVEPOINT ledger_explain`;
      let result: ExplainRow[];
      try {
        result = await tx.$queryRaw<ExplainRow[]>(statement);
      } catch (error) {
        // Undo what the statement did, but report the statement's error, not a failure of the cleanup.
        await tx.$executeRaw`ROLLBACK TO SAVEPOINT ledger_explain`.catch(() => {});
        throw error;
      }
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT ledger_explain`;
      await tx.$executeRaw`RELEASE SAVEPOINT ledger_explain`;
      return result;
    },
    { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxWaitMs: DEFAULT_READ_MAX_WAIT_MS },
  );
  return summarizePlan(rows[0]?.['QUERY PLAN']);
}
