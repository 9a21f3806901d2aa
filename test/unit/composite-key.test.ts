/**
 * Models whose primary key is composite, as on a distributed table (`@@id([accountId, id])`): the id orders ties
 * only together with the rest of the key, and an idempotency key may be unique only within its partition. These
 * tests register the distributed schema's catalog (prisma/citus) in place of prisma/schema.prisma's.
 */
import '../../prisma/generated/citus/window-ledger.ts';

import type { DMMF } from '@prisma/generator-helper';
import { beforeEach, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { catalogOf } from '../../src/generator/catalog-source.ts';
import { WindowSpecError, windowFunctions, windowQuery, windowSpec } from '../../src/index.ts';
import { conflictTargetOf, requireIdTiebreaker, tiebreakerOf } from '../../src/window/catalog.ts';
import { mockPrisma, oneLine, sentSql, type MockedPrisma } from '../support/mock-client.ts';
import { collect } from '../support/iterate.ts';

describe('the tiebreaker of a composite primary key', () => {
  it('is the id within partitions that fix the rest of the key, and the id plus the rest elsewhere', () => {
    expect(tiebreakerOf('Transaction', ['accountId'])).toEqual(['id']);
    expect(tiebreakerOf('Transaction', [])).toEqual(['id', 'accountId']);
    expect(tiebreakerOf('InventoryMovement', ['warehouseId', 'productSku'])).toEqual(['id']);
    expect(tiebreakerOf('InventoryMovement', ['productSku'])).toEqual(['id', 'warehouseId']);
  });

  it('ends a window order across partitions with id, then accountId', () => {
    const across = windowSpec('Transaction').orderBy('createdAt');
    expect(oneLine(across.toSql())).toBe(
      'ORDER BY "createdAt" ASC, "id" ASC, "accountId" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
    const within = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt', 'desc');
    expect(oneLine(within.toSql())).toBe(
      'PARTITION BY "accountId" ORDER BY "createdAt" DESC, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
  });

  it('gives row-picking functions over a RANGE window the whole key, and names it when refusing', () => {
    const f = windowFunctions('Transaction');
    const range = windowSpec('Transaction').orderBy('createdAt').range('UNBOUNDED PRECEDING', 'CURRENT ROW');
    const sql = oneLine(windowQuery('Transaction').select('id').add('previous', f.lag('amount'), range).toSql());
    expect(sql).toContain('lag("amount", 1) OVER (ORDER BY "createdAt" ASC, "id" ASC, "accountId" ASC)');
    expect(() => windowQuery('Transaction').select('id').add('first', f.firstValue('amount'), range).toSql()).toThrow(
      /end the ORDER BY with \.orderBy\('id', 'accountId'\)/,
    );
  });

  it('orders query results by the whole key', () => {
    const sql = oneLine(windowQuery('Transaction').select('id').add('n', windowFunctions('Transaction').rowNumber(), windowSpec('Transaction').orderBy('createdAt')).toSql());
    expect(sql).toMatch(/ORDER BY "Transaction"."createdAt" ASC, "Transaction"."id" ASC, "Transaction"."accountId" ASC$/);
  });

  it('refuses a keyset position that would need more than (order, id)', () => {
    expect(() => requireIdTiebreaker('Transaction', ['accountId'], 'A page')).not.toThrow();
    expect(() => requireIdTiebreaker('Transaction', [], 'A page')).toThrow(WindowSpecError);
    expect(() => requireIdTiebreaker('Transaction', [], 'A page')).toThrow(
      "A page resumes after the last row's (order, id), but Transaction.id is unique only together with accountId",
    );
  });
});

describe('repositories over the distributed schema', () => {
  let db: MockedPrisma;
  beforeEach(() => {
    db = mockPrisma();
    db.prisma.$queryRaw.mockResolvedValue([]);
  });

  it('globalRunningTotals orders the window and the rows by (createdAt, id, accountId)', async () => {
    await new TransactionRepository(db.prisma).globalRunningTotals();
    const sql = oneLine(sentSql(db.prisma.$queryRaw));
    expect(sql).toContain('OVER (ORDER BY "createdAt" ASC, "id" ASC, "accountId" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(sql).toMatch(/ORDER BY "Transaction"."createdAt" ASC, "Transaction"."id" ASC, "Transaction"."accountId" ASC$/);
  });

  it('a global keyset stream is refused before any SQL', async () => {
    await expect(collect(new TransactionRepository(db.prisma).streamRunningTotals({}, { scope: 'global' }))).rejects.toThrow(WindowSpecError);
    expect(db.prisma.$queryRaw).not.toHaveBeenCalled();
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
  });

  it('the idempotency key is unique within its account: ON CONFLICT names (accountId, externalId)', () => {
    expect(conflictTargetOf('Transaction', 'externalId', ['accountId'])).toEqual(['accountId', 'externalId']);
    expect(conflictTargetOf('Transaction', 'externalId', [])).toBeUndefined();
  });
});

describe('the generator', () => {
  const field = (name: string, over: Partial<DMMF.Field> = {}): DMMF.Field =>
    ({
      name,
      kind: 'scalar',
      isList: false,
      isRequired: true,
      isUnique: false,
      isId: false,
      isReadOnly: false,
      hasDefaultValue: false,
      type: 'Int',
      isGenerated: false,
      isUpdatedAt: false,
      ...over,
    }) as DMMF.Field;
  const model = (over: Partial<DMMF.Model>): DMMF.Model =>
    ({
      name: 'Ledger',
      dbName: null,
      schema: null,
      fields: [
        field('id', { type: 'BigInt', hasDefaultValue: true, default: { name: 'autoincrement', args: [] } }),
        field('accountId'),
        field('externalId', { type: 'String', isRequired: false }),
      ],
      uniqueFields: [],
      uniqueIndexes: [],
      primaryKey: null,
      isGenerated: false,
      ...over,
    }) as DMMF.Model;
  const catalog = (over: Partial<DMMF.Model>) =>
    (catalogOf({ models: [model(over)], enums: [], types: [], indexes: [] } as unknown as DMMF.Datamodel) as Record<string, Record<string, unknown>>)
      .Ledger!;

  it('records the generated field of a composite @@id as the id and the rest as its scope', () => {
    const entry = catalog({
      primaryKey: { name: null, fields: ['accountId', 'id'] },
      uniqueFields: [['accountId', 'externalId']],
    });
    expect(entry).toMatchObject({ id: 'id', idScope: ['accountId'], uniqueKeys: [['accountId', 'id'], ['accountId', 'externalId']] });
  });

  it('records no id for a composite key without exactly one generated field', () => {
    expect(catalog({ fields: [field('a'), field('b')], primaryKey: { name: null, fields: ['a', 'b'] } })).toMatchObject({ id: null, idScope: [] });
  });

  it('keeps a single-field @id as it was', () => {
    const fields = [field('id', { isId: true, type: 'BigInt', hasDefaultValue: true }), field('accountId')];
    expect(catalog({ fields })).toMatchObject({ id: 'id', idScope: [], uniqueKeys: [] });
  });
});
