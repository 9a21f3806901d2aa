/**
 * Time analytics in `npm run bench`: daily buckets with gap fill per account, computed by the database
 * (`bucketTotals`) vs fetched as running-total rows and bucketed in JavaScript (what a user would write without
 * it; results compared), and `balanceAsOf` early vs late in the largest account's history.
 */
import { Prisma, type PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { medianOf } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';

const DAY = 86_400_000;

interface DayBucket {
  readonly account: number;
  readonly day: number;
  readonly count: number;
  readonly sum: Prisma.Decimal;
  readonly balance: Prisma.Decimal;
}

/** Running-total rows bucketed by UTC day in JavaScript, every day of [from, to) per account (gap fill). */
function bucketInJs(rows: readonly { accountId: number; createdAt: Date; amount: Prisma.Decimal | null; runningTotal: Prisma.Decimal }[], accounts: readonly number[], from: number, to: number): DayBucket[] {
  const byAccount = new Map<number, typeof rows[number][]>();
  for (const row of rows) (byAccount.get(row.accountId) ?? byAccount.set(row.accountId, []).get(row.accountId)!).push(row);
  const out: DayBucket[] = [];
  for (const account of [...accounts].sort((a, b) => a - b)) {
    const mine = byAccount.get(account) ?? [];
    let i = 0;
    let balance = new Prisma.Decimal(0);
    for (let day = from; day < to; day += DAY) {
      let count = 0;
      let sum = new Prisma.Decimal(0);
      while (i < mine.length && mine[i]!.createdAt.getTime() < day + DAY) {
        count++;
        if (mine[i]!.amount !== null) sum = sum.plus(mine[i]!.amount!);
        balance = mine[i]!.runningTotal;
        i++;
      }
      out.push({ account, day, count, sum, balance });
    }
  }
  return out;
}

export async function timeBuckets(
  ctx: { readonly prisma: PrismaClient; readonly repeat: number },
  accounts: number[],
  largest: { id: number; rows: number },
): Promise<SectionResult> {
  const repo = new TransactionRepository(ctx.prisma);
  const [span] = await ctx.prisma.$queryRaw<Array<{ first: Date; last: Date }>>`
    SELECT min("createdAt") AS first, max("createdAt") AS last FROM "Transaction"`;
  const from = Math.floor(span!.first.getTime() / DAY) * DAY;
  const to = Math.floor(span!.last.getTime() / DAY) * DAY + DAY;
  const range = { from: new Date(from), to: new Date(to) };
  const options = { partitions: accounts, bucket: 'day' as const, carry: false, ...range };

  await repo.bucketTotals(options); // warm-up
  const sql = await medianOf(ctx.repeat, () => repo.bucketTotals(options));
  const js = await medianOf(ctx.repeat, async () => bucketInJs(await repo.runningTotals({ partitions: accounts, ...range }), accounts, from, to));
  const same =
    sql.result.length === js.result.length &&
    sql.result.every((b, i) => {
      const o = js.result[i]!;
      return b.key === o.account && b.bucketStart.getTime() === o.day && Number(b.count) === o.count && b.sum.equals(o.sum) && b.runningTotal.equals(o.balance);
    });
  if (!same) throw new Error('bucketTotals disagrees with running totals bucketed in JavaScript: benchmark data or code is wrong');

  // balanceAsOf early and late in the largest account's history.
  const at = async (share: number) => {
    const [row] = await ctx.prisma.$queryRaw<Array<{ createdAt: Date }>>`
      SELECT "createdAt" FROM "Transaction" WHERE "accountId" = ${largest.id} ORDER BY "createdAt", id OFFSET ${Math.floor(largest.rows * share)} LIMIT 1`;
    return row!.createdAt;
  };
  const early = await at(0.1);
  const late = await at(0.9);
  const balances = async () => {
    await repo.balanceAsOf({ partitions: [largest.id], at: late }); // warm-up
    return {
      early: await medianOf(ctx.repeat, () => repo.balanceAsOf({ partitions: [largest.id], at: early })),
      late: await medianOf(ctx.repeat, () => repo.balanceAsOf({ partitions: [largest.id], at: late })),
    };
  };
  // Without stored checkpoints the balance sums the index range before `at`; then with one checkpoint per day
  // (what a nightly writeCheckpoints job leaves), it adds the rows after the day's checkpoint.
  await ctx.prisma.$executeRaw`DELETE FROM transaction_checkpoints`;
  const summed = await balances();
  const startOfDay = (time: number) => Math.floor(time / DAY) * DAY;
  const nights: Date[] = [];
  for (let night = startOfDay(span!.first.getTime()) + DAY; night <= span!.last.getTime(); night += DAY) nights.push(new Date(night));
  const writing = performance.now();
  let written = 0;
  for (const through of nights) written += (await repo.writeCheckpoints({ through, timeoutMs: 600_000 })).written;
  const writeMs = performance.now() - writing;
  const checkpointed = await balances();
  const agree = summed.early.result[0]!.balance.equals(checkpointed.early.result[0]!.balance) && summed.late.result[0]!.balance.equals(checkpointed.late.result[0]!.balance);
  if (!agree) throw new Error('balanceAsOf from checkpoints disagrees with the summed balance: benchmark data or code is wrong');

  const section = 'buckets';
  const days = (to - from) / DAY;
  const measurements: Measurement[] = [
    { section, what: `bucketTotals, ${accounts.length} accounts × ${days} days (gap fill, SQL)`, rows: sql.result.length, ms: sql.ms },
    { section, what: 'runningTotals rows bucketed in JavaScript (Decimal sums, gap fill)', rows: js.result.length, ms: js.ms, detail: 'results identical' },
    { section, what: `balanceAsOf at 10% of account ${largest.id} (${largest.rows.toLocaleString('en-US')} rows), no checkpoints`, rows: 1, ms: summed.early.ms },
    { section, what: 'balanceAsOf at 90% of the same account, no checkpoints', rows: 1, ms: summed.late.ms },
    { section, what: `writeCheckpoints, one per night (${nights.length} nights, every account)`, rows: written, ms: writeMs },
    { section, what: 'balanceAsOf at 10%, from the night\'s checkpoint', rows: 1, ms: checkpointed.early.ms },
    { section, what: 'balanceAsOf at 90%, from the night\'s checkpoint', rows: 1, ms: checkpointed.late.ms, detail: 'balances identical' },
  ];
  const summedRatio = summed.late.ms / summed.early.ms;
  const lateRatio = checkpointed.late.ms / checkpointed.early.ms;
  const ratios: Ratio[] = [
    { section, name: 'rows + JavaScript bucketing time / bucketTotals time', value: js.ms / sql.ms, unit: 'x' },
    {
      section,
      name: 'balanceAsOf at 90% / at 10% of a history, no checkpoints (for comparison)',
      value: summedRatio,
      unit: 'x',
    },
    {
      section,
      name: 'balanceAsOf at 90% / at 10% of a history, with nightly checkpoints',
      value: lateRatio,
      unit: 'x',
      goal: {
        text: '≈ 1x (does not grow with history)',
        met: lateRatio <= 1.5,
        ...(lateRatio > 1.5 && { why: 'the rows after the nearest checkpoint differ between the two instants (a busier day)' }),
      },
    },
  ];
  return { measurements, ratios };
}
