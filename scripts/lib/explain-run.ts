/** The work of `npm run explain` once its arguments are valid (loaded lazily: --help and bad arguments stay fast). */
import type { Prisma, PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { explainQuery, type PlanSummary, type RunningTotalOptions } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { EXIT_CHECK_FAILED, stderrLine } from './cli/run.ts';
import { EXPLAIN_QUERIES, type ExplainArgs, type ExplainScope } from './explain-args.ts';
import { explainJson, formatExplain } from './explain-output.ts';
import { openScriptDatabase } from './script-database.ts';

/** What the script needs of a repository: its own plan check and the SQL behind it. */
interface Explainable<Key> {
  explain(options: RunningTotalOptions<Key> | undefined, scope: ExplainScope): Promise<PlanSummary>;
  runningTotalsSql(options: RunningTotalOptions<Key> | undefined, scope: ExplainScope): Prisma.Sql;
}

/**
 * The repository's `explain` (EXPLAIN ANALYZE of exactly the SQL the call sends); with --estimate, `explainQuery`
 * without ANALYZE on that same SQL, so the query is planned but not run.
 */
function planOf<Key>(prisma: PrismaClient, repo: Explainable<Key>, args: ExplainArgs, partitions: Key[] | undefined): Promise<PlanSummary> {
  const { scope } = EXPLAIN_QUERIES[args.query];
  const options: RunningTotalOptions<Key> = {
    ...(partitions && { partitions }),
    ...(args.from && { from: args.from }),
    ...(args.to && { to: args.to }),
    frame: args.frame,
    nulls: args.nulls,
  };
  return args.analyze
    ? repo.explain(options, scope)
    : explainQuery(prisma, repo.runningTotalsSql(options, scope), { analyze: false });
}

export async function explain(args: ExplainArgs): Promise<number> {
  const db = await openScriptDatabase({ log: args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined });
  try {
    // explain-args.ts parsed --partitions as account ids for Transaction queries and as region names otherwise.
    const summary =
      EXPLAIN_QUERIES[args.query].model === 'Transaction'
        ? await planOf(db.prisma, new TransactionRepository(db.prisma), args, args.partitions as number[] | undefined)
        : await planOf(db.prisma, new SalesRecordRepository(db.prisma), args, args.partitions as string[] | undefined);
    process.stdout.write(args.json ? explainJson(args.query, summary) : formatExplain(args.query, db.description, summary));
    if (!summary.hasWindowAgg) throw new Error('the plan has no WindowAgg; this should not happen for running totals');
    return summary.sortUnderWindowAgg ? EXIT_CHECK_FAILED : 0;
  } finally {
    await db.close();
  }
}
