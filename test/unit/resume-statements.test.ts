/**
 * A chunk statement that resumes after a position is compiled once per plan and shape; later positions are bound
 * into the template. The result must be exactly what compiling at that position gives: the same text, the same
 * values in the same places, for every plan shape (one partition, a list, all, composite keys, ROWS and RANGE,
 * the two halves of a list resumed mid-partition), and positions holding anything stored text can hold.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import '../../prisma/app/index.ts';
import { chunkSql } from '../../src/streaming/keyset-chunk.ts';
import { compileRunningTotal, type ResumeAt } from '../../src/streaming/running-total-compiler.ts';
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';
import { TRANSACTION_PLAN } from '../support/plans.ts';
import { resumeStatement } from '../../src/streaming/resume-statements.ts';
import { registerWindowCatalog } from '../../src/index.ts';
import { propertyRuns } from '../support/property-seed.ts';

const transactions = TRANSACTION_PLAN;
const movements: RunningTotalPlan<'InventoryMovement'> = {
  model: 'InventoryMovement',
  partitionBy: ['warehouseId', 'productSku'],
  orderBy: 'movedAt',
  amount: 'quantity',
  select: ['id', 'warehouseId', 'productSku', 'quantity', 'movedAt'],
  nulls: 'skip',
  frame: 'range',
  partitions: { fields: ['warehouseId', 'productSku'], keys: [[1, 'SKU-1'], [2, "O'Brien"]] },
};
// Typed loosely: the property test runs one statement builder over plans of two models.
type AnyPlan = RunningTotalPlan<'Transaction'>;
const PLANS: ReadonlyArray<readonly [string, AnyPlan]> = [
  ['one account', { ...transactions, partitions: { fields: ['accountId'], keys: [[7]] } }],
  ['a list of accounts, from and to', { ...transactions, partitions: { fields: ['accountId'], keys: [[7], [8], [9]] }, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') }],
  ['every account, RANGE', { ...transactions, frame: 'range' }],
  ['the global total', { ...transactions, partitionBy: [] }],
  ['composite keys, RANGE, NULLs skipped', movements as unknown as AnyPlan],
];
const SHAPES = [
  { limit: 1001, positionAt: 1000, partitions: undefined },
  { limit: 11, positionAt: undefined, partitions: 'position' as const },
  { limit: 11, positionAt: undefined, partitions: 'later' as const },
];

const positionOf = (keys: number, [key, order, id, total]: readonly [string, string, string, string]): ResumeAt & { total: Prisma.Decimal } => ({
  key: Array.from({ length: keys }, (_, i) => `${key}${i}`),
  order,
  id,
  total: new Prisma.Decimal(total),
});

describe('resume statements', () => {
  it('equal the statement compiled at the position, text and values, for every plan and shape', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLANS),
        fc.constantFrom(...SHAPES),
        fc.tuple(fc.string(), fc.string(), fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String), fc.integer().map((n) => `${n}.${Math.abs(n % 100)}`)),
        ([, plan], shape, values) => {
          // A list's halves ('position', 'later') exist only for plans that list their partitions.
          fc.pre(shape.partitions === undefined || (plan.partitions !== undefined && plan.partitions.keys.length > 1));
          const at = positionOf(plan.partitionBy.length, values);
          const cached = chunkSql(plan, at, shape.limit, shape.positionAt, shape.partitions);
          const direct = compileRunningTotal(plan, { after: at, limit: shape.limit, withPosition: shape.positionAt === undefined ? true : { atRow: shape.positionAt }, partitions: shape.partitions });
          expect(cached.text).toBe(direct.text);
          expect(cached.values).toEqual(direct.values);
        },
      ),
      propertyRuns(300),
    );
  });

  it('compile once per plan and shape, then only bind', () => {
    const plan = { ...transactions, partitions: { fields: ['accountId'], keys: [[41]] } } satisfies RunningTotalPlan<'Transaction'>;
    const compile = vi.fn((after: ResumeAt) => compileRunningTotal(plan, { after, limit: 5 }));
    const first = resumeStatement(plan, 'test shape', positionOf(1, ['41', '2026-01-01 00:00:00.000001+00', '1', '1.00']), compile);
    const second = resumeStatement({ ...plan }, 'test shape', positionOf(1, ['41', '2026-01-02 00:00:00.000002+00', '2', '-3.50']), compile);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(second.text).toBe(first.text);
    expect(second.values).toContain('2026-01-02 00:00:00.000002+00');
    expect(second.values).toContain('-3.5');
    expect(first.values).not.toContain('-3.5');
  });

  it('a statement that binds a position inside other text is compiled every time', () => {
    const plan = { ...transactions, partitions: { fields: ['accountId'], keys: [[42]] } } satisfies RunningTotalPlan<'Transaction'>;
    const compile = vi.fn((after: ResumeAt) => Prisma.sql`SELECT ${`order ${after.order}`}`);
    const at = positionOf(1, ['42', 'x', '1', '0']);
    expect(resumeStatement(plan, 'inside text', at, compile).values).toEqual(['order x']);
    expect(resumeStatement(plan, 'inside text', { ...at, order: 'y' }, compile).values).toEqual(['order y']);
    expect(compile).toHaveBeenCalledTimes(4); // each call: once with slots (refused), once at the position
  });
});

describe('resume statements and the catalog', () => {
  it('a catalog registered again (a distributed variant of the same models) is compiled from anew', () => {
    const plan = { ...TRANSACTION_PLAN, partitions: { fields: ['accountId'], keys: [[43]] } } satisfies RunningTotalPlan<'Transaction'>;
    const compile = vi.fn((after: ResumeAt) => compileRunningTotal(plan, { after, limit: 5 }));
    const at = positionOf(1, ['43', '2026-01-01 00:00:00+00', '1', '1.00']);
    resumeStatement(plan, 'catalog', at, compile);
    resumeStatement(plan, 'catalog', at, compile);
    expect(compile).toHaveBeenCalledTimes(1);
    registerWindowCatalog({});
    resumeStatement(plan, 'catalog', at, compile);
    expect(compile).toHaveBeenCalledTimes(2);
  });
});
