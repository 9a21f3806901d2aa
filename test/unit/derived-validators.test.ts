/**
 * Validators derived from the catalog (`defineRunningTotalRepository`): one per column type, nullability, defaults
 * and bounds, checked on synthetic catalog columns (types this schema does not use) and on the schema's models.
 * Every rejection is a ValidationError naming the value; a column no validator can be derived for is a
 * WindowSpecError when the repository is defined.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { defineRunningTotalRepository, ValidationError, WindowSpecError } from '../../src/index.ts';
import { deriveModelDefinition } from '../../src/repositories/derived-definition.ts';
import { columnDefault, generatesValue } from '../../src/validation/column-default.ts';
import { columnValidator, type ColumnCheck } from '../../src/validation/column-validator.ts';
import { checkingValidator, keyValidator, rowValidator } from '../../src/validation/derived-validators.ts';
import { requireModelDefinition } from '../../src/validation/model-definition.ts';
import type { ColumnInfo } from '../../src/window/catalog.ts';
import { columnInfoOf } from '../support/catalog-columns.ts';
import { mockPrisma, sentSql } from '../support/mock-client.ts';
import { propertyRuns } from '../support/property-seed.ts';

const column = columnInfoOf;

const validatorOf = (info: ColumnInfo, nonEmpty = false): ColumnCheck => columnValidator('M', info, { nonEmpty });

describe('a validator per column type', () => {
  it.each<[string, ColumnInfo, unknown, unknown]>([
    ['Int', column('Int'), -2_147_483_648, -2_147_483_648],
    ['Int @db.SmallInt', column('Int', { nativeType: ['SmallInt', []] }), 32_767, 32_767],
    ['BigInt from a safe integer', column('BigInt'), 7, 7n],
    ['BigInt', column('BigInt'), 2n ** 63n - 1n, 2n ** 63n - 1n],
    ['Float', column('Float'), 0.5, 0.5],
    ['String @db.VarChar(3)', column('String', { nativeType: ['VarChar', ['3']] }), 'a𝄞c', 'a𝄞c'],
    ['String (text) that is empty', column('String'), '', ''],
    ['Boolean', column('Boolean'), false, false],
  ])('%s accepts a value in range', (_, info, value, written) => {
    expect(validatorOf(info)('rows[0].f', value)).toEqual(written);
  });

  it.each<[string, ColumnInfo, unknown, RegExp]>([
    ['Int: a fraction', column('Int'), 1.5, /rows\[0\]\.f: expected an integer, got number 1.5/],
    ['Int: beyond int4', column('Int'), 2 ** 31, /outside the integer column's range/],
    ['Int: a numeric string', column('Int'), '7', /expected an integer, got the string "7"/],
    ['Int @db.SmallInt: beyond int2', column('Int', { nativeType: ['SmallInt', []] }), 32_768, /outside the smallint column's range/],
    ['BigInt: beyond int8', column('BigInt'), 2n ** 63n, /outside the bigint column's range/],
    ['BigInt: an unsafe number', column('BigInt'), 2 ** 53, /expected a bigint or a safe integer/],
    ['Float: NaN', column('Float'), Number.NaN, /expected a finite number/],
    ['Float: Infinity', column('Float'), Infinity, /expected a finite number/],
    ['String: too long', column('String', { nativeType: ['VarChar', ['3']] }), 'abcd', /is 4 characters long; the column holds at most 3/],
    ['String @db.Char(2): too long', column('String', { nativeType: ['Char', ['2']] }), 'abc', /at most 2/],
    ['String: NUL', column('String'), 'a\u0000', /NUL character/],
    ['String: a lone surrogate', column('String'), '\ud800', /unpaired UTF-16 surrogate/],
    ['String: a number', column('String'), 7, /expected a string, got number 7/],
    ['Boolean: a string', column('Boolean'), 'true', /expected a boolean/],
    ['a missing value', column('Int'), undefined, /expected an integer, got undefined/],
    ['NULL in a NOT NULL column', column('Int'), null, /expected an integer, got null/],
  ])('%s is a ValidationError', (_, info, value, message) => {
    expect(() => validatorOf(info)('rows[0].f', value)).toThrow(ValidationError);
    expect(() => validatorOf(info)('rows[0].f', value)).toThrow(message);
  });

  it('keys and idempotency keys are never empty strings; other text may be', () => {
    const text = column('String', { nativeType: ['VarChar', ['64']] });
    expect(validatorOf(text)('rows[0].note', '')).toBe('');
    expect(() => validatorOf(text, true)('rows[0].region', '')).toThrow(/rows\[0\]\.region: must not be empty/);
  });

  it('Decimal(p, s): exact, never rounded, at most p - s integer digits', () => {
    const quantity = validatorOf(column('Decimal', { nativeType: ['Decimal', ['12', '3']] }));
    const value = quantity('rows[0].quantity', ' -12.500 ');
    expect(value).toBeInstanceOf(Prisma.Decimal);
    expect((value as Prisma.Decimal).toFixed()).toBe('-12.5');
    expect(String(quantity('q', 0.1))).toBe('0.1'); // a number through its shortest spelling, no float noise
    expect(String(quantity('q', '999999999.999'))).toBe('999999999.999');
    expect(String(quantity('q', ' +1.5e3 ')), 'spaces, a plus sign and an exponent, read exactly (README)').toBe('1500');
    expect(() => quantity('rows[0].quantity', '0.0001')).toThrow(/rows\[0\]\.quantity: 0\.0001 has 4 decimal places; the column holds 3/);
    expect(() => quantity('q', '1000000000')).toThrow(/does not fit numeric\(12, 3\)/);
    expect(() => quantity('q', 'NaN')).toThrow(ValidationError);
    expect(() => quantity('q', new Prisma.Decimal(Infinity))).toThrow(/not a finite amount/);
  });

  it("Decimal without @db.Decimal: Prisma's numeric(65, 30)", () => {
    const amount = validatorOf(column('Decimal'));
    expect(String(amount('a', `1.${'1'.repeat(30)}`))).toBe(`1.${'1'.repeat(30)}`);
    expect(() => amount('a', `1.${'1'.repeat(31)}`)).toThrow(/has 31 decimal places/);
  });

  it('DateTime: a valid Date in years 1–9999, copied; @db.Date: midnight UTC only', () => {
    const instant = validatorOf(column('DateTime', { nativeType: ['Timestamptz', ['6']] }));
    const given = new Date('2026-01-05T08:00:00.123Z');
    const written = instant('rows[0].movedAt', given);
    expect(written).toEqual(given);
    expect(written).not.toBe(given); // a copy: later changes to the caller's Date cannot reach the insert
    expect(() => instant('rows[0].movedAt', new Date(Number.NaN))).toThrow(/rows\[0\]\.movedAt: is an Invalid Date/);
    expect(() => instant('t', new Date('+010000-01-01T00:00:00Z'))).toThrow(/outside the supported range/);
    expect(() => instant('t', '2026-01-05')).toThrow(/expected a Date/);
    expect(validatorOf(column('DateTime'))('t', given)).toEqual(given); // timestamp(3), Prisma's default

    const day = validatorOf(column('DateTime', { nativeType: ['Date', []] }));
    expect(day('rows[0].saleDate', new Date('2026-03-01'))).toEqual(new Date('2026-03-01'));
    expect(() => day('rows[0].saleDate', new Date('2026-03-01T12:00:00Z'))).toThrow(/not a whole day/);
  });

  it('String @db.Uuid: the canonical spelling in either case, written in lower case', () => {
    const uuid = validatorOf(column('String', { nativeType: ['Uuid', []] }), true);
    expect(uuid('rows[0].walletId', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    for (const bad of ['', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 42]) {
      expect(() => uuid('rows[0].walletId', bad), String(bad)).toThrow(ValidationError);
    }
  });

  it.each<[string, ColumnInfo]>([
    ['Bytes', column('Bytes')],
    ['an enum list', column('Kind', { kind: 'enum', isList: true, enum: { name: 'Kind', schema: null, values: { A: 'a' } } })],
    ['a list', column('Int', { isList: true })],
    ['String @db.Inet', column('String', { nativeType: ['Inet', []] })],
    ['DateTime @db.Time', column('DateTime', { nativeType: ['Time', ['6']] })],
    ['Decimal @db.Money', column('Decimal', { nativeType: ['Money', []] })],
  ])('%s has no derived validator: WindowSpecError', (_, info) => {
    expect(() => validatorOf(info)).toThrow(WindowSpecError);
    expect(() => validatorOf(info)).toThrow(/M\.f \(.*\) has no derived validator/);
  });
});

describe('enum columns', () => {
  const kind = column('Kind', { kind: 'enum', enum: { name: 'kind', schema: 'billing', values: { CREDIT: 'credit', DEBIT: 'DEBIT' } } });

  it('take one of the names in schema.prisma, never a stored label, and write the name', () => {
    const check = validatorOf(kind);
    expect(check('rows[0].f', 'CREDIT')).toBe('CREDIT');
    expect(check('rows[0].f', 'DEBIT')).toBe('DEBIT');
    for (const bad of ['credit', 'debit', '', 'toString', 'constructor', 1, null, {}]) {
      expect(() => check('rows[0].f', bad), String(bad)).toThrow(ValidationError);
    }
    expect(() => check('rows[0].f', 'credit')).toThrow(`expected one of M.f's values (CREDIT, DEBIT), got the string "credit".`);
  });

  it('of a catalog written before enums were bound: WindowSpecError asking to regenerate', () => {
    expect(() => validatorOf(column('Kind', { kind: 'enum' }))).toThrow(/M\.f is an enum \(Kind\).*prisma generate/);
  });
});

describe('pure row validators (a batch bound for COPY may validate its rows twice)', () => {
  it('defaults that make a new value each time are generated; literals and no default are not', () => {
    expect(generatesValue(column('DateTime', { updatedAt: true }))).toBe(true);
    expect(generatesValue(column('DateTime', { default: { function: 'now', args: [] } }))).toBe(true);
    expect(generatesValue(column('String', { default: { function: 'uuid', args: [4] } }))).toBe(true);
    expect(generatesValue(column('Decimal', { default: { value: 0 } }))).toBe(false);
    expect(generatesValue(column('Int'))).toBe(false);
  });

  it('a derived definition is pure, with a checking form, unless requireRow is overridden (its rows are then validated in full)', () => {
    const derived = deriveModelDefinition('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' } as never);
    expect(derived.pureRequireRow).toBe(true);
    expect(checkingValidator(derived.requireRow as never)).toBeDefined();
    const overridden = deriveModelDefinition('Transaction', {
      partitionBy: 'accountId',
      orderBy: 'createdAt',
      amount: 'amount',
      requireRow: (path: string, value: unknown, derived: (path: string, value: unknown) => unknown) => derived(path, value),
    } as never);
    expect(overridden.pureRequireRow).toBe(false);
    expect(checkingValidator(overridden.requireRow as never)).toBeUndefined();
  });
});

describe("a row validator's checking form (a COPY's check of every row before any SQL)", () => {
  // Values on every branch of the checks: valid and invalid decimals (plain, exponent, too many places or digits),
  // numbers, Decimals, dates (midnight or not, invalid, out of range, fake), text, and what no column takes.
  const value = fc.constantFrom<unknown>(
    0, 7, -2_147_483_649, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0.1, 12n,
    '12.50', '-0.001', '1e3', '.5', '5.', '12.345', '123456789012345678.5', '00012.10', '-', '', 'abc', ' 1', 'x'.repeat(300),
    new Prisma.Decimal('99.99'), new Prisma.Decimal('1e-9'),
    new Date('2026-03-29T00:00:00Z'), new Date('2026-03-29T01:30:00.123Z'), new Date('nope'), new Date('0000-06-01T00:00:00Z'),
    new Date(Date.UTC(10_000, 0, 1)), Object.create(Date.prototype), { a: 1 }, [1], null, undefined, true,
  );
  const KEEP = Symbol('the valid value');
  /** A value as text for comparing: an instant by its time, an amount by its digits ('12.50' and 12.5 agree). */
  const sameValue = (v: unknown): string =>
    v instanceof Date ? `time ${v.getTime()}` : Prisma.Decimal.isDecimal(v) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) ? `amount ${new Prisma.Decimal(v as string).toFixed()}` : String(v);

  it.each<[string, ColumnInfo]>([
    ['Decimal(14, 2)', column('Decimal', { nativeType: ['Decimal', ['14', '2']] })],
    ['Decimal(12, 3)', column('Decimal', { nativeType: ['Decimal', ['12', '3']] })],
    ['Decimal', column('Decimal')],
    ['DateTime', column('DateTime')],
    ['DateTime @db.Date', column('DateTime', { nativeType: ['Date', []] })],
  ])('%s: accepts only what the check passes, and the check writes the same value', (_, info) => {
    const check = validatorOf(info);
    expect(check.accepts).toBeDefined();
    let accepted = 0;
    fc.assert(
      fc.property(value, (v) => {
        if (!check.accepts!(v)) return;
        accepted += 1;
        expect(sameValue(check('rows[0].f', v))).toBe(sameValue(v));
      }),
      { numRuns: 200 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  // A valid row of each model, whose fields the property replaces by the values above at random.
  const models = [
    ['Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' }, { accountId: 7, amount: '-12.50', createdAt: new Date('2026-03-29T01:30:00.123Z'), externalId: 'k-1' }],
    ['SalesRecord', { partitionBy: 'region', orderBy: 'saleDate', amount: 'revenue' }, { region: 'EMEA', saleDate: new Date('2026-03-29'), revenue: '99.99', externalId: null }],
    ['InventoryMovement', { partitionBy: ['warehouseId', 'productSku'], orderBy: 'movedAt', amount: 'quantity' }, { warehouseId: 1, productSku: 'SKU-1', quantity: '-0.125', movedAt: new Date(0) }],
  ] as const;

  it.each(models)('%s: refuses exactly what the validator refuses, with its error; returns the needed fields as it does', (model, spec, valid) => {
    const definition = deriveModelDefinition(model, spec as never);
    const requireRow = definition.requireRow as (path: string, value: unknown) => Record<string, unknown>;
    const fields = definition.insertFields as readonly string[];
    const checking = checkingValidator(requireRow);
    expect(checking).toBeDefined();
    let passed = 0;
    const passes = (row: Record<string, unknown>) => {
      try {
        requireRow('rows[3]', row);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: fc.constant(KEEP), weight: 3 }, { arbitrary: value, weight: 1 }), { minLength: fields.length, maxLength: fields.length }), fc.subarray([...fields]), fc.boolean(), (values, needed, extra) => {
        const row: Record<string, unknown> = Object.fromEntries(fields.map((field, i) => [field, values[i] === KEEP ? (valid as Record<string, unknown>)[field] : values[i]]));
        if (extra) row.unknownField = 1;
        passed += passes(row) ? 1 : 0;
        const outcome = (validate: (path: string, value: unknown) => Record<string, unknown>) => {
          try {
            return { row: validate('rows[3]', row) };
          } catch (error) {
            return { error: error instanceof ValidationError ? error.message : `not a ValidationError: ${String(error)}` };
          }
        };
        const full = outcome(requireRow);
        const checked = outcome(checking!(needed));
        expect(checked.error).toBe(full.error);
        if (full.row === undefined || checked.row === undefined) return;
        for (const field of fields) {
          if (needed.includes(field)) expect(checked.row[field]).toEqual(full.row[field]);
          // Left as given only where the value is valid: the same amount or instant as written.
          else expect(sameValue(checked.row[field])).toBe(sameValue(full.row[field]));
        }
      }),
      propertyRuns(2000),
    );
    // Both outcomes were reached: rows that pass compare their fields, rows that fail their errors.
    expect(passed).toBeGreaterThan(0);
  });
});

