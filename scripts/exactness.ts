/**
 * `npm run exactness`: every running total of a large seeded stress ledger against the exact bigint-cents
 * reference; exit 1 on any repository mismatch. See `npm run exactness -- --help` (lib/exactness-args.ts).
 */
import { runCli, stderrLine } from './lib/cli/run.ts';
import {
  countMismatches,
  floatSummedTotals,
  insertLedger,
  repositoryTotals,
  storedLedger,
} from './lib/exactness.ts';
import { parseExactnessArgs, type ExactnessArgs } from './lib/exactness-args.ts';
import { withScratchDatabase } from './lib/scratch-database.ts';
import { stressLedgerRows } from './lib/synthetic/stress-ledger.ts';

/** Rows per insertMany call, and so the most rows held in memory while inserting. */
const SLICE_ROWS = 500_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en');

async function exactness({ rows, seed, group, verbose }: ExactnessArgs): Promise<number> {
  return withScratchDatabase('exactness', async ({ prisma }) => {
    const t0 = performance.now();
    for (let from = 0; from < rows; from += SLICE_ROWS) {
      const to = Math.min(rows, from + SLICE_ROWS);
      await insertLedger(prisma, stressLedgerRows({ rows, seed }, from, to), SLICE_ROWS);
      stderrLine(`  inserted ${count(to)} / ${count(rows)}`);
    }
    const insertMs = performance.now() - t0;

    const accounts = (await prisma.$queryRaw<Array<{ accountId: number }>>`SELECT DISTINCT "accountId" FROM "public"."Transaction" ORDER BY 1`).map(
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
        `rows ${count(rows)}, seed ${seed}, accounts ${count(accounts.length)}`,
        `insert (unnest, ${count(Math.min(SLICE_ROWS, rows))} rows per call): ${seconds(insertMs)} (${count(Math.round(rows / (insertMs / 1000)))} rows/s)`,
        `running totals checked: ${count(checked)} in ${seconds(checkMs)}`,
        `mismatches: ${mismatches}${first ? ` (first: ${first})` : ''}`,
        `float64-summed copy, same check: ${count(floatMismatches)} mismatches (the check catches float bugs)`,
      ].join('\n') + '\n',
    );
    return mismatches === 0 && checked === rows ? 0 : 1;
  }, { verbose });
}

runCli('exactness', parseExactnessArgs, exactness);
