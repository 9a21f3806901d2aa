/**
 * A model whose insert fields include a column the bulk insert cannot bind (here a Bytes column) can still be read:
 * only `insertMany` is refused, with `WindowSpecError`, before any SQL. The model is registered at run time the
 * way the generated module registers an application's catalog.
 */
import { describe, expect, it } from 'vitest';
import {
  defineRunningTotalRepository,
  registerWindowCatalog,
  WindowSpecError,
  type ModelName,
} from '../../src/index.ts';
import { catalogColumn, shardLedgerColumns } from '../support/catalog-columns.ts';
import { mockPrisma } from '../support/mock-client.ts';

const column = catalogColumn;

registerWindowCatalog({
  KindedEntry: {
    name: 'KindedEntry',
    table: 'kinded_entries',
    schema: null,
    id: 'id',
    columns: {
      ...shardLedgerColumns(),
      details: column('details', 'Bytes', { nullable: true }),
    },
  },
});

// Not in this repository's schema, so not in the registered types: the name is only known at run time.
const model = 'KindedEntry' as ModelName;
const Entries = defineRunningTotalRepository(model, { partitionBy: 'shard', orderBy: 'at', amount: 'value' } as never);

describe('a model with a Bytes column', () => {
  it('builds its running-total query', () => {
    const sql = new Entries(mockPrisma().prisma).runningTotalsSql({ partitions: [1] } as never, 'partition');
    expect(sql.text).toContain('FROM "public"."kinded_entries"');
    expect(sql.text).toContain('"details"');
  });

  it('refuses insertMany before any SQL, naming the column', async () => {
    const { prisma } = mockPrisma();
    const rows = [{ shard: 1, at: new Date('2026-01-01T00:00:00Z'), value: '1.00', details: new Uint8Array([1]) }];
    await expect(new Entries(prisma).insertMany(rows as never)).rejects.toThrow(WindowSpecError);
    await expect(new Entries(prisma).insertMany([{ ...rows[0], details: undefined }] as never)).rejects.toThrow(/KindedEntry\.details \(Bytes\)/);
    expect(prisma.$executeRaw).not.toHaveBeenCalled();
    expect(prisma.$transaction).not.toHaveBeenCalled();
  });
});
