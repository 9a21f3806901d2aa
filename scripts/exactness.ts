// npm run exactness -- [--rows 1000000] [--seed 1] [--group 500]
// Inserts a seeded ledger with the fast strategy (unnest) into a scratch database (DATABASE_URL's server, or a
// temporary embedded PostgreSQL), then checks every running total against the exact bigint-cents reference,
// account group by account group (memory stays bounded by the group), and the same check on a float64-summed copy.
// Prints mismatches (0 expected for the repository) and timings. Exit code 1 on any repository mismatch.
import { parseCli, runCli, say } from './lib/db-cli.ts';
import {
  countMismatches,
  floatSummedTotals,
  insertLedger,
  ledgerSlices,
  repositoryTotals,
  storedLedger,
} from './lib/exactness.ts';
import { withScratchDatabase } from './lib/scratch-database.ts';

const USAGE = `
Usage: npm run exactness -- [--rows 1000000] [--seed 1] [--group 500]

  --rows   ledger size (default 1,000,000); ~100 rows per account, ~40 rows per timestamp, 2% NULL amounts
  --seed   generator seed (default 1); the same seed gives the same ledger
  --group  accounts checked per query (default 500)
`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

runCli(async () => {
  const args = parseCli(USAGE, { rows: { type: 'string' }, seed: { type: 'string' }, group: { type: 'string' } });
  const rows = Number(args.rows ?? 1_000_000);
  const seed = Number(args.seed ?? 1);
  const group = Number(args.group ?? 500);
  if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(seed) || !Number.isSafeInteger(group) || group < 1) {
    say(`error: --rows, --seed and --group must be integers\n${USAGE}`);
    return 2;
  }
  return withScratchDatabase('exactness', async ({ prisma }) => {
    const shape = { rows, seed };
    const t0 = performance.now();
    let inserted = 0;
    for (const slice of ledgerSlices(shape, 500_000)) {
      await insertLedger(prisma, slice, 500_000);
      inserted += slice.length;
      say(`  inserted ${inserted.toLocaleString('en')} / ${rows.toLocaleString('en')}`);
    }
    const insertMs = performance.now() - t0;

    const accounts = (await prisma.$queryRaw<Array<{ accountId: number }>>`SELECT DISTINCT "accountId" FROM "Transaction" ORDER BY 1`).map(
      (r) => r.accountId,
    );
    let checked = 0;
    let mismatches = 0;
    let floatMismatches = 0;
    let first: string | undefined;
    const t1 = performance.now();
    for (let i = 0; i < accounts.length; i += group) {
      const ids = accounts.slice(i, i + group);
      const ledger = await storedLedger(prisma, ids);
      const result = countMismatches(ledger, await repositoryTotals(prisma, ids));
      checked += result.checked;
      mismatches += result.mismatches;
      first ??= result.first;
      floatMismatches += countMismatches(ledger, floatSummedTotals(ledger)).mismatches;
    }
    const checkMs = performance.now() - t1;
    process.stdout.write(
      [
        `rows ${rows.toLocaleString('en')}, seed ${seed}, accounts ${accounts.length.toLocaleString('en')}`,
        `insert (unnest, 500k rows per call): ${seconds(insertMs)} (${Math.round(rows / (insertMs / 1000)).toLocaleString('en')} rows/s)`,
        `running totals checked: ${checked.toLocaleString('en')} in ${seconds(checkMs)}`,
        `mismatches: ${mismatches}${first ? ` (first: ${first})` : ''}`,
        `float64-summed copy, same check: ${floatMismatches.toLocaleString('en')} mismatches (the check catches float bugs)`,
      ].join('\n') + '\n',
    );
    return mismatches === 0 && checked === rows ? 0 : 1;
  });
});
