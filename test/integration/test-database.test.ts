import { describe, expect, inject, it } from 'vitest';

import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();

describe('useTestDatabase()', () => {
  it('gives this file its own database, cloned from the migrated template', async () => {
    expect(db.name).toMatch(/^t_test_database_\d+_[0-9a-f]{6}$/);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
    const [row] = await db.prisma.$queryRaw<Array<{ db: string; migrations: bigint }>>`
      SELECT current_database() AS db, (SELECT count(*) FROM _prisma_migrations) AS migrations`;
    expect(row?.db).toBe(db.name);
    expect(row?.db).not.toBe(inject('databaseTemplate'));
    expect(Number(row?.migrations)).toBeGreaterThan(0);
  });

  it('truncates named tables and restarts their identities', async () => {
    const create = () =>
      db.prisma.transaction.create({ data: { accountId: 1, amount: '1.00', createdAt: new Date() } });
    await create();
    await db.truncate('Transaction');
    expect(await db.prisma.transaction.count()).toBe(0);
    expect((await create()).id).toBe(1n);
  });

  it('truncates every table when called without arguments', async () => {
    await db.prisma.transaction.create({ data: { accountId: 1, amount: null, createdAt: new Date() } });
    await db.prisma.salesRecord.create({ data: { region: 'north', saleDate: new Date(), revenue: '2.50' } });
    await db.truncate();
    expect(await db.prisma.transaction.count()).toBe(0);
    expect(await db.prisma.salesRecord.count()).toBe(0);
    const [row] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM _prisma_migrations`;
    expect(Number(row?.n)).toBeGreaterThan(0); // left alone
  });

  it('rejects table names it would have to escape', async () => {
    await expect(db.truncate('Transaction"; DROP TABLE "SalesRecord')).rejects.toThrow(/invalid table name/);
  });
});
