// Results must not depend on the session's TimeZone. Each zone below is made the database's default, and the
// library is used through clients built without any zone option (a plain `new PrismaPg({ connectionString })`
// and a plain `pg.Pool`), as an application would. Zones: DST (New York, across the March change), a half-hour
// offset (Kolkata), a 45-minute one (Chatham), and the POSIX zone 'UTC+05:30' (5:30 west of Greenwich), whose
// own abbreviation is "UTC": since PostgreSQL 18 that is what `AT TIME ZONE 'UTC'` would mean in such a session.
// The reference reads epoch microseconds through node-postgres.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { PrismaClient, type Prisma } from '../../prisma/generated/prisma/client.ts';
import { groupedQuery, SessionTimeZoneError, UnrepresentableValueError, windowFunctions, windowQuery, windowSpec } from '../../src/index.ts';
import { createPrismaClient, SalesRecordRepository, TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { testPool } from '../support/pg-pool.ts';
import { centsToString, referenceRunningTotals, stringToCents } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();

// Hourly rows across New York's switch to summer time (2026-03-08 07:00 UTC), with milliseconds.
const rows: NewTransaction[] = Array.from({ length: 12 }, (_, i) => ({
  accountId: 1 + (i % 2),
  amount: `${(i * 731) % 500}.${String((i * 17) % 100).padStart(2, '0')}`,
  createdAt: new Date(Date.UTC(2026, 2, 8, 2 + i, 30, 0, 123 + i)),
}));

interface Clients {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  end(): Promise<void>;
}

let open: Clients | undefined;
afterAll(async () => {
  await open?.end();
});

async function clientsIn(zone: string): Promise<Clients> {
  await open?.end();
  await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET timezone = '${zone}'`);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
  const pool = testPool(db.url, 2);
  open = { prisma, pool, end: async () => void (await Promise.all([prisma.$disconnect(), pool.end()])) };
  return open;
}

/** Stored rows as epoch microseconds (from PostgreSQL itself) and cents. */
async function stored(pool: pg.Pool) {
  const { rows: out } = await pool.query<{ id: string; account: number; us: string; amount: string }>(`
    SELECT id::text, "accountId" AS account, (extract(epoch FROM "createdAt") * 1000000)::bigint::text AS us, amount::text
    FROM "Transaction" ORDER BY "Transaction".id`);
  return out.map((r) => ({ id: BigInt(r.id), key: r.account, time: Number(r.us), cents: stringToCents(r.amount) }));
}

const expectedOf = (ledger: Awaited<ReturnType<typeof stored>>, partitioned: boolean) =>
  referenceRunningTotals(ledger, { partitioned, frame: 'rows', nulls: 'zero' }).map(
    (r) => `${r.id}@${new Date(r.time / 1000).toISOString()}:${centsToString(r.total)}`,
  );
const shape = (out: ReadonlyArray<{ id: bigint; createdAt: Date; runningTotal: Prisma.Decimal }>) =>
  out.map((r) => `${r.id}@${r.createdAt.toISOString()}:${r.runningTotal.toFixed(2)}`);

describe.each(['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC+05:30'])('sessions in %s', (zone) => {
  it('the session really runs in the zone, and Prisma alone would misread it (the hazard is real)', async () => {
    const { prisma } = await clientsIn(zone);
    const [row] = await prisma.$queryRaw<Array<{ zone: string; instant: Date }>>`
      SELECT current_setting('TimeZone') AS zone, timestamptz '2026-01-01 00:00:00+00' AS instant`;
    expect(row?.zone).toBe(zone);
    expect(row?.instant.toISOString()).not.toBe('2026-01-01T00:00:00.000Z');
  });

  it.each(['createMany', 'unnest'] as const)('insertMany (%s) stores the exact instants', async (strategy) => {
    const { prisma, pool } = await clientsIn(zone);
    await db.truncate('Transaction');
    await new TransactionRepository(prisma).insertMany(rows, { strategy });
    expect((await stored(pool)).map((r) => r.time)).toEqual(rows.map((r) => r.createdAt.getTime() * 1000));
  });

  it('plain, global, streamed (keyset and pgPool), paged and builder results equal the reference', async () => {
    const { prisma, pool } = await clientsIn(zone);
    await db.truncate('Transaction');
    const repo = new TransactionRepository(prisma);
    await repo.insertMany(rows);
    // Two rows 1 µs apart, written by SQL as another service would.
    await pool.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES
      (1, 0.01, '2026-03-08 06:59:59.999998+00'), (1, 0.02, '2026-03-08 06:59:59.999999+00')`);
    const ledger = await stored(pool);
    const perAccount = expectedOf(ledger, true);
    const global = expectedOf(ledger, false);

    expect(shape(await repo.runningTotals())).toEqual(perAccount);
    expect(shape(await repo.globalRunningTotals())).toEqual(global);
    expect(shape(await collect(repo.streamRunningTotals({}, { chunkSize: 4 }), ledger.length))).toEqual(perAccount);
    expect(shape(await collect(repo.streamRunningTotals({}, { chunkSize: 3, scope: 'global' }), ledger.length))).toEqual(global);
    const viaPool = new TransactionRepository(prisma, { pgPool: pool });
    expect(shape(await collect(viaPool.streamRunningTotals({}, { chunkSize: 4 }), ledger.length))).toEqual(perAccount);

    const walked: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages <= ledger.length; pages += 1) {
      const page = await repo.page({ partition: 1, limit: 5, ...(after && { after }) });
      walked.push(...shape(page.rows));
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(walked).toEqual(perAccount.filter((entry) => ledger.find((r) => entry.startsWith(`${r.id}@`))?.key === 1));

    const built = await windowQuery('Transaction').select('id', 'createdAt').orderBy('createdAt').execute(prisma);
    expect(built.map((r) => `${r.id}@${r.createdAt.toISOString()}`)).toEqual(
      [...ledger].sort((a, b) => a.time - b.time || Number(a.id - b.id)).map((r) => `${r.id}@${new Date(r.time / 1000).toISOString()}`),
    );

    // Functions that return an instant field's value are read like the field.
    const f = windowFunctions('Transaction');
    const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
    const picked = await windowQuery('Transaction')
      .select('id', 'accountId')
      .add('previous', f.lag('createdAt'), w)
      .add('first', f.firstValue('createdAt'), w)
      .add('latest', f.max('createdAt'), w)
      .execute(prisma);
    const iso = (us: number | undefined) => (us === undefined ? null : new Date(us / 1000).toISOString());
    const byAccount = (key: number) => ledger.filter((r) => r.key === key).sort((a, b) => a.time - b.time || Number(a.id - b.id));
    expect(picked.map((r) => [r.id, r.previous?.toISOString() ?? null, r.first?.toISOString(), r.latest?.toISOString()])).toEqual(
      [1, 2].flatMap((key) =>
        byAccount(key).map((r, i, all) => [r.id, iso(all[i - 1]?.time), iso(all[0]!.time), iso(r.time)]),
      ),
    );

    const { totals } = await repo.insertAndReport([{ accountId: 2, amount: '1.00', createdAt: new Date('2026-03-08T12:00:00.500Z') }]);
    const reported = totals.filter((r) => r.amount?.toFixed(2) === '1.00' && r.accountId === 2).map((r) => r.createdAt.toISOString());
    expect(reported).toEqual(['2026-03-08T12:00:00.500Z']);
  });

  it("inside a caller's transaction, createMany refuses the session's zone; unnest writes exactly", async () => {
    const { prisma, pool } = await clientsIn(zone);
    await db.truncate('Transaction');
    await expect(
      prisma.$transaction((tx) => new TransactionRepository(tx).insertMany(rows, { strategy: 'createMany' })),
    ).rejects.toBeInstanceOf(SessionTimeZoneError);
    expect(await stored(pool)).toEqual([]);
    await prisma.$transaction((tx) => new TransactionRepository(tx).insertMany(rows, { strategy: 'unnest' }));
    expect((await stored(pool)).map((r) => r.time)).toEqual(rows.map((r) => r.createdAt.getTime() * 1000));
  });
});

