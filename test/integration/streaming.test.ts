import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { InvalidCursorError, type FrameChoice, type NullPolicy } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { idTotals, salesArbitrary, transactionsArbitrary } from '../support/ledger-data.ts';
import { explainQuery } from '../../src/explain/index.ts';
import { chunkSql, fetchChunk } from '../../src/streaming/keyset-chunk.ts';
import type { ReadRows } from '../../src/executor/pool-query.ts';
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { propertyRuns } from '../support/property-seed.ts';

const db = useTestDatabase();
const runs = propertyRuns(5);
/** A node-postgres pool on this file's database, for the pgPool stream path. */
const rawPool = useTestPool(db, 2);

describe('streamRunningTotals', () => {
  it('equals the non-streaming call exactly for chunk sizes 1, 2, 7 and 1000, both frames, both scopes', async () => {
    const repo = new TransactionRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(
        transactionsArbitrary(80),
        fc.constantFrom<FrameChoice>('rows', 'range'),
        fc.constantFrom<NullPolicy>('zero', 'skip'),
        async (rows, frame, nulls) => {
          await db.truncate('Transaction');
          await repo.insertMany(rows);
          for (const scope of ['partition', 'global'] as const) {
            const expected = idTotals(scope === 'partition' ? await repo.runningTotals({ frame, nulls }) : await repo.globalRunningTotals({ frame, nulls }));
            const viaPool = new TransactionRepository(db.prisma, { pgPool: rawPool() });
            for (const chunkSize of [1, 2, 7, 1000]) {
              const streamed = await collect(repo.streamRunningTotals({ frame, nulls }, { chunkSize, scope }));
              expect(idTotals(streamed), `scope ${scope}, chunk ${chunkSize}`).toEqual(expected);
              const raw = await collect(viaPool.streamRunningTotals({ frame, nulls }, { chunkSize, scope }));
              expect(idTotals(raw), `pg pool, scope ${scope}, chunk ${chunkSize}`).toEqual(expected);
            }
          }
        },
      ),
      runs,
    );
  });

  it('over a list of accounts (unsorted, some without rows) equals the non-streaming call for every chunk size, both frames', async () => {
    // A chunk that resumes inside a list reads the rest of its account, then the accounts after it: every
    // boundary between the two statements, and between accounts, is crossed by some chunk size.
    const repo = new TransactionRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(
        transactionsArbitrary(150, 60),
        fc.array(fc.nat(), { minLength: 3, maxLength: 6 }),
        fc.constantFrom<FrameChoice>('rows', 'range'),
        fc.constantFrom<NullPolicy>('zero', 'skip'),
        async (rows, picks, frame, nulls) => {
          await db.truncate('Transaction');
          await repo.insertMany(rows);
          // Accounts that have rows, picked in a random order, and one that has none (26..30 never do).
          const present = [...new Set(rows.map((row) => row.accountId))];
          const partitions = [...new Set(picks.map((pick) => present[pick % present.length]!)), 26 + (picks[0]! % 5)];
          const expected = idTotals(await repo.runningTotals({ partitions, frame, nulls }));
          expect(expected.length).toBeGreaterThan(1);
          for (const chunkSize of [1, 2, 3, 7, 13, 1000]) {
            const streamed = await collect(repo.streamRunningTotals({ partitions, frame, nulls }, { chunkSize }), 500);
            expect(idTotals(streamed), `chunk ${chunkSize}`).toEqual(expected);
          }
        },
      ),
      runs,
    );
  });

  it('the raw node-postgres path returns exactly the types $queryRaw returns (Decimal, bigint, UTC dates)', async () => {
    await fc.assert(
      fc.asyncProperty(salesArbitrary(60), async (rows) => {
        await db.truncate('SalesRecord');
        const sales = new SalesRecordRepository(db.prisma);
        await sales.insertMany(rows);
        const expected = await sales.runningTotals();
        const streamed = await collect(new SalesRecordRepository(db.prisma, { pgPool: rawPool() }).streamRunningTotals({}, { chunkSize: 5 }));
        expect(streamed).toEqual(expected);
        expect(streamed[0]?.revenue).toBeInstanceOf(Prisma.Decimal);
        expect(typeof streamed[0]?.id).toBe('bigint');
      }),
      runs,
    );
  });

  it.each([
    ['$queryRaw', false],
    ['node-postgres pool', true],
  ])('reads one snapshot (%s): a row committed mid-stream does not change what the stream returns', async (_path, viaPool) => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma, viaPool ? { pgPool: rawPool() } : {});
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    await repo.insertMany(Array.from({ length: 40 }, (_, i) => ({ accountId: 1 + (i % 2), amount: `${i}.50`, createdAt: t(i) })));
    const before = idTotals(await repo.runningTotals());
    const seen: Array<{ id: bigint; runningTotal: Prisma.Decimal }> = [];
    for await (const row of repo.streamRunningTotals({}, { chunkSize: 5 })) {
      if (seen.length === 3) {
        // Committed by another connection, before the stream's position and in a partition it is still reading.
        await new TransactionRepository(db.prisma).insertMany([{ accountId: 1, amount: '1000.00', createdAt: t(0) }]);
        await new TransactionRepository(db.prisma).insertMany([{ accountId: 2, amount: '5.00', createdAt: t(1) }]);
      }
      seen.push(row);
    }
    expect(idTotals(seen)).toEqual(before);
    expect(idTotals(await repo.runningTotals())).not.toEqual(before);
  });

  it('releases its transaction when the consumer breaks out early', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany(Array.from({ length: 50 }, (_, i) => ({ accountId: 1, amount: '1.00', createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })));
    let taken = 0;
    for await (const row of repo.streamRunningTotals({}, { chunkSize: 10 })) {
      expect(row.runningTotal).toBeInstanceOf(Prisma.Decimal);
      if (++taken === 3) break;
    }
    expect(taken).toBe(3);
    const viaPool = new TransactionRepository(db.prisma, { pgPool: rawPool() });
    for await (const row of viaPool.streamRunningTotals({}, { chunkSize: 10 })) {
      expect(row.runningTotal).toBeInstanceOf(Prisma.Decimal);
      break;
    }
    expect(rawPool().idleCount).toBe(rawPool().totalCount); // the connection went back to the pool
    // TRUNCATE needs an exclusive lock: it would wait on a snapshot transaction that was left open.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL lock_timeout = '2s'`;
      await tx.$executeRaw`TRUNCATE "Transaction"`;
    });
    const open = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
    expect(open[0]?.n).toBe(0n);
  });

  it("reads one snapshot in a caller's READ COMMITTED transaction: rows another session commits meanwhile are not seen", async () => {
    await db.truncate('Transaction');
    await new TransactionRepository(db.prisma).insertMany(
      Array.from({ length: 4 }, (_, i) => ({ accountId: 1, amount: '10.00', createdAt: new Date(Date.UTC(2026, 0, 10 + i, 0, 0, 0, 1)) })),
    );
    for (const [path, options] of [['Prisma', {}], ['pgPool', { pgPool: rawPool() }]] as const) {
      await db.prisma.$executeRaw`DELETE FROM "Transaction" WHERE amount <> 10`;
      const seen = await db.prisma.$transaction(
        async (tx) => {
          const totals: string[] = [];
          for await (const row of new TransactionRepository(tx, options).streamRunningTotals({ partitions: [1] }, { chunkSize: 2 })) {
            totals.push(row.runningTotal.toFixed(2));
            // After the first chunk, another session commits a row before the stream's position and one after it.
            if (totals.length === 2) {
              await rawPool().query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 1000, '2026-01-01Z'), (1, 7, '2026-02-01Z')`);
            }
          }
          return totals;
        },
        { isolationLevel: 'ReadCommitted' },
      );
      // The ledger as it was when the stream started (40.00); not 47.00, which it never held.
      expect(seen, path).toEqual(['10.00', '20.00', '30.00', '40.00']);
    }
  });

  it('keeps a chunk as cheap at 90% depth as at 10%: the index scan reads only the chunk', async () => {
    await db.truncate('Transaction');
    await db.prisma.$executeRaw`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + (g % 3), (g % 10000) / 100.0, timestamptz '2026-01-01' + g * interval '1 second'
      FROM generate_series(1, 30000) g`;
    await db.prisma.$executeRaw`ANALYZE "Transaction"`;
    const repo = new TransactionRepository(db.prisma);
    const rows = await repo.runningTotals({ partitions: [1] });
    const plan = { model: 'Transaction' as const, partitionBy: ['accountId'] as const, orderBy: 'createdAt' as const, amount: 'amount' as const,
      select: ['id', 'accountId', 'amount', 'createdAt'] as const, nulls: 'zero' as const, frame: 'rows' as const,
      where: [] };
    const scanned = async (depth: number) => {
      const at = rows[Math.floor(rows.length * depth)]!;
      const summary = await explainQuery(db.prisma, chunkSql(plan, { key: ['1'], order: at.createdAt.toISOString(), id: String(at.id), total: at.runningTotal }, 1001));
      expect(summary.sortUnderWindowAgg).toBe(false);
      expect(summary.windowAggFedBy).toMatch(/index/);
      const scan = findScan(summary.root);
      return scan?.actualRows ?? Number.NaN;
    };
    const shallow = await scanned(0.1);
    const deep = await scanned(0.9);
    expect(shallow).toBeLessThanOrEqual(1002);
    expect(deep).toBeLessThanOrEqual(1002);
  });

  it('starts the index scan at the position, also filtered to one partition or a list: a deep chunk reads the blocks a shallow one reads', async () => {
    // A btree starts at an equality or `= ANY` list on the leading column before a row comparison over it: without
    // conditions written for that, every chunk read its partition (or the whole list) from the first row on, and
    // the scan's row count could not tell (those index entries are skipped inside the scan, not filtered).
    await db.truncate('Transaction');
    await db.prisma.$executeRaw`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + (g % 3), (g % 10000) / 100.0, timestamptz '2026-01-01' + g * interval '1 second' + (g % 7) * interval '1 microsecond'
      FROM generate_series(1, 60000) g`;
    await db.prisma.$executeRaw`VACUUM ANALYZE "Transaction"`;
    const base: RunningTotalPlan<'Transaction'> = { model: 'Transaction', partitionBy: ['accountId'], orderBy: 'createdAt', amount: 'amount',
      select: ['id', 'accountId', 'amount', 'createdAt'], nulls: 'zero', frame: 'rows' };
    const positionOf = async (account: number, depth: number) => {
      const offset = Math.floor(20_000 * depth);
      const [at] = await db.prisma.$queryRaw<Array<{ id: bigint; at: string }>>`
        SELECT id, to_json("createdAt") #>> '{}' AS at FROM "Transaction" WHERE "accountId" = ${account}
        ORDER BY "createdAt", id OFFSET ${offset} LIMIT 1`;
      return { key: [String(account)], order: at!.at, id: String(at!.id), total: new Prisma.Decimal(0) };
    };
    const blocks = async (plan: RunningTotalPlan<'Transaction'>, position: Awaited<ReturnType<typeof positionOf>>) => {
      const summary = await explainQuery(db.prisma, chunkSql(plan, position, 1001, 1000));
      expect(summary.sortUnderWindowAgg, JSON.stringify(summary)).toBe(false);
      return summary.sharedBlocks!.hit + summary.sharedBlocks!.read;
    };
    const one: RunningTotalPlan<'Transaction'> = { ...base, partitions: { fields: ['accountId'], keys: [[1]] } };
    const shallow = await blocks(one, await positionOf(1, 0.05));
    // 20,000 rows of account 1 span over a hundred index pages: at half depth, half of them would be read again.
    // (Deeper, fewer rows than the limit remain, and the planner may rightly sort them instead.)
    expect(await blocks(one, await positionOf(1, 0.5))).toBeLessThanOrEqual(shallow + 5);
    expect(await blocks(base, await positionOf(1, 0.5))).toBeLessThanOrEqual(shallow + 5);
    // A list starts at the position's partition, not at the list's first: accounts 1 and 2 are not read again.
    const list: RunningTotalPlan<'Transaction'> = { ...base, partitions: { fields: ['accountId'], keys: [[1], [2], [3]] } };
    expect(await blocks(list, await positionOf(3, 0.01))).toBeLessThanOrEqual(shallow + 5);
    // Chunks as a stream reads a list: the rest of the position's partition from the position, then the next ones.
    const chunkBlocks = async (position: Awaited<ReturnType<typeof positionOf>>) => {
      let total = 0;
      const read: ReadRows = async <Row,>(sql: Prisma.Sql) => {
        const summary = await explainQuery(db.prisma, sql);
        total += summary.sharedBlocks!.hit + summary.sharedBlocks!.read;
        return db.prisma.$queryRaw<Row[]>(sql);
      };
      const chunk = await fetchChunk(read, list, position, 1000);
      expect(chunk.rows).toHaveLength(1000);
      return total;
    };
    const near = await chunkBlocks(await positionOf(1, 0.05));
    expect(await chunkBlocks(await positionOf(1, 0.5))).toBeLessThanOrEqual(near + 5);
    // At the end of account 1 the chunk goes on into account 2, from its first row.
    expect(await chunkBlocks(await positionOf(1, 0.99))).toBeLessThanOrEqual(near + 10);
    // A chunk of one partition counts the row it resumes after in the total's own window: one WindowAgg computes
    // both (a count over another window spec sorted nothing, but cost a second pass over every row).
    const counted = await explainQuery(db.prisma, chunkSql(one, await positionOf(1, 0.5), 1001, 1000));
    expect(windowAggs(counted.root), JSON.stringify(counted.root)).toBe(1);
  });
});

function windowAggs(node: { nodeType: string; children: readonly unknown[] }): number {
  return (node.nodeType === 'WindowAgg' ? 1 : 0) + (node.children as Array<typeof node>).reduce((sum, child) => sum + windowAggs(child), 0);
}

function findScan(node: { nodeType: string; actualRows?: number; children: readonly unknown[] }): { actualRows?: number } | undefined {
  if (/Index/.test(node.nodeType)) return node;
  for (const child of node.children as Array<typeof node>) {
    const found = findScan(child);
    if (found) return found;
  }
  return undefined;
}

describe('page', () => {
  const t = (day: number, minute = 0) => new Date(Date.UTC(2026, 0, day, 0, minute));

  it('pages through a statement with true balances: opening from one aggregate, cursors carry the total', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma, { cursorSecret: 'test-secret-at-least-16-bytes' });
    await repo.insertMany([
      { accountId: 7, amount: '100.00', createdAt: t(1) },
      { accountId: 7, amount: '-20.00', createdAt: t(2) },
      ...Array.from({ length: 23 }, (_, i) => ({ accountId: 7, amount: `${i}.25`, createdAt: t(10, i % 5) })),
      { accountId: 8, amount: '999.99', createdAt: t(10) },
    ]);
    const from = t(5);
    const all = await repo.runningTotals({ partitions: [7], from });
    const opening = new Prisma.Decimal('80.00');
    const expected = all.map((r) => `${r.id}:${r.runningTotal.plus(opening).toFixed(2)}`);

    const pages = [];
    let after: string | undefined;
    do {
      const page = await repo.page({ partition: 7, from, limit: 4, ...(after && { after }) });
      pages.push(page);
      after = page.nextCursor ?? undefined;
    } while (after);
    expect(pages[0]?.openingBalance.toFixed(2)).toBe('80.00');
    expect(pages.flatMap((p) => idTotals(p.rows))).toEqual(expected);
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.openingBalance.equals(pages[i - 1]!.closingBalance)).toBe(true);
    expect(pages.at(-1)?.closingBalance.toFixed(2)).toBe(expected.at(-1)?.split(':')[1]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('refuses forged, malformed and foreign cursors with InvalidCursorError', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma, { cursorSecret: 'test-secret-at-least-16-bytes' });
    await repo.insertMany(Array.from({ length: 10 }, (_, i) => ({ accountId: 7, amount: '1.00', createdAt: t(1, i) })));
    const first = await repo.page({ partition: 7, limit: 3 });
    const cursor = first.nextCursor!;
    const [body, signature] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...payload, total: '1000000.00' })).toString('base64url')}.${signature}`;
    await expect(repo.page({ partition: 7, limit: 3, after: forged })).rejects.toThrow(/signature does not match/);
    await expect(repo.page({ partition: 7, limit: 3, after: 'not a cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(repo.page({ partition: 8, limit: 3, after: cursor })).rejects.toThrow(/different query/);
    const otherSecret = new TransactionRepository(db.prisma, { cursorSecret: 'another-secret-of-16-bytes' });
    await expect(otherSecret.page({ partition: 7, limit: 3, after: cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    const second = await repo.page({ partition: 7, limit: 3, after: cursor });
    expect(second.openingBalance.toFixed(2)).toBe('3.00');
  });
});

describe('streaming against an unreachable server', () => {
  it('surfaces a typed error from the iterator', async () => {
    const unreachable = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' }) });
    try {
      await expect(collect(new TransactionRepository(unreachable).streamRunningTotals())).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    } finally {
      await unreachable.$disconnect();
    }
  });
});
