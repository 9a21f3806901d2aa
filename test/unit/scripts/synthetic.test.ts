// The one synthetic-data generator (scripts/lib/synthetic/): the shapes the seed, exactness and bench scripts use.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { benchRows } from '../../../scripts/bench/ingest-rows.ts';
import { rowSlices } from '../../../scripts/lib/synthetic/rows.ts';
import { salesRecordRows } from '../../../scripts/lib/synthetic/sales.ts';
import { serverLedgerStatements, spanSeconds } from '../../../scripts/lib/synthetic/server-ledger.ts';
import { stressLedgerRows, stressTransactionAt } from '../../../scripts/lib/synthetic/stress-ledger.ts';
import { transactionRows } from '../../../scripts/lib/synthetic/transactions.ts';

const digest = (rows: unknown): string => createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);

describe('seed data', () => {
  // README shows what `npm run seed -- ... --seed 42` writes, and report / explain output computed from it: these
  // rows must not change by accident. A deliberate change updates these digests and README's outputs together.
  it('is byte for byte the data README was made with', () => {
    expect(digest(transactionRows({ seed: 42, total: 20_000, accounts: 1_000 }))).toBe('bf63788269c79595');
    expect(digest(salesRecordRows({ seed: 42, total: 20_000, regions: 12 }))).toBe('f8695bdd32b10bfa');
  });
});

describe('stress ledger (npm run exactness)', () => {
  const shape = { rows: 20_000, seed: 7 };
  const rows = stressLedgerRows(shape);

  it('is a pure function of (shape, row index): slices are the whole', () => {
    expect([...rowSlices((i) => stressTransactionAt(shape, i), shape.rows, 3_000)].flat()).toEqual(rows);
    expect(stressLedgerRows(shape, 500, 510)).toEqual(rows.slice(500, 510));
    expect(stressLedgerRows({ ...shape, seed: 8 }, 0, 10)).not.toEqual(rows.slice(0, 10));
  });

  it('has the documented shape: a whale past 10^14, ~2% NULLs, ~40 rows per timestamp, exact 2-decimal text', () => {
    const whale = rows.filter((r) => r.accountId === 1);
    expect(whale.length / rows.length).toBeGreaterThan(0.04);
    const cents = (amount: unknown) => BigInt(String(amount).replace('.', ''));
    const whaleTotal = whale.reduce((sum, r) => sum + (r.amount === null ? 0n : cents(r.amount)), 0n);
    expect(whaleTotal).toBeGreaterThan(10n ** 16n); // in cents: the balance passes 10^14
    const nulls = rows.filter((r) => r.amount === null).length / rows.length;
    expect(nulls).toBeGreaterThan(0.01);
    expect(nulls).toBeLessThan(0.03);
    expect(new Set(rows.map((r) => r.createdAt.getTime())).size).toBeLessThanOrEqual(shape.rows / 40);
    expect(rows.every((r) => r.amount === null || /^-?\d{1,12}\.\d{2}$/.test(String(r.amount)))).toBe(true);
  });
});

describe('insert benchmark rows', () => {
  it('are the seed shape with an idempotency key per row, unique per batch seed', () => {
    const a = benchRows(1_000, 1);
    const b = benchRows(1_000, 2);
    expect(a).toHaveLength(1_000);
    const keys = new Set([...a, ...b].map((r) => r.externalId));
    expect(keys.size).toBe(2_000);
    expect(a.every((r) => r.accountId >= 1 && r.accountId <= 1_000)).toBe(true);
    expect(benchRows(1_000, 1)).toEqual(a);
  });
});

describe('server-side ledger (npm run bench)', () => {
  it('seeds random() first, then inserts with bound row count, accounts and time span', () => {
    const [seed, insert] = serverLedgerStatements({ rows: 10_000_000, accounts: 1_000 });
    expect(seed).toEqual({ text: 'SELECT setseed($1)', values: [0.42] });
    expect(insert.text).toMatch(/^INSERT INTO "Transaction"[\s\S]*generate_series\(1, \$1::int\)[\s\S]*ORDER BY created_at$/);
    expect(insert.values).toEqual([10_000_000, 1_000, spanSeconds(10_000_000)]);
    expect(spanSeconds(10_000_000)).toBe(365 * 86_400);
  });
});
