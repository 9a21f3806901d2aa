import '../generated/window-ledger.ts';
import { defineRunningTotalRepository } from '../../src/index.ts';
import type { InputOf } from '../../src/index.ts';

/**
 * Running balances over the `Transaction` ledger: per account (`runningTotals`) or across all accounts
 * (`globalRunningTotals`), ordered by `createdAt, id`, backed by the indexes `(accountId, createdAt, id, amount)`
 * (covering: per-account windows read the index alone) and `(createdAt, id)`. `partitions` are account ids; `externalId` (`String? @unique`) is the idempotency key.
 * Rows come back without `externalId`: the select is narrowed on purpose (the ledger's columns, not its keys).
 * Balances of given accounts read the latest `TransactionCheckpoint` plus the rows after it (`writeCheckpoints`).
 *
 * ```ts
 * const repo = new TransactionRepository(prisma);
 * const rows = await repo.runningTotals({ partitions: [42], from: new Date('2026-01-01') });
 * rows[0].runningTotal; // Prisma.Decimal
 * ```
 */
export class TransactionRepository extends defineRunningTotalRepository('Transaction', {
  partitionBy: 'accountId',
  orderBy: 'createdAt',
  amount: 'amount',
  select: ['id', 'accountId', 'amount', 'createdAt'],
  checkpoints: 'TransactionCheckpoint',
}) {}

/**
 * A ledger entry to insert: `{ accountId, amount, createdAt, externalId? }`. `amount: null` is a pending entry
 * (see the NULL policy of running totals); `externalId` (at most 128 characters) makes a retry skip the row.
 */
export type NewTransaction = InputOf<TransactionRepository>;
