/**
 * Values bound against a column are checked against the column's type from Prisma's data model before any SQL is
 * built — in one place (`requireColumnValue`), used by compare / in / inTuples / after and the lag / lead
 * defaults; lists with holes are rejected everywhere; dates are read by their time value, never their own methods.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  ValidationError,
  WindowSpecError,
  conditions,
  windowFunctions,
  windowQuery,
  windowSpec,
} from '../../src/index.ts';
import { InventoryMovementRepository, SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { requireColumnValue } from '../../src/validation/column-value.ts';
import { requireDate, timeOf } from '../../src/validation/dates.ts';
import { denseItems, requireDense } from '../../src/validation/dense.ts';
import { mockPrisma, sentSql } from '../support/mock-client.ts';

/** A real Date whose own `toISOString` lies. */
const lyingDate = (iso: string) => Object.assign(new Date(iso), { toISOString: () => "'); DROP TABLE x; --" });
class LyingDate extends Date {
  override toISOString(): string {
    return 'not a date';
  }
  override getTime(): number {
    return 0;
  }
}

describe('requireColumnValue', () => {
  const accepts = (field: string, value: unknown, bound: unknown = value) =>
    expect(requireColumnValue('v', 'Transaction', field, value)).toEqual(bound);
  const rejects = (field: string, value: unknown, message: RegExp) => {
    expect(() => requireColumnValue('v', 'Transaction', field, value)).toThrow(ValidationError);
    expect(() => requireColumnValue('v', 'Transaction', field, value)).toThrow(message);
  };

  it('Int: a safe integer in the int4 range', () => {
    accepts('accountId', 7);
    accepts('accountId', -2_147_483_648);
    rejects('accountId', 1.5, /expected an integer, got number 1.5/);
    rejects('accountId', 2_147_483_648, /outside the integer column's range/);
    rejects('accountId', '7', /got the string "7"/);
    rejects('accountId', 7n, /expected an integer/);
    rejects('accountId', Number.NaN, /expected an integer/);
  });

  it('BigInt: a bigint in the int8 range, or a safe integer', () => {
    accepts('id', 5n);
    accepts('id', 5);
    rejects('id', 2n ** 63n, /outside the bigint column's range/);
    rejects('id', 2 ** 53, /bigint or a safe integer/);
    rejects('id', '5', /bigint or a safe integer/);
  });

  it('Decimal: a Prisma.Decimal (NaN and ±Infinity, which numeric holds, as their text), a finite number or a decimal string (trimmed)', () => {
    const d = new Prisma.Decimal('-12.50');
    accepts('amount', d);
    accepts('amount', 0.1);
    accepts('amount', ' 12.50 ', '12.50');
    accepts('amount', '1e3');
    rejects('amount', 'abc', /not a decimal number/);
    rejects('amount', '0x10', /not a decimal number/);
    rejects('amount', Number.POSITIVE_INFINITY, /not a finite number/);
    accepts('amount', new Prisma.Decimal(Number.NaN), 'NaN');
    accepts('amount', new Prisma.Decimal('-Infinity'), '-Infinity');
    rejects('amount', Number.NaN, /not a finite number/);
    rejects('amount', '1e200000', /beyond what PostgreSQL's numeric type can hold/);
    rejects('amount', true, /expected a Decimal, decimal string or number/);
  });

  it('DateTime: a real, valid Date in years 1-9999, bound as UTC text with a numeric offset, from its time value', () => {
    accepts('createdAt', new Date('2026-01-01T00:00:00Z'), '2026-01-01 00:00:00.000+00');
    accepts('createdAt', lyingDate('2026-01-01T00:00:00Z'), '2026-01-01 00:00:00.000+00');
    accepts('createdAt', new LyingDate('2026-01-01T00:00:00Z'), '2026-01-01 00:00:00.000+00');
    rejects('createdAt', 'not a date', /expected a Date, got the string "not a date"/);
    rejects('createdAt', '2026-01-01', /expected a Date/);
    rejects('createdAt', 1_767_225_600_000, /expected a Date/);
    rejects('createdAt', new Date(Number.NaN), /Invalid Date/);
    rejects('createdAt', new Date('+010000-01-01T00:00:00Z'), /outside the supported range/);
    rejects('createdAt', Object.create(Date.prototype), /expected a Date, got an object posing as a Date/);
  });

  it('String: a string PostgreSQL text can hold; Boolean: a boolean', () => {
    expect(requireColumnValue('v', 'SalesRecord', 'region', `O'Brien; --`)).toBe(`O'Brien; --`);
    expect(() => requireColumnValue('v', 'SalesRecord', 'region', 'EU\u0000')).toThrow(/NUL character/);
    expect(() => requireColumnValue('v', 'SalesRecord', 'region', '\ud800')).toThrow(/unpaired UTF-16 surrogate/);
    expect(() => requireColumnValue('v', 'SalesRecord', 'region', 42)).toThrow(/expected a string, got number 42/);
  });

  it('NULL is never a value, and unknown fields are WindowSpecErrors', () => {
    rejects('accountId', null, /use isNull \/ isNotNull/);
    rejects('accountId', undefined, /use isNull \/ isNotNull/);
    expect(() => requireColumnValue('v', 'Transaction', 'nope', 1)).toThrow(WindowSpecError);
  });
});

describe('conditions check every bound value before building SQL', () => {
  const c = conditions('Transaction');

  it('in(): element type, holes, non-arrays', () => {
    expect(() => c.in('accountId', [1.5])).toThrow(ValidationError);
    expect(() => c.in('accountId', [1.5])).toThrow(/in\(accountId\)\[0\]: expected an integer, got number 1.5/);
    expect(() => c.in('accountId', [1, , 3] as number[])).toThrow(/in\(accountId\)\[1\]: is an empty slot of a sparse array/);
    expect(() => c.in('accountId', 7 as never)).toThrow(WindowSpecError);
    expect(() => c.in('createdAt', ['2026-01-01' as never])).toThrow(/expected a Date/);
    const sql = c.in('createdAt', [lyingDate('2026-01-02T00:00:00Z')]).sql;
    expect(sql.values).toEqual([['2026-01-02 00:00:00.000+00']]);
  });

  it('compare(): a date field against something that is not a date, and dates that lie about themselves', () => {
    expect(() => c.compare('createdAt', '>', 'not a date' as never)).toThrow(ValidationError);
    expect(() => c.compare('amount', '<', 'abc' as never)).toThrow(/compare\(amount, '<'\): .*not a decimal number/);
    const sql = c.compare('createdAt', '>=', new LyingDate('2026-03-01T00:00:00Z')).sql;
    expect(sql.text).toBe('"createdAt" >= CAST($1 AS timestamptz)');
    expect(sql.values).toEqual(['2026-03-01 00:00:00.000+00']);
    // Values that were valid before bind exactly as before.
    expect(c.compare('accountId', '=', 7).sql.values).toEqual([7]);
    expect(c.compare('amount', '<', new Prisma.Decimal(0)).sql.text).toBe('"amount" < $1');
  });

  it('after() and inTuples(): one checked value per field', () => {
    expect(() => c.after(['accountId', 'createdAt', 'id'], [1, 'yesterday', 3n])).toThrow(/after\(createdAt\): expected a Date/);
    expect(() => c.after(['accountId'], [1, 2])).toThrow(/one value per field/);
    expect(c.after(['createdAt', 'id'], [new Date('2026-01-01T00:00:00Z'), 41n]).sql.values).toEqual(['2026-01-01 00:00:00.000+00', 41n]);
    const stock = conditions('InventoryMovement');
    expect(() => stock.inTuples(['warehouseId', 'productSku'], [[1, 'SKU-1'], [1.5, 'SKU-2']])).toThrow(
      /inTuples\(\) tuples\[1\]\[0\] \(warehouseId\): expected an integer/,
    );
    expect(() => stock.inTuples(['warehouseId', 'productSku'], [[1, 'SKU-1'], , ] as never)).toThrow(/tuples\[1\]: is an empty slot/);
    expect(() => stock.inTuples(['warehouseId', 'productSku'], [[1]])).toThrow(/has 1 values for 2 fields/);
    expect(stock.inTuples(['warehouseId', 'productSku'], [[1, 'A'], [2, 'B']]).sql.values).toEqual([[1, 2], ['A', 'B']]);
  });

  it('and / or / not take only conditions of the same model', () => {
    expect(() => c.and('1 = 1' as never)).toThrow(/and\(\)\[0\]: expected a condition built with conditions\('Transaction'\)/);
    expect(() => c.or(conditions('SalesRecord').isNull('externalId') as never)).toThrow(/built for SalesRecord, not Transaction/);
    expect(() => c.not({ model: 'Transaction', sql: 'TRUE' } as never)).toThrow(WindowSpecError);
  });
});

describe('window functions check their arguments when they are built', () => {
  const f = windowFunctions('Transaction');

  it('lag / lead defaults must fit the column', () => {
    expect(() => f.lag('amount', { default: 'abc' as never })).toThrow(ValidationError);
    expect(() => f.lag('amount', { default: 'abc' as never })).toThrow(/lag\(amount\)\.default: .*not a decimal number/);
    expect(() => f.lead('createdAt', { default: 'tomorrow' as never })).toThrow(/lead\(createdAt\)\.default: expected a Date/);
    expect(() => f.lag('accountId', { default: 1.5 as never })).toThrow(/expected an integer/);
    expect(() => f.lag('amount', { offset: 2 ** 31 })).toThrow(/lag offset must be an integer/);
    expect(() => f.lag('amount', { ofset: 2 } as never)).toThrow(/lag options\.ofset: is not a known option/);
    const w = windowSpec('Transaction').orderBy('createdAt');
    const sql = windowQuery('Transaction').add('p', f.lag('createdAt', { default: lyingDate('2026-01-01T00:00:00Z') }), w).toSql();
    expect(sql.text).toContain('lag("createdAt", 1, CAST($1 AS timestamptz))');
    expect(sql.values).toEqual(['2026-01-01 00:00:00.000+00']);
  });

  it('aggregate filters must be conditions of the model; movingAverage needs rows or an interval', () => {
    expect(() => f.sum('amount', { filter: 'amount > 0' as never })).toThrow(/sum filter: expected a condition/);
    expect(() => f.count({ filter: conditions('SalesRecord').isNull('externalId') as never })).toThrow(/built for SalesRecord/);
    expect(() => f.count({ field: 'amount', bogus: 1 } as never)).toThrow(/count options\.bogus/);
    expect(() => f.movingAverage('amount', {} as never)).toThrow(/movingAverage needs \{ rows: n \}/);
    expect(() => f.movingAverage('amount', { rows: 3, interval: '1 day' } as never)).toThrow(/exactly one of them/);
    expect(() => f.runningTotal('amount', { carry: { amount: 5 as never } })).toThrow(/carry.amount must be a Prisma.Decimal/);
  });
});

describe('dates are read by their time value', () => {
  it('requireDate returns a plain Date copy of the instant, whatever the value says about itself', () => {
    const copy = requireDate('d', new LyingDate('2026-05-01T00:00:00Z'));
    expect(Object.getPrototypeOf(copy)).toBe(Date.prototype);
    expect(copy.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(timeOf(Object.create(Date.prototype))).toBeUndefined();
    expect(timeOf(new Date(5))).toBe(5);
  });

  it('a repository binds a lying Date by its time value (the SQL equals the plain Date one)', async () => {
    const plain = mockPrisma();
    const lying = mockPrisma();
    plain.prisma.$queryRaw.mockResolvedValue([]);
    lying.prisma.$queryRaw.mockResolvedValue([]);
    await new TransactionRepository(plain.prisma).runningTotals({ from: new Date('2026-01-01T00:00:00Z') });
    await new TransactionRepository(lying.prisma).runningTotals({ from: lyingDate('2026-01-01T00:00:00Z') });
    await new TransactionRepository(lying.prisma).runningTotals({ from: new LyingDate('2026-01-01T00:00:00Z') });
    expect(sentSql(lying.prisma.$queryRaw).values).toEqual(sentSql(plain.prisma.$queryRaw).values);
    expect(sentSql(lying.prisma.$queryRaw, 1).values).toEqual(sentSql(plain.prisma.$queryRaw).values);
  });
});

describe('lists with holes are ValidationErrors, before any SQL', () => {
  it('requireDense / denseItems name the first hole', () => {
    expect(requireDense('xs', [1, 2])).toEqual([1, 2]);
    expect(() => requireDense('xs', new Array(2))).toThrow(/xs\[0\]: is an empty slot of a sparse array/);
    expect(() => denseItems('rows', [1, , 3], (_, v) => v)).toThrow(/rows\[1\]: is an empty slot/);
    expect(denseItems('rows', [1, undefined], (_, v) => v ?? 0)).toEqual([1, 0]);
  });

  it.each([
    ['runningTotals', (r: TransactionRepository) => r.runningTotals({ partitions: new Array(2) })],
    ['globalRunningTotals', (r: TransactionRepository) => r.globalRunningTotals({ partitions: [1, , 2] as number[] })],
    ['insertMany', (r: TransactionRepository) => r.insertMany([{ accountId: 1, amount: '1.00', createdAt: new Date() }, , ] as never)],
    ['insertAndReport', (r: TransactionRepository) => r.insertAndReport(new Array(3))],
  ])('%s', async (_, call) => {
    const db = mockPrisma();
    await expect(call(new TransactionRepository(db.prisma))).rejects.toThrow(ValidationError);
    await expect(call(new TransactionRepository(db.prisma))).rejects.toThrow(/is an empty slot of a sparse array/);
    expect(db.prisma.$queryRaw).not.toHaveBeenCalled();
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
  });

  it('on every repository', async () => {
    const db = mockPrisma();
    await expect(new SalesRecordRepository(db.prisma).runningTotals({ partitions: new Array(1) })).rejects.toThrow(/partitions\[0\]: is an empty slot/);
    await expect(new InventoryMovementRepository(db.prisma).insertMany(new Array(1))).rejects.toThrow(/rows\[0\]: is an empty slot/);
    expect(db.prisma.$queryRaw).not.toHaveBeenCalled();
  });
});
