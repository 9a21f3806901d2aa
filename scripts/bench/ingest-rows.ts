/**
 * Rows for the insert benchmarks (npm run bench's ingest section, npm run bench:ingest): the seed data's
 * Transaction shape (synthetic/transactions.ts) over 1,000 accounts, each row with an idempotency key, so every
 * insert also maintains the unique externalId index as a real ledger's would. Batch `seed` has its own keys.
 */
import type { NewTransaction } from '../../prisma/app/index.ts';
import { transactionRows } from '../lib/synthetic/transactions.ts';

export const benchRows = (count: number, seed: number): NewTransaction[] =>
  transactionRows({ seed, total: count, accounts: 1_000, externalIds: `bench-${seed}` });

/**
 * The same rows with random idempotency keys shaped like UUIDs (what many applications use), reproducible from
 * `seed`: the key order a batch is written in costs more for them than for the sequential keys above.
 */
export function benchRowsWithRandomKeys(count: number, seed: number): NewTransaction[] {
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  // xorshift32: fast, and the same keys on every machine for a seed.
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state.toString(16).padStart(8, '0');
  };
  return benchRows(count, seed).map((row) => {
    const hex = next() + next() + next() + next();
    return { ...row, externalId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
  });
}
