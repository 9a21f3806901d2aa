import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { compileRunningTotal } from '../../src/streaming/running-total-compiler.ts';
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';
import { TRANSACTION_PLAN } from '../support/plans.ts';
import { oneLine } from '../support/mock-client.ts';
import { WindowSpecError } from '../../src/errors.ts';
import { partitionKeyRelation } from '../../src/window/filters.ts';
import { windowFunctions } from '../../src/window/functions.ts';
import { windowQuery } from '../../src/window/window-query.ts';
import { windowSpec } from '../../src/window/window-spec.ts';

const base = TRANSACTION_PLAN;
const after = { key: ['7'], order: '2026-01-01T00:00:00.000001+00:00', id: '12', total: new Prisma.Decimal('10.50') };
const counter = (sql: Prisma.Sql) => /CASE WHEN (row_number\(\) OVER (?:"__total"|\(.*?\))) = 1000/.exec(oneLine(sql))?.[1];

describe('compileRunningTotal with the position of one row', () => {
  it("counts in the total's own window over one partition (or none), so one WindowAgg computes both", () => {
    const one = { ...base, partitions: { fields: ['accountId'], keys: [[7]] } } satisfies RunningTotalPlan<'Transaction'>;
    const global = { ...base, partitionBy: [] } satisfies RunningTotalPlan<'Transaction'>;
    for (const [plan, from] of [[one, {}], [one, { after }], [global, {}], [{ ...base, partitions: { fields: ['accountId'], keys: [[7], [8]] } }, { after, partitions: 'position' as const }]] as const) {
      const sql = compileRunningTotal(plan, { ...from, limit: 1001, withPosition: { atRow: 1000 } });
      expect(counter(sql)).toBe('row_number() OVER "__total"');
      expect(oneLine(sql)).toMatch(/OVER "__total" AS "runningTotal"|OVER "__total"\) AS "runningTotal"/);
    }
  });

  it("counts in the result's order when the result spans several partitions", () => {
    const list = { ...base, partitions: { fields: ['accountId'], keys: [[7], [8]] } } satisfies RunningTotalPlan<'Transaction'>;
    for (const plan of [base, list]) {
      const sql = compileRunningTotal(plan, { limit: 1001, withPosition: { atRow: 1000 } });
      expect(counter(sql)).toBe('row_number() OVER (ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC)');
      expect(oneLine(sql)).not.toContain('__total');
    }
  });
});

describe('compileRunningTotal over a list of composite partition keys', () => {
  const inventory: RunningTotalPlan<'InventoryMovement'> = {
    model: 'InventoryMovement',
    partitionBy: ['warehouseId', 'productSku'],
    orderBy: 'movedAt',
    amount: 'quantity',
    select: ['id', 'warehouseId', 'productSku', 'quantity', 'movedAt'],
    nulls: 'zero',
    frame: 'rows',
    partitions: { fields: ['warehouseId', 'productSku'], keys: [[2, 'B'], [1, 'A']] },
  };
  const KEYS = '(SELECT DISTINCT * FROM unnest(CAST($1 AS int4[]), CAST($2 AS text[])) AS "__keys"("__key_0", "__key_1") ORDER BY 1) AS "__keys"';
  const MATCH = '"warehouse_id" = ANY(CAST($3 AS int4[])) AND "warehouse_id" = "__keys"."__key_0" AND "product_sku" = "__keys"."__key_1"';
  // The warehouse (an integer) from the sorted keys; the product is text, whose column may have its own collation.
  const ORDER = 'ORDER BY "__keys"."__key_0" ASC, "__page_order_1" ASC, "__page_order_2" ASC, "__page_order_3" ASC';

  it('reads each key laterally, ordered by the sorted keys up to the first text field, then the stored values; the first field keeps its = ANY list', () => {
    const sql = compileRunningTotal(inventory);
    expect(oneLine(sql)).toContain(`FROM ${KEYS} CROSS JOIN LATERAL (SELECT "id" AS "id"`);
    expect(oneLine(sql)).toContain(`"moved_at" AS "__page_order_2", "id" AS "__page_order_3" FROM "public"."inventory_movements" WHERE ${MATCH}) AS page ${ORDER}`);
    expect(oneLine(sql)).toMatch(/^SELECT "id", "warehouseId", "productSku", "quantity", "movedAt", "runningTotal" FROM /);
    expect(sql.values).toEqual([[2, 1], ['B', 'A'], [2, 1]]);
  });

  it('one key, one field, or a keyset chunk (a LIMIT): the flat statement', () => {
    const one = { ...inventory, partitions: { fields: inventory.partitionBy, keys: [[1, 'A']] } };
    const accounts = { ...TRANSACTION_PLAN, partitions: { fields: ['accountId'], keys: [[7], [8]] } } satisfies RunningTotalPlan<'Transaction'>;
    const position = { key: ['1', 'A'], order: '2026-01-01T00:00:00.000001+00:00', id: '12', total: new Prisma.Decimal('1.5') };
    for (const sql of [
      compileRunningTotal(one),
      compileRunningTotal(accounts),
      compileRunningTotal(inventory, { limit: 5, withPosition: true }),
      compileRunningTotal(inventory, { after: position, limit: 5, partitions: 'later' }),
    ]) {
      expect(oneLine(sql)).not.toContain('LATERAL');
    }
  });

  it('refuses, as the builder, a query read per key whose window is not partitioned by the keys', () => {
    const keys = partitionKeyRelation('InventoryMovement', ['warehouseId', 'productSku'], [[1, 'A'], [2, 'B']]);
    const f = windowFunctions('InventoryMovement');
    const byWarehouse = windowSpec('InventoryMovement').partitionBy('warehouseId').orderBy('movedAt');
    const query = windowQuery('InventoryMovement').select('id').add('total', f.runningTotal('quantity'), byWarehouse).eachPartitionOf(keys);
    expect(() => query.toSql()).toThrow(WindowSpecError);
    expect(() => query.toSql()).toThrow(/"total" over a window not partitioned by warehouseId, productSku/);
    const top = windowQuery('InventoryMovement').select('id').topPerPartition(1, windowSpec('InventoryMovement').partitionBy('warehouseId', 'productSku').orderBy('movedAt')).eachPartitionOf(keys);
    expect(() => top.toSql()).toThrow(/top-N/);
  });
});
