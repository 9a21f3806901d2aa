/**
 * Filtered partitions (issue 13, item 5): the running totals of 1, 10 and all of the moderate workload's accounts,
 * three ways, by the server's own execution time (EXPLAIN ANALYZE, median of `repeat` runs, interleaved so every
 * shape sees the same cache):
 *
 * - `compiled`: the repository's SQL (`"accountId" = ANY($1)`), with the planner's own choice of scan: on a
 *   vacuumed table, an Index Only Scan of the covering `(accountId, createdAt, id, amount)` index, in window order;
 * - `bitmap + Sort`: the same SQL with index and index-only scans disabled for the transaction: the bitmap heap
 *   scan and Sort the planner chose before the index covered `amount`;
 * - `lateral`: one index range per account, `unnest(...) WITH ORDINALITY CROSS JOIN LATERAL (... window ...)`.
 *
 * All three return the same rows (checked by count and by the sum of the last total of each account).
 */
import pg from 'pg';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { summarizePlan, type PlanNode, type PlanSummary } from '../../src/index.ts';
import { median } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { connectClient } from './pg-clients.ts';

const SHAPES = ['compiled', 'bitmap + Sort', 'lateral'] as const;
type Shape = (typeof SHAPES)[number];

const FORCE_BITMAP = 'SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off';

/** The per-account shape: each account's rows through its own index range, in the order of the given array. */
function lateralSql(accounts: readonly number[]): { text: string; values: unknown[] } {
  return {
    text: `SELECT t.* FROM unnest($1::int4[]) WITH ORDINALITY AS p(account, ord)
      CROSS JOIN LATERAL (
        SELECT "id", "accountId", "amount", ("createdAt" AT TIME ZONE 'UTC') AS "createdAt",
               SUM(COALESCE("amount", 0)) OVER (ORDER BY "createdAt", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal",
               "createdAt" AS at
          FROM "Transaction" WHERE "accountId" = p.account) t
      ORDER BY p.ord, t.at, t."id"`,
    values: [[...accounts].sort((a, b) => a - b)],
  };
}

function hasSort(node: PlanNode): boolean {
  return node.nodeType.includes('Sort') || node.children.some(hasSort);
}

async function explain(client: pg.Client, sql: { text: string; values: unknown[] }, setup?: string): Promise<PlanSummary> {
  await client.query('BEGIN');
  try {
    if (setup) await client.query(setup);
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, sql.values);
    return summarizePlan(rows[0]?.['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Rows and a checksum of the shape's result: the count and the sum of every running total, as exact text. */
async function fingerprint(client: pg.Client, sql: { text: string; values: unknown[] }): Promise<string> {
  const { rows } = await client.query<{ n: string; total: string }>(
    `SELECT count(*) AS n, coalesce(sum("runningTotal"), 0)::text AS total FROM (${sql.text}) r`,
    sql.values,
  );
  return `${rows[0]!.n}/${rows[0]!.total}`;
}

export async function filteredPartitionPlans(
  prisma: PrismaClient,
  url: string,
  accounts: readonly number[],
  repeat: number,
): Promise<SectionResult> {
  const repo = new TransactionRepository(prisma);
  const client = await connectClient(url);
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  try {
    for (const count of [...new Set([1, 10, accounts.length])].filter((n) => n <= accounts.length)) {
      const chosen = accounts.slice(0, count);
      const compiled = repo.runningTotalsSql({ partitions: [...chosen] }, 'partition');
      const statements: Record<Shape, { sql: { text: string; values: unknown[] }; setup?: string }> = {
        compiled: { sql: { text: compiled.text, values: [...compiled.values] } },
        'bitmap + Sort': { sql: { text: compiled.text, values: [...compiled.values] }, setup: FORCE_BITMAP },
        lateral: { sql: lateralSql(chosen) },
      };
      const prints = new Set<string>();
      for (const shape of SHAPES) prints.add(await fingerprint(client, statements[shape].sql));
      if (prints.size !== 1) throw new Error(`filtered-partition shapes disagree for ${count} accounts: ${[...prints].join(' vs ')}`);
      const rows = Number([...prints][0]!.split('/')[0]);
      const runs = Object.fromEntries(SHAPES.map((shape) => [shape, [] as PlanSummary[]])) as Record<Shape, PlanSummary[]>;
      for (const shape of SHAPES) await explain(client, statements[shape].sql, statements[shape].setup); // warm-up
      for (let i = 0; i < repeat; i++) {
        for (const shape of SHAPES) runs[shape].push(await explain(client, statements[shape].sql, statements[shape].setup));
      }
      const serverMs = (shape: Shape) => median(runs[shape].map((plan) => plan.executionTimeMs ?? 0));
      for (const shape of SHAPES) {
        const plan = runs[shape][0]!;
        measurements.push({
          section: 'plans',
          what: `${count} of ${accounts.length} accounts: ${shape}`,
          rows,
          ms: serverMs(shape),
          detail: `server time, median of ${repeat}; WindowAgg ← ${plan.windowAggFedBy}${plan.feedNodeType ? ` (${plan.feedNodeType})` : ''}; ${hasSort(plan.root) ? 'has a Sort' : 'no Sort'}`,
        });
      }
      const compiledSorts = hasSort(runs.compiled[0]!.root);
      for (const shape of ['bitmap + Sort', 'lateral'] as const) {
        const value = serverMs(shape) / serverMs('compiled');
        ratios.push({
          section: 'plans',
          name: `${count} accounts: compiled vs ${shape}, server time`,
          value,
          unit: 'x',
          ...(shape === 'bitmap + Sort'
            ? {
                goal: {
                  text: 'no Sort, ≥ 1x',
                  met: !compiledSorts && value >= 1,
                  ...((compiledSorts || value < 1) && {
                    why: compiledSorts
                      ? `the planner chose ${runs.compiled[0]!.windowAggFedBy} with a Sort (is the table vacuumed?)`
                      : 'the index-only scan read slower than the bitmap scan here',
                  }),
                },
              }
            : { note: `above 1x: compiled is faster; ${shape} ${hasSort(runs[shape][0]!.root) ? 'still sorts' : 'has no Sort'}` }),
        });
      }
    }
  } finally {
    await client.end();
  }
  return { measurements, ratios };
}
