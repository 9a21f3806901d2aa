/**
 * Transaction rows in the shape of a skewed, append-only production ledger (`npm run seed`, the insert benchmarks):
 * accounts follow a power law (account = 1 + ⌊accounts·u²⌋: account 1 gets ~3% of all rows at 1,000 accounts, the
 * last ~0.05%), timestamps rise through 2026 in row order with ~5% of rows sharing the previous row's timestamp,
 * ~1% NULL (pending) amounts, ~12% refunds (negative); amounts are log-uniform 1.00–5,000.00.
 */
import type { NewTransaction } from '../../../prisma/app/index.ts';
import { centsToDecimal } from './decimal-text.ts';
import { rowsBetween } from './rows.ts';
import { STREAMS, uniform } from './uniform.ts';

const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_DAYS = 365;
const DAY_MS = 86_400_000;

export interface TransactionShape {
  readonly seed: number;
  /** Total rows of the full data set (timestamps are spread over 2026 by row / total). */
  readonly total: number;
  readonly accounts: number;
  /** When set, row `i` gets the idempotency key `<externalIds>-<i>` (unique per prefix). */
  readonly externalIds?: string;
}

/** Second-resolution timestamp of row `i` before duplicates: rises through the year. */
const baseTime = (i: number, total: number): number =>
  YEAR_START + Math.floor((i * YEAR_DAYS * DAY_MS) / total / 1000) * 1000;

export function transactionAt(shape: TransactionShape, i: number): NewTransaction {
  const u = (draw: number) => uniform(shape.seed, STREAMS.transactions, i, draw);
  const duplicate = i > 0 && u(0) < 0.05;
  const createdAt = new Date(baseTime(duplicate ? i - 1 : i, shape.total));
  const accountId = 1 + Math.floor(shape.accounts * u(1) ** 2);
  const key = shape.externalIds === undefined ? {} : { externalId: `${shape.externalIds}-${i}` };
  if (u(2) < 0.01) return { accountId, amount: null, createdAt, ...key };
  const cents = Math.floor(100 * 5000 ** u(3)); // 1.00 … 5,000.00, log-uniform
  return { accountId, amount: centsToDecimal(u(4) < 0.12 ? -cents : cents), createdAt, ...key };
}

/** Rows [from, to) of the data set (the whole of it by default). */
export function transactionRows(shape: TransactionShape, from = 0, to = shape.total): NewTransaction[] {
  return rowsBetween((i) => transactionAt(shape, i), from, to);
}
