/**
 * The non-streaming comparisons of `npm run bench`, all in-process through one PrismaClient:
 * repository end-to-end vs the server's own execution time, keyset pages vs OFFSET, and $queryRaw vs findMany plus a
 * cumulative sum in JavaScript.
 */
import { Prisma, type PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { type RunningTotalOptions } from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { median, medianOf, rowsPerSecond } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { benchPool, connectClient } from './pg-clients.ts';

export interface QueryContext {
  readonly prisma: PrismaClient;
  readonly url: string;
  readonly repeat: number;
}

/** Accounts, smallest first, until their rows reach `target` (at most 10,000 keys): the "moderate" workload. */
export async function moderateAccounts(prisma: PrismaClient, target: number): Promise<{ accounts: number[]; rows: number }> {
  const counts = await prisma.$queryRaw<Array<{ accountId: number; n: bigint }>>`
    SELECT "accountId", count(*) AS n FROM "Transaction" GROUP BY 1 ORDER BY 1 DESC`;
  const accounts: number[] = [];
  let rows = 0;
  for (const { accountId, n } of counts) {
    if (rows >= target || accounts.length >= 10_000) break;
    accounts.push(accountId);
    rows += Number(n);
  }
  return { accounts, rows };
}

/** repo.runningTotals vs plain pg on the same SQL vs EXPLAIN ANALYZE's execution time (the physical limit). */
export async function endToEnd(ctx: QueryContext, accounts: number[]): Promise<SectionResult> {
  const repo = new TransactionRepository(ctx.prisma);
  const options: RunningTotalOptions<number> = { partitions: accounts };
  const sql = repo.runningTotalsSql(options, 'partition');
  const client = await connectClient(ctx.url);
  try {
    const pgPool = benchPool(ctx.url);
    const pooled = new TransactionRepository(ctx.prisma, { pgPool });
    await repo.runningTotals(options); // warm the cache and the connections
    await pooled.runningTotals(options);
    const e2e = await medianOf(ctx.repeat, () => repo.runningTotals(options));
    const viaPool = await medianOf(ctx.repeat, () => pooled.runningTotals(options));
    await pgPool.end();
    const raw = await medianOf(ctx.repeat, () => client.query(sql.text, sql.values));
    const plans = [];
    for (let i = 0; i < ctx.repeat; i++) plans.push(await repo.explain(options));
    const server = median(plans.map((p) => p.executionTimeMs ?? 0));
    const plan = plans[0]!;
    const rows = e2e.result.length;
    const feed = `WindowAgg ← ${plan.windowAggFedBy}${plan.indexName ? ` (${plan.indexName})` : ''}${plan.sortUnderWindowAgg ? ', Sort' : ''}`;
    const measurements: Measurement[] = [
      { section: 'e2e', what: 'repo.runningTotals ($queryRaw, Decimal rows)', rows, ms: e2e.ms },
      { section: 'e2e', what: 'repo.runningTotals with pgPool (node-postgres, Decimal rows)', rows, ms: viaPool.ms },
      { section: 'e2e', what: 'plain pg client.query, same SQL', rows, ms: raw.ms },
      { section: 'e2e', what: 'server execution time (EXPLAIN ANALYZE)', rows, ms: server, detail: feed },
    ];
    const ratios: Ratio[] = [
      { section: 'e2e', name: 'repo.runningTotals time / server execution time', value: e2e.ms / server, unit: 'x', note: 'physical limit = 1x' },
      { section: 'e2e', name: 'plain pg time / server execution time', value: raw.ms / server, unit: 'x' },
      { section: 'e2e', name: 'repo.runningTotals time / plain pg time', value: e2e.ms / raw.ms, unit: 'x', note: 'Prisma decoding overhead' },
      {
        section: 'e2e',
        name: 'repo.runningTotals with pgPool / plain pg throughput',
        value: raw.ms / viaPool.ms,
        unit: 'x',
        goal: {
          text: '≥ 0.8x',
          met: raw.ms / viaPool.ms >= 0.8,
          ...(raw.ms / viaPool.ms < 0.8 && { why: 'exact types: a Decimal per numeric and a bigint per id built from the driver’s text, which plain pg leaves as strings' }),
        },
      },
    ];
    return { measurements, ratios };
  } finally {
    await client.end();
  }
}

/** $queryRaw window query vs findMany + exact cumulative sum in JavaScript, on the same rows (results compared). */
export async function queryRawVsFindMany(ctx: QueryContext, accounts: number[]): Promise<SectionResult> {
  const repo = new TransactionRepository(ctx.prisma);
  const findManyTotals = async () => {
    const rows = await ctx.prisma.transaction.findMany({
      where: { accountId: { in: accounts } },
      orderBy: [{ accountId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, accountId: true, amount: true, createdAt: true },
    });
    let account: number | undefined;
    let total = new Prisma.Decimal(0);
    return rows.map((row) => {
      if (row.accountId !== account) {
        account = row.accountId;
        total = new Prisma.Decimal(0);
      }
      if (row.amount !== null) total = total.plus(row.amount);
      return { ...row, runningTotal: total };
    });
  };
  await findManyTotals(); // warm-up
  const raw = await medianOf(ctx.repeat, () => repo.runningTotals({ partitions: accounts }));
  const js = await medianOf(ctx.repeat, findManyTotals);
  const same =
    raw.result.length === js.result.length &&
    raw.result.every((row, i) => row.id === js.result[i]!.id && row.runningTotal.equals(js.result[i]!.runningTotal));
  if (!same) throw new Error('findMany + JavaScript sum disagrees with the window query: benchmark data or code is wrong');
  const rows = raw.result.length;
  return {
    measurements: [
      { section: 'findmany', what: 'repo.runningTotals ($queryRaw window query)', rows, ms: raw.ms },
      { section: 'findmany', what: 'findMany + Prisma.Decimal cumulative sum in JS', rows, ms: js.ms, detail: 'results identical' },
    ],
    ratios: [
      { section: 'findmany', name: 'findMany + JS sum time / $queryRaw time', value: js.ms / raw.ms, unit: 'x', note: `${rowsPerSecond(rows, raw.ms).toLocaleString('en-US')} vs ${rowsPerSecond(rows, js.ms).toLocaleString('en-US')} rows/s` },
    ],
  };
}

/**
 * Statement pages of the largest account: page 1, a page at 90% depth (following the cursor of a first page that
 * starts at the 90% timestamp), and naive `OFFSET n LIMIT k` over the same window query.
 */
export async function keysetPages(ctx: QueryContext, account: { id: number; rows: number }): Promise<SectionResult> {
  const repo = new TransactionRepository(ctx.prisma);
  const limit = Math.min(10_000, Math.max(10, Math.floor(account.rows / 20)));
  const depth = Math.floor(account.rows * 0.9);
  const [at] = await ctx.prisma.$queryRaw<Array<{ createdAt: Date }>>`
    SELECT "createdAt" FROM "Transaction" WHERE "accountId" = ${account.id} ORDER BY "createdAt", id OFFSET ${depth} LIMIT 1`;
  const from = at!.createdAt;
  await repo.page({ partition: account.id, limit }); // warm-up
  const first = await medianOf(ctx.repeat, () => repo.page({ partition: account.id, limit }));
  const dated = await medianOf(ctx.repeat, () => repo.page({ partition: account.id, from, limit }));
  const cursor = dated.result.nextCursor;
  if (cursor === null) throw new Error(`account ${account.id} has no rows after its 90% point: use more --rows`);
  const deep = await medianOf(ctx.repeat, () => repo.page({ partition: account.id, from, after: cursor, limit }));
  const window = repo.runningTotalsSql({ partitions: [account.id] }, 'partition');
  const naiveSql = Prisma.sql`SELECT * FROM (${window}) w OFFSET ${depth} LIMIT ${limit}`;
  const naive = await medianOf(ctx.repeat, () => ctx.prisma.$queryRaw<unknown[]>(naiveSql));
  const section = 'page';
  const measurements: Measurement[] = [
    { section, what: `repo.page, page 1 (account ${account.id}, ${account.rows.toLocaleString('en-US')} rows)`, rows: first.result.rows.length, ms: first.ms },
    { section, what: 'repo.page from the 90% timestamp (opening balance = indexed SUM)', rows: dated.result.rows.length, ms: dated.ms },
    { section, what: 'repo.page after that page\'s cursor (≈90% depth)', rows: deep.result.rows.length, ms: deep.ms },
    { section, what: `naive window query OFFSET ${depth.toLocaleString('en-US')} LIMIT ${limit}`, rows: naive.result.length, ms: naive.ms },
  ];
  const deepRatio = deep.ms / first.ms;
  const ratios: Ratio[] = [
    {
      section,
      name: 'keyset page at 90% depth / page 1 time',
      value: deepRatio,
      unit: 'x',
      goal: {
        text: '≤ 1.5x',
        met: deepRatio <= 1.5,
        ...(deepRatio > 1.5 && { why: 'the deep page is one keyset chunk like page 1; a higher ratio points at a generic plan or noise on a page of a few ms' }),
      },
    },
    { section, name: 'naive OFFSET page / keyset page at 90% depth time', value: naive.ms / deep.ms, unit: 'x' },
    { section, name: 'first page from a date / page 1 time', value: dated.ms / first.ms, unit: 'x', note: 'includes the opening-balance SUM' },
  ];
  return { measurements, ratios };
}
