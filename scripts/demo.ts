/**
 * `npm run demo`: starts PostgreSQL (embedded unless DATABASE_URL is set or a Docker engine answers), creates a
 * scratch database, applies the Prisma migrations, seeds a small fixed data set with `createMany` inside one
 * `$transaction`, prints running totals, then drops the scratch database and stops what it started.
 */
import { SalesRecordRepository, TransactionRepository } from '../src/index.ts';
import { demoSales, demoTransactions } from './lib/demo-data.ts';
import { formatTable } from './lib/format-table.ts';
import { provisionPostgres } from './lib/postgres/provision.ts';
import { createScratchDatabase, type ScratchDatabase } from './lib/scratch-database.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);
const day = (date: Date) => date.toISOString().slice(0, 10);
const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

async function main(): Promise<void> {
  // `--verbose` shows how PostgreSQL was found or started, and its server log.
  const verbose = process.argv.includes('--verbose');
  const server = await provisionPostgres(verbose ? { log: (line) => process.stderr.write(`[postgres] ${line}\n`) } : {});
  let db: ScratchDatabase | undefined;
  try {
    say(`PostgreSQL ${server.version ?? ''} (${server.kind})`);
    db = await createScratchDatabase(server.url, 'demo');
    say(`Applied migrations: ${db.applied.join(', ')}`);

    const { prisma } = db;
    const transactions = new TransactionRepository(prisma);
    const sales = new SalesRecordRepository(prisma);
    // createMany, as an application's own Prisma code would write; bulk loads default to the faster unnest insert.
    const seeded = await Promise.all([
      transactions.insertMany(demoTransactions, { strategy: 'createMany' }),
      sales.insertMany(demoSales, { strategy: 'createMany' }),
    ]);
    say(`Seeded ${seeded[0].inserted} transactions and ${seeded[1].inserted} sales (${seeded[0].strategy} insert in one $transaction each).`);

    say('\nRunning revenue per region (ROWS frame: same-day sales accumulate in id order)');
    const revenue = await sales.runningTotals();
    say(formatTable(
      ['region', 'sale date', 'id', 'revenue', 'running total'],
      revenue.map((r) => [r.region, day(r.saleDate), String(r.id), r.revenue.toFixed(2), r.runningTotal.toFixed(2)]),
    ));

    say('\nRunning balance per account (NULL amount = pending, adds nothing)');
    const balances = await transactions.runningTotals();
    say(formatTable(
      ['account', 'created at (UTC)', 'id', 'amount', 'balance'],
      balances.map((r) => [String(r.accountId), minute(r.createdAt), String(r.id), r.amount?.toFixed(2) ?? 'NULL', r.runningTotal.toFixed(2)]),
    ));

    say("\nSame balances with frame 'range': rows with equal timestamps share one total");
    const peers = await transactions.runningTotals({ frame: 'range', partitions: [1001, 2002] });
    say(formatTable(
      ['account', 'created at (UTC)', 'id', 'amount', 'balance'],
      peers.map((r) => [String(r.accountId), minute(r.createdAt), String(r.id), r.amount?.toFixed(2) ?? 'NULL', r.runningTotal.toFixed(2)]),
    ));
  } finally {
    await db?.drop().catch(() => {});
    await server.stop();
  }
  say('\nDone: scratch database dropped, PostgreSQL stopped.');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
