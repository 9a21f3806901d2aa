// Concurrent batches that carry the same idempotency keys in different orders. Each insert into the unique index
// locks its key until commit; were the keys taken in each caller's order, two batches could each wait for a key
// the other holds (a deadlock, broken only by aborting one). Rows are written in key order, so that cannot happen:
// with retries switched off, every batch must succeed at the first attempt, and the server must count no deadlock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { SESSION_OPTIONS } from '../../src/index.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { transactionRows } from '../support/rows.ts';

const db = useTestDatabase();
const admin = useTestPool(db, 1);
let prisma: PrismaClient;

beforeAll(async () => {
  // Four batches at once need four connections.
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: SESSION_OPTIONS, max: 8 }) });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const KEYS = 120;
// Every amount is i.50: the stored total below is computed from that.
const rows: NewTransaction[] = transactionRows(KEYS, (i) => ({ amount: `${i}.50`, externalId: `key-${String(i).padStart(3, '0')}` }));

// Four fixed orders that conflict pairwise: ascending, descending, odd-then-even, and rotated by half.
const orders: NewTransaction[][] = [
  rows,
  [...rows].reverse(),
  [...rows.filter((_, i) => i % 2 === 1), ...rows.filter((_, i) => i % 2 === 0)],
  [...rows.slice(KEYS / 2), ...rows.slice(0, KEYS / 2)],
];

async function deadlocks(): Promise<number> {
  const { rows: out } = await admin().query<{ n: string }>(
    'SELECT deadlocks::text AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(out[0]!.n);
}

describe('concurrent insertMany with the same keys in different orders', () => {
  it.each(['unnest', 'createMany'] as const)('(%s) never deadlocks: each key stored once, no retry needed', async (strategy) => {
    await db.truncate('Transaction');
    // Statistics are flushed asynchronously; read them fresh.
    await admin().query('SELECT pg_stat_clear_snapshot()');
    const before = await deadlocks();
    const repo = new TransactionRepository(prisma);
    // Small chunks: many statements per batch, so the batches interleave.
    const results = await Promise.all(orders.map((batch) => repo.insertMany(batch, { strategy, chunkSize: 7, retry: false })));
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(KEYS);
    expect(results.reduce((sum, r) => sum + r.skipped, 0)).toBe(KEYS * (orders.length - 1));
    const { rows: stored } = await admin().query<{ keys: string; total: string }>(
      'SELECT count(DISTINCT "externalId")::text AS keys, sum(amount)::text AS total FROM "Transaction"',
    );
    expect(stored[0]).toEqual({ keys: String(KEYS), total: rows.reduce((sum, _, i) => sum + BigInt(i) * 100n + 50n, 0n).toString().replace(/(\d\d)$/, '.$1') });
    await admin().query('SELECT pg_stat_clear_snapshot()');
    expect(await deadlocks()).toBe(before);
  });
});
