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
  // Two integer fields of the Reading model.
  const readings: RunningTotalPlan<'Reading'> = {
    model: 'Reading',
    partitionBy: ['sensorId', 'level'],
    orderBy: 'takenAt',
    amount: 'score',
    select: ['id', 'sensorId', 'level', 'score', 'takenAt'],
    nulls: 'zero',
    frame: 'rows',
    partitions: { fields: ['sensorId', 'level'], keys: [[2, 5], [1, 4]] },
  };
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

  it('reads each key laterally, the result ordered by the sorted keys; the first field keeps its = ANY list', () => {
    const sql = oneLine(compileRunningTotal(readings));
    expect(sql).toContain('FROM (SELECT DISTINCT * FROM unnest(CAST($1 AS int4[]), CAST($2 AS int4[])) AS "__keys"("__key_0", "__key_1") ORDER BY 1, 2) AS "__keys" CROSS JOIN LATERAL (SELECT "id" AS "id"');
    expect(sql).toContain('FROM "public"."readings" WHERE "sensor_id" = ANY(CAST($3 AS int4[])) AND "sensor_id" = "__keys"."__key_0" AND "level" = "__keys"."__key_1") AS page');
    expect(sql).toMatch(/ORDER BY "__keys"\."__key_0" ASC, "__keys"\."__key_1" ASC, "__page_order_2" ASC, "__page_order_3" ASC$/);
  });

  it('a text key field compares in its column\'s collation: the keys\' text takes it from the table\'s row type', () => {
    const sql = oneLine(compileRunningTotal(inventory));
    expect(sql).toContain(
      'FROM (SELECT DISTINCT "__keys"."__key_0" AS "__key_0", COALESCE("__keys"."__key_1", (NULL::"public"."inventory_movements")."product_sku") AS "__key_1" ' +
        'FROM unnest(CAST($1 AS int4[]), CAST($2 AS text[])) AS "__keys"("__key_0", "__key_1") ORDER BY 1, 2) AS "__keys" CROSS JOIN LATERAL',
    );
    expect(sql).toMatch(/ORDER BY "__keys"\."__key_0" ASC, "__keys"\."__key_1" ASC, "__page_order_2" ASC, "__page_order_3" ASC$/);
    // The flat form (a keyset chunk) joins the list the same way.
    expect(oneLine(compileRunningTotal(inventory, { limit: 5 }))).toContain(
      '("warehouse_id", "product_sku") IN (SELECT "__list"."__key_0" AS "__key_0", COALESCE("__list"."__key_1", (NULL::"public"."inventory_movements")."product_sku") AS "__key_1" ' +
        'FROM unnest(CAST($2 AS int4[]), CAST($3 AS text[])) AS "__list"("__key_0", "__key_1"))',
    );
  });

  it('one key, one field, or a keyset chunk (a LIMIT): the flat statement', () => {
    const one = { ...readings, partitions: { fields: readings.partitionBy, keys: [[1, 4]] } };
    const accounts = { ...TRANSACTION_PLAN, partitions: { fields: ['accountId'], keys: [[7], [8]] } } satisfies RunningTotalPlan<'Transaction'>;
    const position = { key: ['1', '4'], order: '2026-01-01T00:00:00.000001', id: '12', total: new Prisma.Decimal('1.5') };
    for (const sql of [
      compileRunningTotal(one),
      compileRunningTotal(accounts),
      compileRunningTotal(readings, { limit: 5, withPosition: true }),
      compileRunningTotal(readings, { after: position, limit: 5, partitions: 'later' }),
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
