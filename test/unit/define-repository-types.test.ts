/**
 * Repositories derived from the schema: their row, input and key types come from the generated catalog and
 * Prisma's model types, and a definition that cannot be deterministic or complete does not compile. These
 * assertions are checked by `tsc --noEmit` (npm run typecheck); each rejected definition is also forced through
 * with its `@ts-expect-error` and must then throw WindowSpecError at construction.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  defineRunningTotalRepository,
  WindowSpecError,
  type DecimalInput,
  type InputOf,
  type PartitionKeyOf,
  type TotalRowOf,
} from '../../src/index.ts';
import {
  InventoryMovementRepository,
  SalesRecordRepository,
  TransactionRepository,
  type NewInventoryMovement,
  type NewSalesRecord,
  type NewTransaction,
  type StockKey,
} from '../../prisma/app/index.ts';
import type { IsDefaultedColumn, IsGeneratedColumn } from '../../src/window/types.ts';
import { mockPrisma } from '../support/mock-client.ts';

describe('types inferred from the schema', () => {
  it('input rows: required columns, nullable ones optional, the amount always given', () => {
    expectTypeOf<NewTransaction>().toEqualTypeOf<{
      readonly accountId: number;
      readonly amount: DecimalInput | null;
      readonly createdAt: Date;
      readonly externalId?: string | null;
    }>();
    expectTypeOf<NewSalesRecord>().toEqualTypeOf<{
      readonly region: string;
      readonly saleDate: Date;
      readonly revenue: DecimalInput;
      readonly externalId?: string | null;
    }>();
    expectTypeOf<NewInventoryMovement>().toEqualTypeOf<{
      readonly warehouseId: number;
      readonly productSku: string;
      readonly quantity: DecimalInput;
      readonly movedAt: Date;
    }>();
  });

  it('which columns an insert writes and which a row may leave out, on column shapes this schema lacks', () => {
    expectTypeOf<IsGeneratedColumn<{ default: { function: 'autoincrement'; args: [] } }>>().toEqualTypeOf<true>();
    expectTypeOf<IsGeneratedColumn<{ default: { function: 'dbgenerated'; args: ['gen_random_uuid()'] } }>>().toEqualTypeOf<true>();
    expectTypeOf<IsGeneratedColumn<{ default: { function: 'now'; args: [] } }>>().toEqualTypeOf<false>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: true; default: null }>>().toEqualTypeOf<true>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: { function: 'now'; args: [] } }>>().toEqualTypeOf<true>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: { value: 0 } }>>().toEqualTypeOf<true>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: { function: 'uuid'; args: readonly [4] } }>>().toEqualTypeOf<true>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: { function: 'uuid'; args: readonly [7] } }>>().toEqualTypeOf<false>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: { function: 'cuid'; args: readonly [1] } }>>().toEqualTypeOf<false>();
    expectTypeOf<IsDefaultedColumn<{ updatedAt: false; default: null }>>().toEqualTypeOf<false>();
  });

  it('partition keys: the value for one field, an object for a composite key', () => {
    expectTypeOf<PartitionKeyOf<TransactionRepository>>().toEqualTypeOf<number>();
    expectTypeOf<PartitionKeyOf<SalesRecordRepository>>().toEqualTypeOf<string>();
    expectTypeOf<StockKey>().toEqualTypeOf<{ readonly warehouseId: number; readonly productSku: string }>();
  });

  it('result rows: the selected fields with Prisma value types, plus an exact total', () => {
    expectTypeOf<TotalRowOf<TransactionRepository>>().toEqualTypeOf<
      { readonly id: bigint; readonly accountId: number; readonly amount: Prisma.Decimal | null; readonly createdAt: Date } & {
        readonly runningTotal: Prisma.Decimal;
      }
    >();
    type Level = TotalRowOf<InventoryMovementRepository>;
    expectTypeOf<Level['id']>().toEqualTypeOf<bigint>();
    expectTypeOf<Level['quantity']>().toEqualTypeOf<Prisma.Decimal>();
    expectTypeOf<Level['runningTotal']>().toEqualTypeOf<Prisma.Decimal>();
    expectTypeOf<TotalRowOf<SalesRecordRepository>['externalId']>().toEqualTypeOf<string | null>();
  });

  it('a repository defined inline has the same API and types', () => {
    const Stock = defineRunningTotalRepository('InventoryMovement', {
      partitionBy: ['productSku', 'warehouseId'],
      orderBy: 'movedAt',
      amount: 'quantity',
      select: ['id', 'productSku', 'warehouseId', 'movedAt'],
    });
    const stock = new Stock(mockPrisma().prisma, { cursorSecret: 'x'.repeat(16) });
    expectTypeOf<InputOf<typeof stock>>().toEqualTypeOf<NewInventoryMovement>();
    expectTypeOf<PartitionKeyOf<typeof stock>>().toEqualTypeOf<{ readonly productSku: string; readonly warehouseId: number }>();
    expectTypeOf<keyof TotalRowOf<typeof stock>>().toEqualTypeOf<'id' | 'productSku' | 'warehouseId' | 'movedAt' | 'runningTotal'>();
    expectTypeOf(stock.page).parameter(0).toHaveProperty('partition');
    expectTypeOf(stock.streamRunningTotals).returns.toEqualTypeOf<AsyncGenerator<TotalRowOf<typeof stock>, void, undefined>>();
  });

  it('overrides get the derived validator and keep the derived types', () => {
    defineRunningTotalRepository('Transaction', {
      partitionBy: 'accountId',
      orderBy: 'createdAt',
      amount: 'amount',
      idempotencyKey: null,
      requireKey: (path, value, derived) => {
        expectTypeOf(derived).returns.toEqualTypeOf<number>();
        return derived(path, value);
      },
      requireRow: (path, value, derived) => {
        const row = derived(path, value);
        expectTypeOf(row.amount).toEqualTypeOf<Prisma.Decimal | null>();
        expectTypeOf(row.externalId).toEqualTypeOf<string | null>();
        return row;
      },
    });
  });
});

describe('definitions that cannot work do not compile, and throw WindowSpecError when forced through', () => {
  const construct = (make: () => new (db: never) => unknown) => () => new (make())(mockPrisma().prisma as never);

  it.each([
    [
      'an unknown field',
      // @ts-expect-error 'warehouse' is not a field of InventoryMovement
      () => defineRunningTotalRepository('InventoryMovement', { partitionBy: 'warehouse', orderBy: 'movedAt', amount: 'quantity' }),
      /Unknown field "warehouse"/,
    ],
    [
      'a composite key with a wrong field',
      // @ts-expect-error 'sku' is not a field of InventoryMovement
      () => defineRunningTotalRepository('InventoryMovement', { partitionBy: ['warehouseId', 'sku'], orderBy: 'movedAt', amount: 'quantity' }),
      /Unknown field "sku"/,
    ],
    [
      'a composite key with a field of another model',
      // @ts-expect-error 'accountId' belongs to Transaction
      () => defineRunningTotalRepository('InventoryMovement', { partitionBy: ['warehouseId', 'accountId'], orderBy: 'movedAt', amount: 'quantity' }),
      /Unknown field "accountId"/,
    ],
    [
      'a composite key that repeats a field',
      // @ts-expect-error accountId twice
      () => defineRunningTotalRepository('Transaction', { partitionBy: ['accountId', 'accountId'], orderBy: 'createdAt', amount: 'amount' }),
      /partitionBy lists "accountId" twice/,
    ],
    [
      'a nullable partition field',
      // @ts-expect-error externalId is nullable: a NULL partition could be neither selected nor resumed after
      () => defineRunningTotalRepository('Transaction', { partitionBy: 'externalId', orderBy: 'createdAt', amount: 'amount' }),
      /partitionBy field externalId \(String\?\) must be a NOT NULL/,
    ],
    [
      'a Decimal partition field',
      // @ts-expect-error a Decimal is not a key type
      () => defineRunningTotalRepository('InventoryMovement', { partitionBy: ['warehouseId', 'quantity'], orderBy: 'movedAt', amount: 'quantity' }),
      /partitionBy field quantity \(Decimal\) must be a NOT NULL/,
    ],
    [
      'an amount that is not numeric',
      // @ts-expect-error externalId is a String
      () => defineRunningTotalRepository('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'externalId' }),
      /amount must be a Decimal field .* externalId is String/,
    ],
    [
      'an integer amount (totals would not be exact Decimals)',
      // @ts-expect-error warehouseId is an Int
      () => defineRunningTotalRepository('InventoryMovement', { partitionBy: 'productSku', orderBy: 'movedAt', amount: 'warehouseId' }),
      /amount must be a Decimal field/,
    ],
    [
      'an order field that is not a time',
      // @ts-expect-error id is a BigInt
      () => defineRunningTotalRepository('Transaction', { partitionBy: 'accountId', orderBy: 'id', amount: 'amount' }),
      /orderBy must be a DateTime field; id is BigInt/,
    ],
    [
      'a select without the order field',
      // @ts-expect-error streams and pages resume after (partition, createdAt, id)
      () => defineRunningTotalRepository('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', select: ['id', 'accountId', 'amount'] }),
      /select must include .*add 'createdAt'/,
    ],
    [
      'an idempotency key that is not unique',
      // @ts-expect-error region is not @unique
      () => defineRunningTotalRepository('SalesRecord', { partitionBy: 'region', orderBy: 'saleDate', amount: 'revenue', idempotencyKey: 'region' }),
      /idempotencyKey region must be @unique/,
    ],
    [
      'an unknown definition key',
      // @ts-expect-error a typo for partitionBy
      () => defineRunningTotalRepository('Transaction', { partitionby: 'accountId', orderBy: 'createdAt', amount: 'amount' }),
      /"partitionby" is not a definition key/,
    ],
    [
      'an unknown model',
      // @ts-expect-error there is no Invoice model
      () => defineRunningTotalRepository('Invoice', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' }),
      /Unknown model "Invoice"/,
    ],
  ])('%s', (_name, define, message) => {
    // Defining never throws (importing a module with a broken definition is safe); constructing always does.
    const Repository = define as () => new (db: never) => unknown;
    expect(Repository).not.toThrow();
    expect(construct(Repository)).toThrow(WindowSpecError);
    expect(construct(Repository)).toThrow(message);
  });
});
