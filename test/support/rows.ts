/**
 * Input rows for tests: a plain ledger whose row `i` is known by heart, and seeded random batches whose draws replay
 * from their seed. Random ledgers for properties (fast-check) are in ledger-data.ts.
 */
import type { NewTransaction } from '../../prisma/app/index.ts';
import { centsToString } from '../../scripts/lib/reference.ts';

const JAN_1 = Date.UTC(2026, 0, 1);

/**
 * Row `i` of the plain ledger: accounts 1, 2, 3 in turn; amount `i.25`, NULL for every 4th row (i = 3, 7, …);
 * one row a second from 2026-01-01T00:00:00Z. `fields` replace or add fields (e.g. `externalId`).
 */
export function transactionRow(i: number, fields: Partial<NewTransaction> = {}): NewTransaction {
  return {
    accountId: 1 + (i % 3),
    amount: i % 4 === 3 ? null : `${i}.25`,
    createdAt: new Date(JAN_1 + i * 1_000),
    ...fields,
  };
}

/** Rows 0 … count - 1 of the plain ledger, each with `fields(i)` on top. */
export function transactionRows(count: number, fields: (i: number) => Partial<NewTransaction> = () => ({})): NewTransaction[] {
  return Array.from({ length: count }, (_, i) => transactionRow(i, fields(i)));
}

/** How a random ledger is drawn. */
export interface RandomLedger {
  /** Accounts 1 … accounts. */
  readonly accounts: number;
  /** Share of NULL amounts. */
  readonly nullRate: number;
  /** Amounts in whole cents, from min (inclusive) to max (exclusive). */
  readonly cents: readonly [min: number, max: number];
  /** Times: `slots` distinct instants `slotMs` apart from 2026-01-01; few slots mean many ties, resolved by id. */
  readonly slots: number;
  readonly slotMs: number;
}

/**
 * One random row, drawn from `random` in field order: account, NULL or not, cents, time. A field given in `fixed`
 * is not drawn, so the rest of the sequence stays the same.
 */
export function randomTransaction(random: () => number, ledger: RandomLedger, fixed: Partial<NewTransaction> = {}): NewTransaction {
  const [min, max] = ledger.cents;
  const accountId = fixed.accountId ?? 1 + Math.floor(random() * ledger.accounts);
  const amount =
    fixed.amount !== undefined
      ? fixed.amount
      : random() < ledger.nullRate
        ? null
        : centsToString(BigInt(Math.floor(random() * (max - min)) + min));
  const createdAt = fixed.createdAt ?? new Date(JAN_1 + Math.floor(random() * ledger.slots) * ledger.slotMs);
  return { accountId, amount, createdAt, ...fixed };
}

/** `count` random rows, row `i` carrying the idempotency key `externalId(i)`. */
export function randomTransactions(
  random: () => number,
  count: number,
  ledger: RandomLedger,
  externalId: (i: number) => string,
): NewTransaction[] {
  return Array.from({ length: count }, (_, i) => randomTransaction(random, ledger, { externalId: externalId(i) }));
}