describe("a session whose zone is named 'Z' (a POSIX zone '<Z>+05')", () => {
  // PostgreSQL 18 reads the 'Z' of '2026-01-01T00:00:00Z' as an abbreviation of the session's zone first: every
  // instant bound in that form would be read 5 hours off. Bounds are bound with a numeric offset instead.
  it('from / to, balanceAsOf and bucket ranges select the same rows as in UTC', async () => {
    const { prisma, pool } = await clientsIn('<Z>+05');
    await db.truncate('Transaction');
    await new TransactionRepository(prisma).insertMany(rows, { strategy: 'unnest' });
    const ledger = await stored(pool);
    const repo = new TransactionRepository(prisma);
    const from = new Date(Date.UTC(2026, 2, 8, 5, 0));
    const to = new Date(Date.UTC(2026, 2, 8, 9, 0));
    const inRange = ledger.filter((r) => r.time >= from.getTime() * 1000 && r.time < to.getTime() * 1000).map((r) => r.id).sort();
    expect(inRange.length, 'the range holds some rows, not all').toBeGreaterThan(0);
    expect(inRange.length).toBeLessThan(ledger.length);
    const read = await repo.runningTotals({ from, to });
    expect(read.map((r) => r.id).sort()).toEqual(inRange);
    const at = new Date(Date.UTC(2026, 2, 8, 6, 30, 0, 123 + 4));
    const balance = ledger.filter((r) => r.key === 1 && r.time <= at.getTime() * 1000).reduce((t, r) => t + r.cents, 0n);
    const [one] = await repo.balanceAsOf({ partitions: [1], at });
    expect(one!.balance.toFixed(2)).toBe(centsToString(balance));
    const hours = await repo.globalBucketTotals({ bucket: 'hour', from, to, fill: 'none' });
    expect(hours.reduce((n, h) => n + Number(h.count), 0)).toBe(inRange.length);
  });
});

