/**
 * `npm run demo`: the library end to end on a throwaway database (see USAGE). The data set is written with
 * `createMany` inside one `$transaction` per table, as an application's own Prisma code would write it.
 */
import { SalesRecordRepository, TransactionRepository } from '../prisma/app/index.ts';
import { verboseOnly } from './lib/cli/args.ts';
import { runCli } from './lib/cli/run.ts';
import { demoSales, demoTransactions } from './lib/demo-data.ts';
import { formatTable } from './lib/format-table.ts';
import { provisionPostgres } from './lib/postgres/provision.ts';
import { createScratchDatabase, type ScratchDatabase } from './lib/scratch-database.ts';

const USAGE = `
Usage: npm run demo -- [options]

Starts PostgreSQL (DATABASE_URL's server, else a Docker engine if one answers, else an embedded PostgreSQL),
creates a scratch database, applies the migrations, writes a small fixed data set and prints running totals;
then drops the scratch database and stops what it started.

Options:
  --verbose   show how PostgreSQL was found or started, and its server log
  -h, --help  show this help

Exit codes: 0 done · 1 failed · 2 bad arguments · 130 interrupted.
`;

const say = (line = '') => process.stdout.write(`${line}\n`);
const day = (date: Date) => date.toISOString().slice(0, 10);
const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

async function demo({ verbose }: { verbose: boolean }): Promise<void> {
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
    // Two transactions at once: on a busy machine, opening the second connection can take longer than Prisma's
    // default wait of 2 s for one.
    const seeded = await Promise.all([
      transactions.insertMany(demoTransactions, { strategy: 'createMany', maxWaitMs: 60_000 }),
      sales.insertMany(demoSales, { strategy: 'createMany', maxWaitMs: 60_000 }),
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
  // A server given by DATABASE_URL is the user's: left running (its `stop` does nothing).
  say(`\nDone: scratch database dropped, ${server.kind === 'external' ? 'PostgreSQL from DATABASE_URL left running' : 'PostgreSQL stopped'}.`);
}

runCli('demo', verboseOnly(USAGE), demo, { stack: true });
