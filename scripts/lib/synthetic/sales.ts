/**
 * SalesRecord rows (`npm run seed`): sales spread over the days of 2026 in row order (many per day), regions
 * Zipf(0.8)-skewed (the first region sells most), revenue log-uniform 20.00–5,000.00, ~4% refunds.
 */
import type { NewSalesRecord } from '../../../prisma/app/index.ts';
import { centsToDecimal } from './decimal-text.ts';
import { rowsBetween } from './rows.ts';
import { STREAMS, uniform } from './uniform.ts';

const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_DAYS = 365;
const DAY_MS = 86_400_000;

export const REGION_NAMES = ['EMEA', 'AMER', 'APAC', 'LATAM', 'DACH', 'NORDICS', 'BENELUX', 'IBERIA', 'ANZ', 'MENA', 'CEE', 'UKI'];

export function regionName(index: number): string {
  return REGION_NAMES[index] ?? `REGION-${String(index + 1).padStart(3, '0')}`;
}

export interface SalesShape {
  readonly seed: number;
  readonly total: number;
  readonly regions: number;
}

/** Cumulative Zipf(0.8) weights per region count, cached: computed once per run, used for every row. */
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
  const u = (draw: number) => uniform(shape.seed, STREAMS.sales, i, draw);
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

/** Rows [from, to) of the data set (the whole of it by default). */
export function salesRecordRows(shape: SalesShape, from = 0, to = shape.total): NewSalesRecord[] {
  return rowsBetween((i) => salesRecordAt(shape, i), from, to);
}
