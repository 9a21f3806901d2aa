// npm run explain as a process: exit 0 when an index feeds the WindowAgg, 3 when a Sort does, 1 when it cannot run.
import { beforeAll, describe, expect, it } from 'vitest';

import { withDatabaseName } from '../../../scripts/lib/postgres/databases.ts';
import { useTestDatabase } from '../../support/database.ts';
import { runScript } from '../../support/run-script.ts';

describe('npm run explain', () => {
  const db = useTestDatabase();
  const env = () => ({ DATABASE_URL: db.url });

  beforeAll(async () => {
    // Enough rows for the planner to prefer the (region, saleDate, id) index over Seq Scan + Sort.
    await db.prisma.$executeRaw`
      INSERT INTO "SalesRecord" (region, "saleDate", revenue)
      SELECT (ARRAY['EMEA', 'AMER', 'APAC', 'LATAM'])[1 + g % 4], date '2026-01-01' + (g * 365 / 50000), (g % 1000) - 20
      FROM generate_series(1, 50000) AS g`;
    await db.prisma.$executeRaw`ANALYZE "SalesRecord"`;
  });

  it('exits 0 and names the index when no Sort feeds the WindowAgg', async () => {
    const result = await runScript('explain', ['sales-by-region'], env());
    expect(result.stdout).toMatch(/^sales-by-region on PostgreSQL [\d.]+ from DATABASE_URL$/m);
    expect(result.stdout).toContain('no Sort: WindowAgg fed by Index Scan (index SalesRecord_region_saleDate_id_idx)');
    expect(result.stdout).toMatch(/rows 50,000 · execution [\d.]+ ms/);
    expect(result.stdout).toContain('OK: no Sort under the WindowAgg.');
    expect(result.code).toBe(0);
  });

  it('exits 3 with --json once the index is gone', async () => {
    await db.prisma.$executeRaw`DROP INDEX "SalesRecord_region_saleDate_id_idx"`;
    const result = await runScript('explain', ['sales-by-region', '--json'], env());
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ query: 'sales-by-region', windowAggFedBy: 'sort', sortUnderWindowAgg: true, rows: 50_000 });
    expect(summary).not.toHaveProperty('raw');
    expect(result.code).toBe(3);
  });

  it('exits 1 with one clear line when the database cannot be reached', async () => {
    const result = await runScript('explain', ['sales-global'], { DATABASE_URL: withDatabaseName(db.url, 'no_such_database') });
    expect(result.stderr).toMatch(/^explain failed: DATABASE_URL names a database the server does not have: database "no_such_database" does not exist/m);
    expect(result.code).toBe(1);
  });
});
