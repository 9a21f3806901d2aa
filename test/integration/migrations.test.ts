import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { DEFAULT_SCHEMA_PATH, applyMigrations, diffMigrationsToSchema } from '../../scripts/lib/migrate/schema-engine.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg } from '../support/plain-sql.ts';

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

describe('a database whose defaults are not what the engine reads', () => {
  it('applies and re-applies the migrations into public under DateStyle SQL, DMY and a search path led by another schema', async () => {
    const name = `t_migrate_defaults_${randomBytes(4).toString('hex')}`;
    const admin = inject('databaseAdminUrl');
    await createDatabase(admin, name);
    const url = withDatabaseName(admin, name);
    try {
      await withPg(url, async (client) => {
        await client.query('CREATE SCHEMA other');
        await client.query('CREATE TABLE other."Transaction" (decoy int)');
        await client.query('INSERT INTO other."Transaction" VALUES (1)');
        await client.query(`ALTER DATABASE "${name}" SET DateStyle = 'SQL, DMY'`);
        await client.query(`ALTER DATABASE "${name}" SET search_path = other, public`);
      });
      const first = await applyMigrations(url);
      expect(first.applied.length).toBeGreaterThan(0);
      // The second run reads _prisma_migrations' timestamps back: it failed under this DateStyle.
      expect(await applyMigrations(url)).toEqual({ applied: [] });
      const rows = await textRows(
        url,
        `SELECT (SELECT count(*) FROM public."_prisma_migrations")::text AS migrations,
                to_regclass('public."Transaction"')::text AS ledger,
                to_regclass('other."_prisma_migrations"')::text AS stray,
                (SELECT count(*) FROM other."Transaction")::text AS decoys`,
      );
      expect(rows).toEqual([{ migrations: String(first.applied.length), ledger: 'public."Transaction"', stray: null, decoys: '1' }]);
    } finally {
      await dropDatabase(admin, name);
    }
  });
});
