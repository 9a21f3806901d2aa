import { describe, expect, it } from 'vitest';

import { createProgress, formatDuration, formatProgressLine } from '../../../scripts/lib/progress.ts';
import { parseSeedArgs } from '../../../scripts/lib/seed-args.ts';
import { planSeed } from '../../../scripts/lib/seed-resume.ts';
import { centsToDecimal } from '../../../scripts/lib/synthetic/decimal-text.ts';
import { salesRecordAt, salesRecordRows } from '../../../scripts/lib/synthetic/sales.ts';
import { transactionAt, transactionRows } from '../../../scripts/lib/synthetic/transactions.ts';
import { uniform } from '../../../scripts/lib/synthetic/uniform.ts';

const args = (argv: string[]) => {
  const parsed = parseSeedArgs(argv);
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.args;
};

describe('seed arguments', () => {
  it('has documented defaults and reads every option', () => {
    expect(args([])).toEqual({
      transactions: 100_000, sales: 100_000, accounts: 1_000, regions: 12, seed: 42, chunkRows: 10_000, reset: false, verbose: false,
    });
    expect(args(['--transactions', '1000000', '--sales', '0', '--accounts', '5', '--regions', '3', '--seed', '7', '--chunk-rows', '500', '--reset']))
      .toMatchObject({ transactions: 1_000_000, sales: 0, accounts: 5, regions: 3, seed: 7, chunkRows: 500, reset: true });
  });

  it('returns the help text for --help', () => {
    const parsed = parseSeedArgs(['--help']);
    expect('help' in parsed && parsed.help).toMatch(/^Usage: npm run seed/);
  });

  it.each([
    [['--transactions', 'many'], '--transactions must be a whole number, got "many"'],
    [['--accounts', '0'], '--accounts must be between 1 and 2,147,483,647, got 0'],
    [['--regions', '1001'], '--regions must be between 1 and 1,000'],
    [['--chunk-rows', '0'], '--chunk-rows must be between 1 and 1,000,000'],
    [['--transactions'], "Option '--transactions <value>' argument missing"],
    [['--reste'], 'unknown option --reste'],
    [['--transactions', '0', '--sales', '0'], 'nothing to do: --transactions and --sales are both 0'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(message);
  });
});

describe('synthetic data', () => {
  const tx = { seed: 42, total: 20_000, accounts: 1_000 };
  const rows = transactionRows(tx);

  it('is a pure function of (arguments, row index): chunking and resuming give the same rows', () => {
    expect(transactionRows(tx, 12_345, 12_400)).toEqual(rows.slice(12_345, 12_400));
    expect(transactionAt({ ...tx, seed: 43 }, 5)).not.toEqual(rows[5]);
    expect(uniform(1, 2, 3, 4)).toBe(uniform(1, 2, 3, 4));
  });

  it('has the documented shapes: rising timestamps with duplicates, NULLs, refunds, skewed accounts', () => {
    const times = rows.map((r) => r.createdAt.getTime());
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]).toBe(Date.UTC(2026, 0, 1));
    expect(times.at(-1)).toBeLessThan(Date.UTC(2027, 0, 1));
    const duplicates = times.filter((t, i) => i > 0 && t === times[i - 1]).length / rows.length;
    expect(duplicates).toBeGreaterThan(0.03);
    expect(duplicates).toBeLessThan(0.07);
    const nulls = rows.filter((r) => r.amount === null).length / rows.length;
    expect(nulls).toBeGreaterThan(0.005);
    expect(nulls).toBeLessThan(0.015);
    const refunds = rows.filter((r) => typeof r.amount === 'string' && r.amount.startsWith('-')).length / rows.length;
    expect(refunds).toBeGreaterThan(0.09);
    expect(refunds).toBeLessThan(0.15);
    expect(rows.every((r) => r.amount === null || /^-?\d+\.\d{2}$/.test(String(r.amount)))).toBe(true);
    const perAccount = new Map<number, number>();
    for (const r of rows) perAccount.set(r.accountId, (perAccount.get(r.accountId) ?? 0) + 1);
    expect(Math.min(...perAccount.keys())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perAccount.keys())).toBeLessThanOrEqual(1_000);
    expect((perAccount.get(1) ?? 0) / rows.length).toBeGreaterThan(0.02); // ~3%: power law
    expect((perAccount.get(900) ?? 0) / rows.length).toBeLessThan(0.002);
  });

  it('spreads sales over the days of 2026 with Zipf-skewed regions', () => {
    const shape = { seed: 42, total: 5_000, regions: 12 };
    const sales = salesRecordRows(shape);
    const days = new Set(sales.map((s) => s.saleDate.toISOString()));
    expect(days.size).toBe(365);
    expect(sales.every((s) => s.saleDate.getUTCHours() === 0)).toBe(true);
    const count = (region: string) => sales.filter((s) => s.region === region).length;
    expect(new Set(sales.map((s) => s.region)).size).toBe(12);
    expect(count('EMEA')).toBeGreaterThan(count('UKI') * 3);
    expect(salesRecordAt({ ...shape, regions: 20 }, 0).region).toMatch(/^[A-Z-]+(\d{3})?$/);
  });

  it('writes cents as exact decimal text', () => {
    expect([0, 5, -5, 100, -12345, 500000].map(centsToDecimal)).toEqual(['0.00', '0.05', '-0.05', '1.00', '-123.45', '5000.00']);
  });
});

describe('resume rules', () => {
  it('starts, resumes, stops when complete, refuses foreign rows', () => {
    expect(planSeed('T', 0, 100, false)).toEqual({ kind: 'start', from: 0 });
    expect(planSeed('T', 40, 100, true)).toEqual({ kind: 'start', from: 40 });
    expect(planSeed('T', 100, 100, true)).toEqual({ kind: 'complete' });
    expect(planSeed('T', 40, 100, false)).toMatchObject({ kind: 'conflict', reason: expect.stringMatching(/did not produce.*--reset/) });
    expect(planSeed('T', 140, 100, true)).toMatchObject({ kind: 'conflict', reason: expect.stringMatching(/more than the 100 requested/) });
  });
});

describe('progress', () => {
  it('formats plain progress lines with rate and ETA', () => {
    expect(formatProgressLine('transactions', 120_000, 1_000_000, 6_120)).toBe(
      'transactions  120,000/1,000,000 rows (12.0%)  6,120 rows/s  ETA 2m 24s',
    );
    expect(formatDuration(3 * 3600 + 65)).toBe('3h 01m');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('writes at most one line per interval without a terminal, and always the last', () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = createProgress({ label: 'sales', total: 30, start: 0, tty: false, write: (l) => lines.push(l), intervalMs: 1000, now: () => clock });
    for (const done of [10, 20, 30]) {
      clock += 400;
      progress.update(done);
    }
    progress.stop();
    expect(lines).toEqual(['sales  10/30 rows (33.3%)  25 rows/s  ETA 1s', 'sales  30/30 rows (100.0%)  25 rows/s  ETA 0s']);
  });
});
