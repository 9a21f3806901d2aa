/**
 * Independent reference implementations of PostgreSQL window semantics over plain arrays (integer cents as
 * `bigint`, times as numbers). Used by the builder's integration tests; shares no code with src/.
 */
import type { LedgerRow } from '../../scripts/lib/reference.ts';

export type Bound = 'UNBOUNDED PRECEDING' | 'CURRENT ROW' | 'UNBOUNDED FOLLOWING' | { preceding: number } | { following: number };
export interface RefFrame {
  mode: 'ROWS' | 'RANGE' | 'GROUPS';
  start: Bound;
  end: Bound;
  exclude?: 'CURRENT ROW' | 'GROUP' | 'TIES' | 'NO OTHERS';
}

/** Rows grouped by partition key, each partition sorted by (time, id): PostgreSQL's window order. */
export function partitions(rows: readonly LedgerRow[], partitioned = true): LedgerRow[][] {
  const groups = new Map<string | number, LedgerRow[]>();
  for (const row of rows) {
    const key = partitioned ? row.key : '';
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) =>
    [...group].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
}

/** Indices of the rows in row `i`'s frame. RANGE offsets are in the same unit as `time`. */
export function frameIndices(part: readonly LedgerRow[], i: number, frame: RefFrame): number[] {
  const key = (j: number) => part[j]!.time;
  const groupOf: number[] = [];
  part.forEach((_, j) => groupOf.push(j === 0 ? 0 : groupOf[j - 1]! + (key(j) === key(j - 1) ? 0 : 1)));
  const peersOf = (j: number) => part.map((_, k) => k).filter((k) => key(k) === key(j));
  const inFrame = (j: number): boolean => {
    const after = (bound: Bound, isStart: boolean): boolean => {
      if (bound === 'UNBOUNDED PRECEDING') return true;
      if (bound === 'UNBOUNDED FOLLOWING') return !isStart;
      const sign = bound === 'CURRENT ROW' ? 0 : 'preceding' in bound ? -bound.preceding : bound.following;
      if (frame.mode === 'ROWS') return isStart ? j >= i + sign : j <= i + sign;
      if (frame.mode === 'GROUPS') return isStart ? groupOf[j]! >= groupOf[i]! + sign : groupOf[j]! <= groupOf[i]! + sign;
      return isStart ? key(j) >= key(i) + sign : key(j) <= key(i) + sign;
    };
    if (!after(frame.start, true) || !after(frame.end, false)) return false;
    if (frame.exclude === 'CURRENT ROW') return j !== i;
    if (frame.exclude === 'GROUP') return !peersOf(i).includes(j);
    if (frame.exclude === 'TIES') return j === i || !peersOf(i).includes(j);
    return true;
  };
  return part.map((_, j) => j).filter(inFrame);
}

/** SUM of non-NULL cents over the indices; null when there are none (SQL semantics). */
export function sumCents(part: readonly LedgerRow[], indices: readonly number[]): bigint | null {
  const values = indices.map((j) => part[j]!.cents).filter((c): c is bigint => c !== null);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0n);
}

/** Average of non-NULL cents, as an exact fraction string rounded half away from zero to `digits` decimals (in units, not cents). */
export function averageUnits(part: readonly LedgerRow[], indices: readonly number[], digits: number): string | null {
  const values = indices.map((j) => part[j]!.cents).filter((c): c is bigint => c !== null);
  if (values.length === 0) return null;
  return divideRounded(values.reduce((a, b) => a + b, 0n), BigInt(values.length) * 100n, digits);
}

/** numerator / denominator rounded half away from zero to `digits` decimals, as a decimal string. */
export function divideRounded(numerator: bigint, denominator: bigint, digits: number): string {
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const scale = 10n ** BigInt(digits);
  const scaled = (n * scale * 2n + d) / (2n * d);
  const whole = (scaled / scale).toString();
  const fraction = (scaled % scale).toString().padStart(digits, '0');
  const text = digits === 0 ? whole : `${whole}.${fraction}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}

export function rankOf(part: readonly LedgerRow[], i: number): number {
  return 1 + part.filter((r) => r.time < part[i]!.time).length;
}

export function denseRankOf(part: readonly LedgerRow[], i: number): number {
  return 1 + new Set(part.filter((r) => r.time < part[i]!.time).map((r) => r.time)).size;
}

/** PostgreSQL's ntile: n rows into k buckets, the first n % k buckets one row larger. */
export function ntileOf(n: number, k: number, i: number): number {
  const small = Math.floor(n / k);
  const large = n % k;
  const boundary = large * (small + 1);
  return i < boundary ? Math.floor(i / (small + 1)) + 1 : large + Math.floor((i - boundary) / Math.max(small, 1)) + 1;
}
