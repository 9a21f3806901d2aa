import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../prisma/app/index.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();

// A server whose default TimeZone is not UTC (new sessions on this database start in New York time).
describe('on a database whose sessions default to America/New_York', () => {
  let prisma: PrismaClient;
  beforeAll(async () => {
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET timezone = 'America/New_York'`);
    prisma = createPrismaClient(db.url);
  });
  afterAll(async () => {
    await prisma.$disconnect();
  });

  const at = (iso: string) => new Date(iso);
  const rows = [
    { accountId: 1, amount: '1.00', createdAt: at('2026-01-01T00:00:00Z') },
    { accountId: 1, amount: '2.00', createdAt: at('2026-01-01T03:00:00Z') },
    { accountId: 1, amount: '4.00', createdAt: at('2026-01-01T06:00:00Z') },
  ];

  it('createPrismaClient pins sessions to UTC: both insert strategies store the same instants and filters hold', async () => {
    const [session] = await prisma.$queryRaw<Array<{ zone: string }>>`SELECT current_setting('TimeZone') AS zone`;
    expect(session?.zone).toBe('UTC');
    const repo = new TransactionRepository(prisma);
    for (const strategy of ['createMany', 'unnest'] as const) {
      await db.truncate('Transaction');
      await repo.insertMany(rows, { strategy });
      const stored = await prisma.$queryRaw<Array<{ epoch: string }>>`SELECT extract(epoch FROM "createdAt")::text AS epoch FROM "Transaction" ORDER BY id`;
      expect(stored.map((r) => Number(r.epoch) * 1000), strategy).toEqual(rows.map((r) => r.createdAt.getTime()));
      const fromThree = await repo.runningTotals({ from: at('2026-01-01T03:00:00Z') });
      expect(fromThree.map((r) => [r.createdAt.toISOString(), r.runningTotal.toFixed(2)]), strategy).toEqual([
        ['2026-01-01T03:00:00.000Z', '2.00'],
        ['2026-01-01T06:00:00.000Z', '6.00'],
      ]);
    }
  });

  it('the library binds its own dates with an explicit offset, so filters hold even on a session left in New York', async () => {
    const plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    try {
      const [session] = await plain.$queryRaw<Array<{ zone: string }>>`SELECT current_setting('TimeZone') AS zone`;
      expect(session?.zone).toBe('America/New_York');
      await db.truncate('Transaction');
      await new TransactionRepository(plain).insertMany(rows, { strategy: 'unnest' });
      const amounts = (await new TransactionRepository(plain).runningTotals({ from: at('2026-01-01T03:00:00Z') })).map((r) => r.amount?.toFixed(2));
      expect(amounts).toEqual(['2.00', '4.00']);
    } finally {
      await plain.$disconnect();
    }
  });
});
