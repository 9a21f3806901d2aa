/**
 * An independent reference for running totals: plain TypeScript over integer cents (`bigint`), sharing no code
 * with the library (no Decimal, no SQL). Integration tests and `npm run exactness` (exactness.ts) compare the
 * repositories against it row by row.
 */

export interface LedgerRow {
  readonly id: bigint;
  readonly key: string | number;
  readonly time: number;
  /** Amount in cents; `null` for a NULL amount. */
  readonly cents: bigint | null;
}

export interface ReferenceOptions {
  readonly partitioned: boolean;
  readonly frame: 'rows' | 'range';
  readonly nulls: 'zero' | 'skip';
}

/** Exact decimal string of a cents value, as `Decimal#toFixed(2)` prints it. */
export function centsToString(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Parses a decimal string with at most two decimals into cents, exactly. */
export function stringToCents(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new Error(`not a 2-decimal amount: ${value}`);
  const cents = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Rows in result order with their expected running total in cents, per the documented semantics. */
export function referenceRunningTotals(rows: readonly LedgerRow[], options: ReferenceOptions) {
  const kept = rows.filter((row) => options.nulls === 'zero' || row.cents !== null);
  const sorted = [...kept].sort((a, b) => {
    if (options.partitioned && a.key !== b.key) return a.key < b.key ? -1 : 1;
    if (a.time !== b.time) return a.time - b.time;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const totals = new Map<string | number, bigint>();
  const out = sorted.map((row) => {
    const bucket = options.partitioned ? row.key : '';
    const total = (totals.get(bucket) ?? 0n) + (row.cents ?? 0n);
    totals.set(bucket, total);
    return { ...row, total };
  });
  if (options.frame === 'range') {
    // RANGE: peers (same partition, same time) all get the total after the last of them.
    for (let i = out.length - 1; i > 0; i--) {
      const row = out[i]!;
      const previous = out[i - 1]!;
      const samePartition = !options.partitioned || row.key === previous.key;
      if (samePartition && row.time === previous.time) out[i - 1] = { ...previous, total: row.total };
    }
  }
  return out;
}

/**
 * Groups `[id, total]` pairs by partition key, keeping row order inside each partition, and checks that every
 * partition is one contiguous run. Partition order itself is left to the database's collation, so comparisons
 * do not depend on how PostgreSQL sorts text.
 */
export function byPartition<R>(rows: readonly R[], keyOf: (row: R) => string | number, entry: (row: R) => unknown) {
  // A Map, not an object: keys are data ("constructor", "__proto__" are valid region names).
  const groups = new Map<string, unknown[]>();
  let previous: string | undefined;
  for (const row of rows) {
    const key = String(keyOf(row));
    if (key !== previous && groups.has(key)) throw new Error(`partition ${key} is not contiguous in the result`);
    const group = groups.get(key) ?? [];
    group.push(entry(row));
    groups.set(key, group);
    previous = key;
  }
  return groups;
}
