/**
 * Deterministic synthetic ledgers for `npm run seed`. Every value of row `i` comes from a hash of
 * (seed, table, i, draw), not from a PRNG stream, so row `i` is identical whichever chunk or resumed run produces
 * it, and a run can continue at any row count.
 *
 * Shapes (those of a skewed, append-only production ledger): accounts follow a power law
 * (account = 1 + ⌊accounts·u²⌋: account 1 gets ~3% of all rows at 1,000 accounts, the last ~0.05%), timestamps rise
 * through 2026 in insert order with ~5% of rows sharing the previous row's timestamp, ~1% NULL (pending) amounts,
 * ~12% refunds (negative); amounts are log-uniform 1.00–5,000.00. Sales spread over the days of 2026 (many per
 * day), regions Zipf-skewed, ~4% refunds.
 */
import type { NewSalesRecord, NewTransaction } from '../../src/index.ts';

const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_DAYS = 365;
const DAY_MS = 86_400_000;

export const REGION_NAMES = ['EMEA', 'AMER', 'APAC', 'LATAM', 'DACH', 'NORDICS', 'BENELUX', 'IBERIA', 'ANZ', 'MENA', 'CEE', 'UKI'];

/** murmur3's 32-bit finalizer: a well-known avalanche mix. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) for (seed, stream, row, draw). */
export function uniform(seed: number, stream: number, row: number, draw: number): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  h = fmix32(h ^ stream);
  h = fmix32(h ^ (row >>> 0));
  h = fmix32(h ^ Math.floor(row / 2 ** 32));
  h = fmix32(h ^ draw);
  return h / 2 ** 32;
}

/** Exact decimal text for a number of cents: never a float on the way to the database. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function regionName(index: number): string {
  return REGION_NAMES[index] ?? `REGION-${String(index + 1).padStart(3, '0')}`;
}

export interface TransactionShape {
  readonly seed: number;
  /** Total rows of the full data set (timestamps are spread over 2026 by row / total). */
  readonly total: number;
  readonly accounts: number;
}

const TX = 1; // stream ids keep the tables' random numbers apart
const SALES = 2;

/** Second-resolution timestamp of row `i` before duplicates: rises through the year. */
const baseTime = (i: number, total: number): number =>
  YEAR_START + Math.floor((i * YEAR_DAYS * DAY_MS) / total / 1000) * 1000;

export function transactionAt(shape: TransactionShape, i: number): NewTransaction {
  const u = (draw: number) => uniform(shape.seed, TX, i, draw);
  const duplicate = i > 0 && u(0) < 0.05;
  const createdAt = new Date(baseTime(duplicate ? i - 1 : i, shape.total));
  const accountId = 1 + Math.floor(shape.accounts * u(1) ** 2);
  if (u(2) < 0.01) return { accountId, amount: null, createdAt };
  const cents = Math.floor(100 * 5000 ** u(3)); // 1.00 … 5,000.00, log-uniform
  return { accountId, amount: centsToDecimal(u(4) < 0.12 ? -cents : cents), createdAt };
}

export interface SalesShape {
  readonly seed: number;
  readonly total: number;
  readonly regions: number;
}

/** Cumulative Zipf(0.8) weights per region count, cached: the first region sells most. */
const regionWeights = new Map<number, number[]>();
function cumulativeRegionWeights(regions: number): number[] {
  let cumulative = regionWeights.get(regions);
  if (!cumulative) {
    const weights = Array.from({ length: regions }, (_, k) => 1 / (k + 1) ** 0.8);
    const sum = weights.reduce((a, b) => a + b, 0);
    let running = 0;
    cumulative = weights.map((w) => (running += w / sum));
    regionWeights.set(regions, cumulative);
  }
  return cumulative;
}

export function salesRecordAt(shape: SalesShape, i: number): NewSalesRecord {
  const u = (draw: number) => uniform(shape.seed, SALES, i, draw);
  const cumulative = cumulativeRegionWeights(shape.regions);
  const pick = u(0);
  const index = cumulative.findIndex((c) => pick < c);
  const day = Math.floor((i * YEAR_DAYS) / shape.total);
  const cents = Math.floor(2000 * 250 ** u(1)); // 20.00 … 5,000.00
  return {
    region: regionName(index === -1 ? shape.regions - 1 : index),
    saleDate: new Date(YEAR_START + day * DAY_MS),
    revenue: centsToDecimal(u(2) < 0.04 ? -cents : cents),
  };
}

/** Rows [from, to) of a data set. */
export function rowsBetween<Row>(rowAt: (i: number) => Row, from: number, to: number): Row[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => rowAt(from + k));
}
