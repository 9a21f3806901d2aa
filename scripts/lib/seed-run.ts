/** The work of `npm run seed` once its arguments are valid (loaded lazily: --help and bad arguments stay fast). */
import { vacuumAllVisible } from './all-visible.ts';
import {
  SalesRecordRepository,
  TransactionRepository,
  type NewSalesRecord,
  type NewTransaction,
} from '../../prisma/app/index.ts';
import { stderrLine } from './cli/run.ts';
import { openScriptDatabase } from './script-database.ts';
import type { SeedArgs } from './seed-args.ts';
import { seedTable, type SeedOutcome, type SeedState } from './seed-table.ts';
import { salesRecordAt, salesRecordRows } from './synthetic/sales.ts';
import { transactionAt, transactionRows } from './synthetic/transactions.ts';

const count = (n: number): string => n.toLocaleString('en-US');

function describeOutcome(o: SeedOutcome): string {
  if (o.written === 0) return `${o.label}: already complete (${count(o.existing)} rows)`;
  const resumed = o.existing > 0 ? `, continuing after ${count(o.existing)} existing rows` : '';
  const rate = o.seconds > 0 ? Math.round(o.written / o.seconds) : 0;
  return `${o.label}: wrote ${count(o.written)} rows in ${o.chunks} chunks${resumed}, ${o.seconds.toFixed(1)} s (${count(rate)} rows/s)`;
}

export async function seed(args: SeedArgs): Promise<number> {
  const state: SeedState = {};
  const db = await openScriptDatabase({
    log: args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined,
    onInterrupt: () => {
      state.stopProgress?.();
      if (state.label === undefined) return;
      stderrLine(`\nInterrupted: ${state.label} has ${count(state.committed ?? 0)} of ${count(state.total ?? 0)} rows ` +
        '(whole chunks only; the chunk in flight is rolled back). ' +
        // With --reset the same command would empty the tables again: continuing means leaving it out.
        (args.reset ? 'Run it again without --reset to continue.' : 'Run the same command again to continue.'));
    },
  });
  try {
    process.stdout.write(`Database: ${db.description}\n`);
    if (args.reset) {
      await db.prisma.$executeRaw`TRUNCATE TABLE "public"."Transaction", "public"."SalesRecord" RESTART IDENTITY`;
      process.stdout.write('Reset: Transaction and SalesRecord emptied.\n');
    }
    const transactions = new TransactionRepository(db.prisma);
    const sales = new SalesRecordRepository(db.prisma);
    const txShape = { seed: args.seed, total: args.transactions, accounts: args.accounts };
    const salesShape = { seed: args.seed, total: args.sales, regions: args.regions };

    if (args.transactions > 0) {
      const outcome = await seedTable<NewTransaction>({
        label: 'transactions',
        table: 'Transaction',
        total: args.transactions,
        chunkRows: args.chunkRows,
        count: () => db.prisma.transaction.count(),
        async lastRowMatches(index) {
          const last = await db.prisma.transaction.findFirst({ orderBy: { id: 'desc' }, select: { accountId: true, amount: true, createdAt: true } });
          const expected = transactionAt(txShape, index);
          return (
            last !== null &&
            last.accountId === expected.accountId &&
            last.createdAt.getTime() === expected.createdAt.getTime() &&
            (last.amount === null ? expected.amount === null : expected.amount !== null && last.amount.equals(String(expected.amount)))
          );
        },
        rowsBetween: (from, to) => transactionRows(txShape, from, to),
        insert: (rows) => transactions.insertMany(rows),
      }, state);
      process.stdout.write(`${describeOutcome(outcome)}\n`);
    }

    if (args.sales > 0) {
      const outcome = await seedTable<NewSalesRecord>({
        label: 'sales',
        table: 'SalesRecord',
        total: args.sales,
        chunkRows: args.chunkRows,
        count: () => db.prisma.salesRecord.count(),
        async lastRowMatches(index) {
          const last = await db.prisma.salesRecord.findFirst({ orderBy: { id: 'desc' }, select: { region: true, saleDate: true, revenue: true } });
          const expected = salesRecordAt(salesShape, index);
          return (
            last !== null &&
            last.region === expected.region &&
            last.saleDate.getTime() === expected.saleDate.getTime() &&
            last.revenue.equals(String(expected.revenue))
          );
        },
        rowsBetween: (from, to) => salesRecordRows(salesShape, from, to),
        insert: (rows) => sales.insertMany(rows),
      }, state);
      process.stdout.write(`${describeOutcome(outcome)}\n`);
    }
    // Fresh statistics and visibility map, so the planner (and `npm run explain`) sees the new volume right away, and
    // windows read the covering index alone, not after autovacuum.
    await vacuumAllVisible((sql) => db.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql), ['"Transaction"', '"SalesRecord"']);
    return 0;
  } finally {
    await db.close();
  }
}
