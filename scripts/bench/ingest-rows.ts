/**
 * Rows for the insert benchmarks (npm run bench's ingest section, npm run bench:ingest): the seed data's
 * Transaction shape (synthetic/transactions.ts) over 1,000 accounts, each row with an idempotency key, so every
 * insert also maintains the unique externalId index as a real ledger's would. Batch `seed` has its own keys.
 */
import type { NewTransaction } from '../../prisma/app/index.ts';
import { transactionRows } from '../lib/synthetic/transactions.ts';

export const benchRows = (count: number, seed: number): NewTransaction[] =>
  transactionRows({ seed, total: count, accounts: 1_000, externalIds: `bench-${seed}` });
