import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_PATH, applyMigrations, diffMigrationsToSchema } from '../../scripts/lib/migrate/schema-engine.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();

describe('prisma/migrations and schema.prisma', () => {
  it('agree: replaying the migrations yields exactly the schema (no drift)', async () => {
    expect(await diffMigrationsToSchema(db.url)).toEqual({ drift: false, sql: '' });
  });

  it('the drift check fails when schema.prisma changes without a migration', async () => {
    const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
    const schemaText = schema.replace('@@index([saleDate, id])', '@@index([saleDate])');
    expect(schemaText).not.toBe(schema);
    const diff = await diffMigrationsToSchema(db.url, { schemaText });
    expect(diff.drift).toBe(true);
    expect(diff.sql).toContain('DROP INDEX "SalesRecord_saleDate_id_idx"');
  });

  it('applying twice is a no-op, like `prisma migrate deploy`', async () => {
    expect(await applyMigrations(db.url)).toEqual({ applied: [] });
  });

  it('creates the composite indexes that serve the window queries', async () => {
    const indexes = await db.prisma.$queryRaw<{ indexdef: string }[]>`
      SELECT indexdef FROM pg_indexes WHERE tablename IN ('Transaction', 'SalesRecord') ORDER BY indexname`;
    const definitions = indexes.map((i) => i.indexdef.replace(/^.* USING btree /, ''));
    expect(definitions).toEqual(
      expect.arrayContaining([
        '("accountId", "createdAt", id, amount)',
        '("createdAt", id)',
        '(region, "saleDate", id)',
        '("saleDate", id)',
      ]),
    );
    // The covering index replaced the one without `amount`.
    expect(definitions).not.toContain('("accountId", "createdAt", id)');
  });
});