describe('a database whose DateStyle is not ISO', () => {
  it('createPrismaClient pins ISO dates, so returned instants are valid and exact', async () => {
    await open?.end();
    open = undefined;
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET timezone = 'UTC'`);
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET datestyle = 'SQL, DMY'`);
    const prisma = createPrismaClient(db.url);
    try {
      const [session] = await prisma.$queryRaw<Array<{ style: string }>>`SELECT current_setting('DateStyle') AS style`;
      expect(session?.style).toMatch(/^ISO/);
      await db.truncate('Transaction');
      await new TransactionRepository(prisma).insertMany(rows);
      const read = await new TransactionRepository(prisma).runningTotals();
      expect(read.map((r) => r.createdAt.toISOString()).sort()).toEqual(rows.map((r) => r.createdAt.toISOString()).sort());
    } finally {
      await prisma.$disconnect();
      await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" RESET datestyle`);
    }
  });

  it('a client left on that style fails its reads with an UnrepresentableValueError that names DateStyle', async () => {
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET datestyle = 'SQL, DMY'`);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: '-c TimeZone=UTC' }) });
    try {
      await db.truncate('Transaction');
      await new TransactionRepository(db.prisma).insertMany(rows);
      const read = new TransactionRepository(prisma).runningTotals();
      await expect(read).rejects.toThrow(UnrepresentableValueError);
      await expect(read).rejects.toThrow(/DateStyle is not ISO.*SESSION_OPTIONS/);
    } finally {
      await prisma.$disconnect();
      await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" RESET datestyle`);
    }
  });

  /** `arrayAgg` of the sale days: an array of dates in each row. */
  const daysCollected = (client: PrismaClient) =>
    windowQuery('SalesRecord')
      .select('id')
      .add('days', windowFunctions('SalesRecord').arrayAgg('saleDate'), windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate'))
      .execute(client) as Promise<Array<{ days: Date[] }>>;

  // Prisma reads a date's text as JavaScript does: '02/01/2026' (SQL, DMY) or '02.01.2026' (German) would be
  // February 1st, a valid and wrong Date. Dates are read as timestamps, whose text in these styles is refused.
  it.each(['SQL, DMY', 'German, DMY', 'Postgres, DMY'])('on %s, a date in a row or a group key is refused, never read with day and month swapped', async (style) => {
    await db.truncate('SalesRecord');
    await new SalesRecordRepository(db.prisma).insertMany([{ region: 'EMEA', saleDate: new Date('2026-01-02'), revenue: '10.00' }]);
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET datestyle = '${style}'`);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: '-c TimeZone=UTC' }) });
    try {
      const reads = [
        () => new SalesRecordRepository(prisma).runningTotals(),
        () => windowQuery('SalesRecord').select('saleDate', 'revenue').execute(prisma),
        () => groupedQuery('SalesRecord').groupBy('saleDate').aggregate('n', windowFunctions('SalesRecord').count()).execute(prisma),
        () => daysCollected(prisma),
      ];
      for (const read of reads) await expect(read()).rejects.toThrow(UnrepresentableValueError);
      // On an ISO session (SESSION_OPTIONS) the same days come back as they are stored.
      expect((await daysCollected(db.prisma)).map((row) => row.days.map((day) => day.toISOString()))).toEqual([['2026-01-02T00:00:00.000Z']]);
    } finally {
      await prisma.$disconnect();
      await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" RESET datestyle`);
    }
  });
});
