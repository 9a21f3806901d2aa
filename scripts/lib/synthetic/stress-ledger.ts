/**
 * A ledger built to break inexact arithmetic (`npm run exactness`, test/integration/exactness.test.ts): ~40 rows
 * per timestamp, 2% NULL amounts, uniform accounts, amounts mostly everyday (-5,000.00 … 15,000.00) but 10% in the
 * hundreds of billions, near the numeric(14, 2) limit. Account 1 is a "whale" (5% of all rows, mostly large
 * deposits), so its running total passes 10^14, where float64 (about 15.9 significant digits) can no longer hold
 * every cent.
 */
import type { NewTransaction } from '../../../prisma/app/index.ts';
import { centsToDecimal } from './decimal-text.ts';
import { rowsBetween } from './rows.ts';
import { STREAMS, uniform } from './uniform.ts';

const START = Date.UTC(2026, 0, 1);

export interface StressLedgerShape {
  readonly rows: number;
  readonly seed: number;
  /** Distinct accounts. Default rows / 100, at least 1. */
  readonly partitions?: number;
  /** Distinct timestamps, one second apart. Default rows / 40 (so ~40 rows share each timestamp). */
  readonly timestamps?: number;
}

export function stressTransactionAt(shape: StressLedgerShape, i: number): NewTransaction {
  const u = (draw: number) => uniform(shape.seed, STREAMS.stressLedger, i, draw);
  const partitions = shape.partitions ?? Math.max(1, Math.floor(shape.rows / 100));
  const timestamps = shape.timestamps ?? Math.max(1, Math.floor(shape.rows / 40));
  const whale = u(0) < 0.05;
  const roll = u(1);
  let cents: number | null;
  if (whale) cents = Math.floor(u(2) * 1e14) - 1e13; // -100,000,000,000.00 … 899,999,999,999.99
  else if (roll < 0.02) cents = null;
  else if (roll < 0.12) cents = Math.floor(u(2) * 1e14) - 3e13; // -300,000,000,000.00 … 699,999,999,999.99
  else cents = Math.floor(u(2) * 2e6) - 5e5; // -5,000.00 … 15,000.00
  return {
    accountId: whale ? 1 : 1 + Math.floor(u(3) * partitions),
    amount: cents === null ? null : centsToDecimal(cents),
    createdAt: new Date(START + Math.floor(u(4) * timestamps) * 1_000),
  };
}

/** Rows [from, to) of the ledger (the whole of it by default). */
export function stressLedgerRows(shape: StressLedgerShape, from = 0, to = shape.rows): NewTransaction[] {
  return rowsBetween((i) => stressTransactionAt(shape, i), from, to);
}
