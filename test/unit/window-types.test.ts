import { describe, expectTypeOf, it, expect } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { conditions, ValidationError, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';

// These assertions are checked by `tsc --noEmit` (npm run typecheck, part of CI); at run time they are no-ops.
describe('inferred row types', () => {
  const f = windowFunctions('Transaction');
  const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');

  it('types the statistical, boolean and collecting aggregates by their SQL results', () => {
    const query = windowQuery('Transaction')
      .select('id')
      .add('spread', f.stddev('amount'), w)
      .add('accountSpread', f.varPop('accountId'), w)
      .add('positive', f.every(conditions('Transaction').compare('accountId', '>', 0)), w)
      .add('amounts', f.arrayAgg('amount'), w)
      .add('times', f.arrayAgg('createdAt'), w)
      .add('joined', f.stringAgg('amount', ', '), w)
      .add('second', f.nthValue('createdAt', 2), w)
      .add('cume', f.cumeDist(), w)
      .add('custom', f.aggregate<bigint>('my_count', 'amount'), w);
    type Row = Awaited<ReturnType<typeof query.execute>>[number];
    expectTypeOf<Row['spread']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['accountSpread']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['positive']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<Row['amounts']>().toEqualTypeOf<(Prisma.Decimal | null)[] | null>();
    expectTypeOf<Row['times']>().toEqualTypeOf<Date[] | null>();
    expectTypeOf<Row['joined']>().toEqualTypeOf<string | null>();
    expectTypeOf<Row['second']>().toEqualTypeOf<Date | null>();
    expectTypeOf<Row['cume']>().toEqualTypeOf<number>();
    expectTypeOf<Row['custom']>().toEqualTypeOf<bigint>();
    expect(query.toSql().text).toContain('"my_count"("amount")');
  });

  it('types selected columns like Prisma does and each function by its SQL result', () => {
    const query = windowQuery('Transaction')
      .select('id', 'accountId', 'amount', 'createdAt')
      .window('w', w)
      .add('total', f.runningTotal('amount'), 'w')
      .add('sum', f.sum('amount'), 'w')
      .add('accountSum', f.sum('accountId'), 'w')
      .add('count', f.count(), 'w')
      .add('rowNumber', f.rowNumber(), 'w')
      .add('percentRank', f.percentRank(), 'w')
      .add('ntile', f.ntile(4), 'w')
      .add('previous', f.lag('amount'), 'w')
      .add('firstAt', f.firstValue('createdAt'), 'w')
      .add('avg', f.avg('amount'), 'w');
    type Row = typeof query.row;
    expectTypeOf<Row['id']>().toEqualTypeOf<bigint>();
    expectTypeOf<Row['accountId']>().toEqualTypeOf<number>();
    expectTypeOf<Row['amount']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Row['total']>().toEqualTypeOf<Prisma.Decimal>();
    expectTypeOf<Row['sum']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['accountSum']>().toEqualTypeOf<bigint | null>(); // sum(int4) is int8
    expectTypeOf<Row['count']>().toEqualTypeOf<bigint>();
    expectTypeOf<Row['rowNumber']>().toEqualTypeOf<bigint>();
    expectTypeOf<Row['percentRank']>().toEqualTypeOf<number>();
    expectTypeOf<Row['ntile']>().toEqualTypeOf<number>();
    expectTypeOf<Row['previous']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['firstAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Row['avg']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(query.execute).returns.resolves.toEqualTypeOf<Row[]>();
  });

  it('honours @map: fields are named as in schema.prisma, columns as in the database', () => {
    const stock = windowFunctions('InventoryMovement');
    const query = windowQuery('InventoryMovement')
      .select('warehouseId', 'productSku', 'movedAt')
      .add('level', stock.runningTotal('quantity'), windowSpec('InventoryMovement').partitionBy('warehouseId', 'productSku').orderBy('movedAt'));
    expectTypeOf<typeof query.row>().toEqualTypeOf<{ warehouseId: number; productSku: string; movedAt: Date } & { level: Prisma.Decimal }>();
    const text = query.toSql().text;
    expect(text).toContain('"warehouse_id" AS "warehouseId"');
    expect(text).toContain('FROM "public"."inventory_movements"');
    expect(text).toContain('PARTITION BY "warehouse_id", "product_sku" ORDER BY "moved_at" ASC, "id" ASC');
  });

  it('rejects unknown columns, non-numeric sums and unnamed windows at compile time (and at run time)', () => {
    // @ts-expect-error — no such field
    expect(() => windowQuery('Transaction').select('amout')).toThrow(WindowSpecError);
    // @ts-expect-error — the database column name is not a field name
    expect(() => windowQuery('InventoryMovement').select('warehouse_id')).toThrow(WindowSpecError);
    // @ts-expect-error — sum needs a numeric field
    expect(() => f.sum('createdAt')).toThrow(/not numeric/);
    // @ts-expect-error — window "v" was never declared
    expect(() => windowQuery('Transaction').window('w', w).add('x', f.rowNumber(), 'v')).toThrow(/Unknown window "v"/);
    // @ts-expect-error — a condition value must have the field's type
    expect(() => conditions('Transaction').compare('accountId', '=', '7')).toThrow(ValidationError);
    // @ts-expect-error — functions of another model do not fit
    expect(() => windowQuery('SalesRecord').add('x', f.rowNumber(), windowSpec('SalesRecord').orderBy('saleDate'))).toThrow(/reads SalesRecord/);
  });
});
