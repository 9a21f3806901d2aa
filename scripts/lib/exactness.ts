/**
 * Exactness at scale, shared by test/integration/exactness.test.ts and scripts/exactness.ts: the seeded stress
 * ledger (synthetic/stress-ledger.ts) inserted, the stored rows read back, and a row-by-row comparison of running
 * totals against the bigint-cents reference.
 */
import { Prisma, type PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { centsToString, referenceRunningTotals, type LedgerRow } from './reference.ts';

/** The whole ledger in memory, for test-sized runs. */
export { stressLedgerRows as generateLedger } from './synthetic/stress-ledger.ts';

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
    SELECT id, "accountId", ("amount" * 100)::int8 AS cents, "createdAt" AS time FROM "public"."Transaction" ${filter}`;
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
