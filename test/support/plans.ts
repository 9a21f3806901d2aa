/** Running-total plans as the repositories build them, for unit tests of the statements compiled from them. */
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';

/** The Transaction ledger's plan: per account, by createdAt, NULL amounts as zero, ROWS; every account. */
export const TRANSACTION_PLAN: RunningTotalPlan<'Transaction'> = {
  model: 'Transaction',
  partitionBy: ['accountId'],
  orderBy: 'createdAt',
  amount: 'amount',
  select: ['id', 'accountId', 'amount', 'createdAt'],
  nulls: 'zero',
  frame: 'rows',
};
