/** Deterministic client-side rows for the insert benchmarks (npm run bench, npm run bench:ingest). */
import type { NewTransaction } from '../../../src/index.ts';

/**
 * `count` ledger rows for batch `seed`: 1000 accounts round-robin, amounts spread over [-5000, 15000) with exact
 * two-decimal strings, every 100th amount NULL, three rows per second (duplicate timestamps), unique externalIds.
 */
export function benchTransactions(count: number, seed: number): NewTransaction[] {
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const cents = ((i * 7919 + seed * 104_729) % 2_000_000) - 500_000;
    return {
      accountId: 1 + ((i * 31 + seed) % 1000),
      amount: i % 100 === 0 ? null : `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`,
      createdAt: new Date(base + Math.floor(i / 3) * 1000),
      externalId: `bench-${seed}-${i}`,
    };
  });
}
