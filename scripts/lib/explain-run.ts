/** The work of `npm run explain` once its arguments are valid (loaded lazily: --help and bad arguments stay fast). */
import { explainQuery } from '../../src/explain/index.ts';
import { SalesRecordRepository, TransactionRepository, type RunningTotalOptions } from '../../src/index.ts';
import { stderrLine } from './cli.ts';
import { EXIT_SORT_UNDER_WINDOW, EXPLAIN_QUERIES, type ExplainArgs } from './explain-args.ts';
import { explainJson, formatExplain } from './explain-output.ts';
import { openScriptDatabase } from './script-database.ts';

export async function explain(args: ExplainArgs): Promise<number> {
  const { model, scope } = EXPLAIN_QUERIES[args.query];
  const db = await openScriptDatabase({ log: args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined });
  try {
    const common = {
      ...(args.from && { from: args.from }),
      ...(args.to && { to: args.to }),
      frame: args.frame,
      nulls: args.nulls,
    };
    const sql =
      model === 'Transaction'
        ? new TransactionRepository(db.prisma).runningTotalsSql(
            { ...common, ...(args.partitions && { partitions: args.partitions as number[] }) } satisfies RunningTotalOptions<number>,
            scope,
          )
        : new SalesRecordRepository(db.prisma).runningTotalsSql(
            { ...common, ...(args.partitions && { partitions: args.partitions as string[] }) } satisfies RunningTotalOptions<string>,
            scope,
          );
    const summary = await explainQuery(db.prisma, sql, { analyze: args.analyze });
    process.stdout.write(args.json ? explainJson(args.query, summary) : formatExplain(args.query, db.description, summary));
    if (!summary.hasWindowAgg) throw new Error('the plan has no WindowAgg; this should not happen for running totals');
    return summary.sortUnderWindowAgg ? EXIT_SORT_UNDER_WINDOW : 0;
  } finally {
    await db.close();
  }
}
