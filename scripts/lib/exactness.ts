/**
 * Exactness at scale, shared by test/integration/exactness.test.ts and scripts/exactness.ts: a seeded ledger of
 * 2-decimal amounts (duplicate timestamps, NULLs, many partitions, magnitudes up to the column's limit), the stored
 * rows read back, and a row-by-row comparison of running totals against the bigint-cents reference.
 */
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { TransactionRepository, type NewTransaction } from '../../src/index.ts';
import { seededRandom } from './seeded-random.ts';
import { centsToString, referenceRunningTotals, type LedgerRow } from './reference.ts';

export interface LedgerShape {
  readonly rows: number;
  readonly seed: number;
  /** Distinct accounts. Default rows / 100, at least 1. */
  readonly partitions?: number;
  /** Distinct timestamps. Default rows / 40 (so ~40 rows share each timestamp). */
  readonly timestamps?: number;
}

/**
 * Amounts: mostly everyday values, some near the numeric(14, 2) limit. Account 1 is a "whale" (5% of all rows,
 * mostly large deposits), so its running total passes 10^14, where float64 (about 15.9 significant digits) can no
 * longer hold every cent.
 */
export function generateLedger(shape: LedgerShape): NewTransaction[] {
  return [...ledgerSlices(shape, shape.rows)].flat();
}

/** The same ledger as `generateLedger`, in slices of `sliceRows` (for sizes that should not sit in memory at once). */
export function* ledgerSlices(shape: LedgerShape, sliceRows: number): Generator<NewTransaction[]> {
  const random = seededRandom(shape.seed);
  const partitions = shape.partitions ?? Math.max(1, Math.floor(shape.rows / 100));
  const timestamps = shape.timestamps ?? Math.max(1, Math.floor(shape.rows / 40));
  const base = Date.UTC(2026, 0, 1);
  for (let start = 0; start < shape.rows; start += sliceRows) {
    const count = Math.min(sliceRows, shape.rows - start);
    const rows: NewTransaction[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const roll = random();
      const whale = random() < 0.05;
      let cents: bigint | null;
      if (whale) cents = BigInt(Math.floor(random() * 1e14)) - 10_000_000_000_000n;
      else if (roll < 0.02) cents = null;
      else if (roll < 0.12) cents = BigInt(Math.floor(random() * 1e14)) - 30_000_000_000_000n; // up to ±999,999,999,999.99
      else cents = BigInt(Math.floor(random() * 2_000_000)) - 500_000n; // -5,000.00 .. 15,000.00
      rows[i] = {
        accountId: whale ? 1 : 1 + Math.floor(random() * partitions),
        amount: cents === null ? null : centsToString(cents),
        createdAt: new Date(base + Math.floor(random() * timestamps) * 1_000),
      };
    }
    yield rows;
  }
}

/** Inserts in batches of at most `batch` rows per call (fast strategy), returns rows/s. */
export async function insertLedger(prisma: PrismaClient, rows: readonly NewTransaction[], batch = 500_000): Promise<number> {
  const repo = new TransactionRepository(prisma);
  const start = performance.now();
  for (let i = 0; i < rows.length; i += batch) {
    await repo.insertMany(rows.slice(i, i + batch), { strategy: 'unnest', timeoutMs: 600_000 });
  }
  return rows.length / ((performance.now() - start) / 1000);
}

/** The stored ledger (ids assigned by the database), amounts as exact cents. */
export async function storedLedger(prisma: PrismaClient, accounts?: readonly number[]): Promise<LedgerRow[]> {
  const filter = accounts ? Prisma.sql`WHERE "accountId" = ANY(${accounts}::int4[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<Array<{ id: bigint; accountId: number; cents: bigint | null; time: Date }>>`
    SELECT id, "accountId", ("amount" * 100)::int8 AS cents, "createdAt" AS time FROM "Transaction" ${filter}`;
  return rows.map((r) => ({ id: r.id, key: r.accountId, time: r.time.getTime(), cents: r.cents }));
}

/** Running totals to check: `[id, total as printed]` per row. */
export type TotalsById = ReadonlyMap<bigint, string>;

/** Rows whose total differs from the exact reference (compared as exact decimal text, 2 places). */
export function countMismatches(ledger: readonly LedgerRow[], actual: TotalsById): { mismatches: number; checked: number; first?: string } {
  const expected = referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' });
  let mismatches = 0;
  let first: string | undefined;
  for (const row of expected) {
    const want = centsToString(row.total);
    const got = actual.get(row.id);
    if (got !== want) {
      mismatches += 1;
      first ??= `id ${row.id} (account ${row.key}): expected ${want}, got ${got}`;
    }
  }
  if (actual.size !== expected.length) mismatches += Math.abs(actual.size - expected.length);
  return { mismatches, checked: expected.length, ...(first !== undefined && { first }) };
}

/** What the repository returns, as `[id, total.toFixed(2)]`. */
export async function repositoryTotals(prisma: PrismaClient, accounts?: readonly number[]): Promise<Map<bigint, string>> {
  const rows = await new TransactionRepository(prisma).runningTotals(accounts ? { partitions: accounts } : undefined);
  return new Map(rows.map((r) => [r.id, r.runningTotal.toFixed(2)]));
}

/**
 * A deliberately wrong implementation: the same running totals summed in float64 (`Number(amount)`). `'raw'` prints
 * the float as JavaScript does (`2379.5499999999997`); `'toFixed'` rounds it to cents the way a careful float-based
 * report would. The exactness check must catch both.
 */
export function floatSummedTotals(ledger: readonly LedgerRow[], print: 'raw' | 'toFixed' = 'toFixed'): Map<bigint, string> {
  const sorted = [...ledger].sort((a, b) =>
    a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.time !== b.time ? a.time - b.time : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const totals = new Map<string | number, number>();
  const out = new Map<bigint, string>();
  for (const row of sorted) {
    const amount = row.cents === null ? 0 : Number(centsToString(row.cents));
    const total = (totals.get(row.key) ?? 0) + amount;
    totals.set(row.key, total);
    out.set(row.id, print === 'raw' ? String(total) : total.toFixed(2));
  }
  return out;
}