describe('defaults the library fills in when a row leaves the column out', () => {
  const supplied = (info: ColumnInfo) => columnDefault('M', info, validatorOf(info));

  it('@updatedAt and now(): the time of validation', () => {
    for (const info of [column('DateTime', { updatedAt: true }), column('DateTime', { default: { function: 'now', args: [] } })]) {
      const before = Date.now();
      const value = supplied(info)?.() as Date;
      expect(value).toBeInstanceOf(Date);
      expect(value.getTime()).toBeGreaterThanOrEqual(before);
      expect(value.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('literals, checked against the column once', () => {
    expect(String(supplied(column('Decimal', { default: { value: 0 } }))?.())).toBe('0');
    expect(supplied(column('BigInt', { default: { value: '9007199254740993' } }))?.()).toBe(9_007_199_254_740_993n);
    expect(supplied(column('Boolean', { default: { value: false } }))?.()).toBe(false);
    const epoch = supplied(column('DateTime', { default: { value: '2026-01-01T00:00:00.000Z' } }));
    expect(epoch?.()).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(epoch?.()).not.toBe(epoch?.()); // a fresh Date each time
    expect(() => supplied(column('Decimal', { nativeType: ['Decimal', ['4', '2']], default: { value: 0.001 } }))).toThrow(WindowSpecError);
  });

  it('uuid(): a random v4 UUID; defaults only Prisma computes must be passed', () => {
    const uuid = supplied(column('String', { default: { function: 'uuid', args: [4] } }));
    expect(uuid?.()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid?.()).not.toBe(uuid?.());
    expect(supplied(column('String', { default: { function: 'cuid', args: [1] } }))).toBeUndefined();
    expect(supplied(column('String', { default: { function: 'uuid', args: [7] } }))).toBeUndefined();
    expect(supplied(column('Int'))).toBeUndefined();
  });
});

describe('rows and keys', () => {
  const requireRow = rowValidator([
    { field: 'qty', check: validatorOf(column('Int')), nullable: false, omitted: 'required' },
    { field: 'memo', check: validatorOf(column('String')), nullable: true, omitted: 'null' },
    { field: 'price', check: validatorOf(column('Decimal')), nullable: true, omitted: 'required' },
    { field: 'status', check: validatorOf(column('String')), nullable: false, omitted: () => 'new' },
  ]);

  it('nullable columns may be NULL or left out; defaults fill what is left out; a required one must be given', () => {
    expect(requireRow('rows[0]', { qty: 1, price: null })).toEqual({ qty: 1, memo: null, price: null, status: 'new' });
    expect(requireRow('rows[0]', { qty: 1, memo: 'x', price: '2.5', status: 'done' })).toMatchObject({ memo: 'x', status: 'done' });
    expect(() => requireRow('rows[0]', { qty: 1 })).toThrow(/rows\[0\]\.price: expected a Decimal, decimal string or number, got undefined/);
    expect(() => requireRow('rows[0]', { qty: null, price: null })).toThrow(/rows\[0\]\.qty: expected an integer, got null/);
    expect(() => requireRow('rows[0]', { qty: 1, price: null, status: null })).toThrow(/rows\[0\]\.status: expected a string, got null/);
    expect(() => requireRow('rows[3]', { qty: 1, price: null, qyt: 2 })).toThrow(/rows\[3\]\.qyt: is not a known option/);
    expect(() => requireRow('rows[3]', 'qty=1')).toThrow(/rows\[3\]: expected an object/);
  });

  it('a composite key is an object with exactly the partition fields', () => {
    const requireKey = keyValidator([
      { field: 'warehouseId', check: validatorOf(column('Int')) },
      { field: 'productSku', check: validatorOf(column('String'), true) },
    ]);
    expect(requireKey('k', { warehouseId: 1, productSku: 'SKU-1' })).toEqual({ warehouseId: 1, productSku: 'SKU-1' });
    expect(() => requireKey('k', { warehouseId: 1 })).toThrow(/k\.productSku: expected a string, got undefined/);
    expect(() => requireKey('k', [1, 'SKU-1'])).toThrow(/k: expected an object, got an array/);
    expect(() => requireKey('k', { warehouseId: 1, productSku: 'S', bin: 3 })).toThrow(/k\.bin: is not a known option/);
    expect(keyValidator([{ field: 'region', check: validatorOf(column('String'), true) }])('k', 'EMEA')).toBe('EMEA');
  });
});

describe('definitions derived from the schema', () => {
  const derived = (model: string, spec: Record<string, unknown>) =>
    requireModelDefinition(deriveModelDefinition(model, spec as never));

  it('Transaction: insert fields in schema order without the generated id, externalId as the idempotency key', () => {
    const definition = derived('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' });
    expect(definition.insertFields).toEqual(['accountId', 'amount', 'createdAt', 'externalId']);
    expect(definition.idempotencyKey).toBe('externalId');
    expect(definition.select).toEqual(['id', 'accountId', 'amount', 'createdAt', 'externalId']);
    const row = definition.requireRow('rows[0]', { accountId: 7, amount: null, createdAt: new Date(0) });
    expect(row).toEqual({ accountId: 7, amount: null, createdAt: new Date(0), externalId: null });
    expect(definition.keyOf(row)).toBe(7);
    // The amount is never left out by accident, even where it is nullable.
    expect(() => definition.requireRow('rows[0]', { accountId: 7, createdAt: new Date(0) })).toThrow(/rows\[0\]\.amount: expected a Decimal/);
    expect(() => definition.requireRow('rows[0]', { accountId: 7, amount: 1, createdAt: new Date(0), externalId: '' })).toThrow(
      /rows\[0\]\.externalId: must not be empty/,
    );
    expect(() => definition.requireRow('rows[0]', { accountId: 7, amount: 1, createdAt: new Date(0), externalId: 'x'.repeat(129) })).toThrow(
      /at most 128/,
    );
  });

  it('SalesRecord: dates and bounds are whole days', () => {
    const definition = derived('SalesRecord', { partitionBy: 'region', orderBy: 'saleDate', amount: 'revenue' });
    expect(definition.requireBound('options.from', new Date('2026-01-01'))).toEqual(new Date('2026-01-01'));
    expect(() => definition.requireBound('options.from', new Date('2026-01-01T10:00:00Z'))).toThrow(/options\.from: .* is not a whole day/);
    expect(() => definition.requireRow('rows[0]', { region: 'EU', saleDate: new Date('2026-01-01T10:00:00Z'), revenue: 1 })).toThrow(
      /rows\[0\]\.saleDate: .* is not a whole day/,
    );
    expect(() => definition.requireKey('options.partitions[0]', 'x'.repeat(65))).toThrow(/at most 64/);
  });

  it('InventoryMovement: a composite key, no idempotency key, createMany without skipDuplicates', async () => {
    const definition = derived('InventoryMovement', { partitionBy: ['warehouseId', 'productSku'], orderBy: 'movedAt', amount: 'quantity' });
    expect(definition.idempotencyKey).toBeUndefined();
    const row = definition.requireRow('rows[0]', { warehouseId: 1, productSku: 'SKU-1', quantity: '1.5', movedAt: new Date(0) });
    expect(definition.keyOf(row)).toEqual({ warehouseId: 1, productSku: 'SKU-1' });
    expect(definition.partitionValues?.({ warehouseId: 1, productSku: 'SKU-1' })).toEqual([1, 'SKU-1']);
    const { tx } = mockPrisma();
    tx.inventoryMovement.createMany.mockResolvedValue({ count: 1 });
    await definition.createMany(tx, [row]);
    expect(tx.inventoryMovement.createMany).toHaveBeenCalledWith({ data: [row] });
  });

  it('an explicit idempotency key, or null for none; createMany never skips duplicates, createManyAndReturn only with a key', async () => {
    const none = derived('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', idempotencyKey: null });
    expect(none.idempotencyKey).toBeUndefined();
    expect(none.createManyAndReturn).toBeUndefined();
    const { tx } = mockPrisma();
    tx.transaction.createMany.mockResolvedValue({ count: 0 });
    await none.createMany(tx, []);
    expect(tx.transaction.createMany).toHaveBeenCalledWith({ data: [] });
    const keyed = derived('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', idempotencyKey: 'externalId' });
    await keyed.createMany(tx, []);
    expect(tx.transaction.createMany).toHaveBeenLastCalledWith({ data: [] });
    tx.transaction.createManyAndReturn.mockResolvedValue([]);
    await keyed.createManyAndReturn!(tx, [], ['externalId']);
    expect(tx.transaction.createManyAndReturn).toHaveBeenLastCalledWith({ data: [], skipDuplicates: true, select: { externalId: true } });
  });

  it('overrides wrap the derived validators', () => {
    const definition = derived('Transaction', {
      partitionBy: 'accountId',
      orderBy: 'createdAt',
      amount: 'amount',
      requireKey: (path: string, value: unknown, check: (p: string, v: unknown) => number) => {
        const account = check(path, value);
        if (account <= 0) throw new ValidationError(path, 'account ids are positive.');
        return account;
      },
    });
    expect(definition.requireKey('k', 5)).toBe(5);
    expect(() => definition.requireKey('k', 1.5)).toThrow(/k: expected an integer/); // the derived check ran first
    expect(() => definition.requireKey('k', -5)).toThrow(/k: account ids are positive/);
  });

  it('a definition key that is not a function where one is expected: WindowSpecError', () => {
    expect(() => derived('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', requireRow: 'strict' })).toThrow(
      /requireRow must be a function, got the string "strict"/,
    );
    expect(() => deriveModelDefinition('Transaction', null as never)).toThrow(/the definition must be an object, got null/);
  });
});

describe('a BigInt partition key', () => {
  // `id` is the only BigInt field here; partitioning by it is useless but exercises bigint keys end to end.
  const ById = defineRunningTotalRepository('Transaction', { partitionBy: 'id', orderBy: 'createdAt', amount: 'amount' });

  it('binds bigint keys and fingerprints page cursors without JSON errors', async () => {
    const db = mockPrisma();
    db.prisma.$queryRaw.mockResolvedValue([]);
    db.tx.$queryRaw.mockResolvedValue([]);
    const repo = new ById(db.prisma);
    await repo.runningTotals({ partitions: [1n, 2] });
    expect(sentSql(db.prisma.$queryRaw).values[0]).toEqual([1n, 2n]);
    await expect(repo.page({ partition: 9_007_199_254_740_993n, limit: 2 })).resolves.toMatchObject({ rows: [], nextCursor: null });
    await expect(repo.runningTotals({ partitions: [2n ** 63n] })).rejects.toThrow(/outside the bigint column's range/);
  });
});
