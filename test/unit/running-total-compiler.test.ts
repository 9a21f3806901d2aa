import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { compileRunningTotal } from '../../src/streaming/running-total-compiler.ts';
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';
import { TRANSACTION_PLAN } from '../support/plans.ts';
import { oneLine } from '../support/mock-client.ts';

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
