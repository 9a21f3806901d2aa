import type { Prisma, Transaction } from '../generated/prisma/client.ts';
import { requireDate } from '../validation/dates.ts';
import { requireDecimal, type DecimalInput } from '../validation/decimal.ts';
import { optionalText, requireInt4 } from '../validation/keys.ts';
import { requireOptions } from '../validation/batch.ts';
import { decimalColumnOf, textLengthOf } from '../window/catalog.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { RunningTotalRepository, type RunningTotalModel } from './running-total-repository.ts';

/** A ledger entry to insert. `amount: null` is a pending entry (see the NULL policy of running totals). */
export interface NewTransaction {
  readonly accountId: number;
  readonly amount: DecimalInput | null;
  readonly createdAt: Date;
  /** Idempotency key (at most 128 characters): a row whose key is already stored is skipped, not written again. */
  readonly externalId?: string | null;
}

type TransactionData = Prisma.TransactionCreateManyInput & { accountId: number; createdAt: Date };

const AMOUNT = decimalColumnOf('Transaction', 'amount');
const EXTERNAL_ID_LENGTH = textLengthOf('Transaction', 'externalId');

function requireTransaction(path: string, value: unknown): TransactionData {
  const row = requireOptions(path, value, ['accountId', 'amount', 'createdAt', 'externalId']);
  return {
    accountId: requireInt4(`${path}.accountId`, row.accountId),
    amount: row.amount === null ? null : requireDecimal(`${path}.amount`, row.amount, AMOUNT),
    createdAt: requireDate(`${path}.createdAt`, row.createdAt),
    externalId: optionalText(`${path}.externalId`, row.externalId, EXTERNAL_ID_LENGTH),
  };
}

// Checked once, when the module loads: a definition that cannot work (e.g. a `select` without the keys streams
// resume by) fails before any repository exists.
const DEFINITION = requireModelDefinition<'Transaction', number, TransactionData>({
  model: 'Transaction',
  partitionBy: 'accountId',
  orderBy: 'createdAt',
  amount: 'amount',
  select: ['id', 'accountId', 'amount', 'createdAt'],
  requireKey: requireInt4,
  requireBound: requireDate,
  requireRow: requireTransaction,
  keyOf: (row) => row.accountId,
  insertFields: ['accountId', 'amount', 'createdAt', 'externalId'],
  idempotencyKey: 'externalId',
  createMany: (tx, data) => tx.transaction.createMany({ data, skipDuplicates: true }),
});

/**
 * Running balances over the `Transaction` ledger: per account (`runningTotals`) or across all accounts
 * (`globalRunningTotals`), ordered by `createdAt, id`, backed by the indexes `(accountId, createdAt, id)` and
 * `(createdAt, id)`. `partitions` are account ids.
 *
 * ```ts
 * const repo = new TransactionRepository(prisma);
 * const rows = await repo.runningTotals({ partitions: [42], from: new Date('2026-01-01') });
 * rows[0].runningTotal; // Prisma.Decimal
 * ```
 */
export class TransactionRepository extends RunningTotalRepository<
  'Transaction',
  Transaction,
  NewTransaction,
  number,
  TransactionData
> {
  protected readonly definition: RunningTotalModel<'Transaction', number, TransactionData> = DEFINITION;
}
