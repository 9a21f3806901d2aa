/**
 * Every public method on every failure path, on real PostgreSQL: one table of methods (runningTotals through Prisma
 * and through pgPool, globalRunningTotals, page first / after, streamRunningTotals keyset / pgPool, insertMany
 * unnest / copy / createMany, insertAndReport, explain, windowQuery(...).execute) driven into
 *
 *   (a) connection loss — a server that is not there (closed port), and a backend terminated mid-statement;
 *   (b) a statement error — a column dropped under the application, and a database-level statement_timeout;
 *   (c) a serialization failure — in the method's own Serializable transaction, or in the caller's one run by
 *       `transaction()` with the repository joined on `tx`;
 *   (d) bad input;
 *
 * each asserting the error class, and that it is a `LedgerError`. Every interleaving is forced with locks and
 * barriers, never timing.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { createDatabase, dropDatabase, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { createPrismaClient } from '../../prisma/app/index.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import {
  DatabaseUnavailableError,
  InvalidCursorError,
  LedgerError,
  QueryFailedError,
  SerializationFailureError,
  ValidationError,
  WindowSpecError,
  conditions,
  transaction,
  windowFunctions,
  windowQuery,
  windowSpec,
  type DbClient,
} from '../../src/index.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { backendKiller, taggedClient, taggedPool, type BackendKiller } from '../support/faults.ts';
import { collect } from '../support/iterate.ts';
import { barrier, holdInOpenTransaction, holdUncommittedRow, sessionOn, untilBlockedBy } from '../support/lock-barrier.ts';

const db = useTestDatabase();
const SECRET = 'error-paths-cursor-secret-0123456789';
const APP = 'error_paths_app';
const FROM = new Date('2026-01-01T00:00:00Z');
/** Held in another transaction, this lock stops every read and write of the table. */
const LOCK_TABLE = 'LOCK TABLE "Transaction" IN ACCESS EXCLUSIVE MODE';

/** Where a method runs: a client (root or `tx`), the pg pool for the pgPool stream, a fresh idempotency key. */
interface Target {
  readonly client: DbClient;
  readonly pool: pg.Pool;
  readonly key: string;
}

type ErrorClass = abstract new (...args: never[]) => LedgerError;

interface Method {
  readonly name: string;
  readonly run: (target: Target) => Promise<unknown>;
  /** How a serialization failure reaches it: its own Serializable transaction, the caller's (joined on tx), or not at all. */
  readonly serialization: 'own' | 'joined' | 'none';
  /** Bad inputs and the error each must raise. */
  readonly bad: ReadonlyArray<{ readonly input: string; readonly run: (target: Target) => Promise<unknown>; readonly error: ErrorClass }>;
}

const repo = (target: Target) => new TransactionRepository(target.client, { cursorSecret: SECRET });
const row = (key: string, accountId = 1): NewTransaction => ({
  accountId,
  amount: '1.25',
  createdAt: new Date('2026-02-01T00:00:00Z'),
  externalId: key,
});

/** The `nextCursor` of a first page, taken on the healthy database; every method below uses the same query. */
let cursor = '';
const pageOptions = { partition: 1, from: FROM, limit: 2 } as const;

const f = windowFunctions('Transaction');
const c = conditions('Transaction');
const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');

const METHODS: readonly Method[] = [
  {
    name: 'runningTotals',
    run: (t) => repo(t).runningTotals({ partitions: [1, 2] }),
    serialization: 'joined',
    bad: [{ input: 'a sparse partitions list', run: (t) => repo(t).runningTotals({ partitions: new Array(2) }), error: ValidationError }],
  },
  {
    name: 'globalRunningTotals',
    run: (t) => repo(t).globalRunningTotals({ from: FROM }),
    serialization: 'joined',
    bad: [{ input: 'an Invalid Date', run: (t) => repo(t).globalRunningTotals({ from: new Date(Number.NaN) }), error: ValidationError }],
  },
  {
    name: 'page (first page)',
    run: (t) => repo(t).page(pageOptions),
    serialization: 'joined',
    bad: [{ input: 'a non-integer partition', run: (t) => repo(t).page({ ...pageOptions, partition: 1.5 }), error: ValidationError }],
  },
  {
    name: 'page (after)',
    run: (t) => repo(t).page({ ...pageOptions, after: cursor }),
    serialization: 'joined',
    bad: [{ input: 'a forged cursor', run: (t) => repo(t).page({ ...pageOptions, after: `${cursor}x` }), error: InvalidCursorError }],
  },
  {
    name: 'page (pgPool, first page and after)',
    run: async (t) => {
      const pooled = new TransactionRepository(t.client, { pgPool: t.pool });
      const first = await pooled.page({ ...pageOptions, limit: 1 });
      return pooled.page({ ...pageOptions, limit: 1, after: first.nextCursor! });
    },
    // Read-only transactions on their own pooled connection: nothing there can conflict.
    serialization: 'none',
    bad: [{ input: 'a forged cursor', run: (t) => new TransactionRepository(t.client, { pgPool: t.pool }).page({ ...pageOptions, after: `${cursor}x` }), error: InvalidCursorError }],
  },
  {
    name: 'streamRunningTotals (keyset)',
    run: (t) => collect(repo(t).streamRunningTotals({ partitions: [1] }, { chunkSize: 2 })),
    serialization: 'joined',
    bad: [
      {
        input: 'a partitions list with a hole',
        run: (t) => collect(repo(t).streamRunningTotals({ partitions: [1, , 3] as number[] })),
        error: ValidationError,
      },
    ],
  },
  {
    name: 'streamRunningTotals (pgPool)',
    run: (t) => collect(new TransactionRepository(t.client, { pgPool: t.pool }).streamRunningTotals({ partitions: [1] }, { chunkSize: 2 })),
    // One read-only REPEATABLE READ transaction on its own connection: nothing there can conflict.
    serialization: 'none',
    bad: [
      {
        input: 'a string partition for an integer key',
        run: (t) => collect(new TransactionRepository(t.client, { pgPool: t.pool }).streamRunningTotals({ partitions: ['1' as never] })),
        error: ValidationError,
      },
    ],
  },
  {
    name: 'insertMany (unnest)',
    run: (t) => repo(t).insertMany([row(t.key)], { strategy: 'unnest', isolationLevel: 'Serializable', retry: false }),
    serialization: 'own',
    bad: [{ input: 'a sparse row list', run: (t) => repo(t).insertMany([row(t.key), , ] as NewTransaction[], { strategy: 'unnest' }), error: ValidationError }],
  },
  {
    name: 'runningTotals (pgPool)',
    run: (t) => new TransactionRepository(t.client, { pgPool: t.pool }).runningTotals({ partitions: [1, 2] }),
    // One statement on its own pooled connection, outside any transaction: nothing there can conflict.
    serialization: 'none',
    bad: [
      {
        input: 'a partitions list that is not a list',
        run: (t) => new TransactionRepository(t.client, { pgPool: t.pool }).runningTotals({ partitions: 1 as never }),
        error: ValidationError,
      },
    ],
  },
  {
    name: 'insertMany (copy)',
    run: (t) => new TransactionRepository(t.client, { pgPool: t.pool }).insertMany([row(t.key)], { strategy: 'copy', isolationLevel: 'Serializable', retry: false }),
    serialization: 'own',
    bad: [
      {
        input: 'an amount with more decimals than the column',
        run: (t) => new TransactionRepository(t.client, { pgPool: t.pool }).insertMany([{ ...row(t.key), amount: '1.234' }], { strategy: 'copy' }),
        error: ValidationError,
      },
    ],
  },
  {
    name: 'insertMany (createMany)',
    run: (t) => repo(t).insertMany([row(t.key)], { strategy: 'createMany', isolationLevel: 'Serializable', retry: false }),
    serialization: 'own',
    bad: [
      {
        input: 'an object posing as a Date',
        run: (t) => repo(t).insertMany([{ ...row(t.key), createdAt: Object.create(Date.prototype) as Date }], { strategy: 'createMany' }),
        error: ValidationError,
      },
    ],
  },
  {
    name: 'insertAndReport',
    run: (t) => repo(t).insertAndReport([row(t.key)], { strategy: 'unnest', isolationLevel: 'Serializable', retry: false }),
    serialization: 'own',
    bad: [{ input: 'an empty report list', run: (t) => repo(t).insertAndReport([row(t.key)], { report: { partitions: [] } }), error: ValidationError }],
  },
  {
    name: 'explain',
    run: (t) => repo(t).explain({ partitions: [1] }),
    serialization: 'joined',
    bad: [{ input: 'an unknown frame', run: (t) => repo(t).explain({ frame: 'groups' as never }), error: ValidationError }],
  },
  {
    name: 'windowQuery(...).execute',
    run: (t) =>
      windowQuery('Transaction')
        .select('id', 'accountId', 'amount')
        .where(c.in('accountId', [1, 2]))
        .add('balance', f.runningTotal('amount'), w)
        .add('previous', f.lag('amount', { default: '0' as never }), w)
        .execute(t.client),
    serialization: 'joined',
    bad: [
      { input: 'a non-integer in an int list', run: async (t) => windowQuery('Transaction').select('id').where(c.in('accountId', [1.5])).execute(t.client), error: ValidationError },
      {
        input: 'a string that is not a date',
        run: async (t) => windowQuery('Transaction').select('id').where(c.compare('createdAt', '>', 'not a date' as never)).execute(t.client),
        error: ValidationError,
      },
      {
        input: 'a lag default that is not a number',
        run: async (t) => windowQuery('Transaction').add('p', f.lag('amount', { default: 'abc' as never }), w).execute(t.client),
        error: ValidationError,
      },
      {
        input: 'a frame bound outside the grammar',
        run: async (t) => windowQuery('Transaction').add('s', f.sum('amount'), w.rows('CURRENT ROW; DROP TABLE x' as never)).execute(t.client),
        error: WindowSpecError,
      },
      {
        input: 'nothing selected',
        run: (t) => windowQuery('Transaction').execute(t.client),
        error: WindowSpecError,
      },
      {
        input: 'a numeric RANGE offset on a timestamp order',
        run: async (t) => windowQuery('Transaction').add('s', f.sum('amount'), windowSpec('Transaction').orderBy('createdAt').range({ preceding: 5 })).execute(t.client),
        error: WindowSpecError,
      },
    ],
  },
];

let counter = 0;
const freshKey = () => `error-paths-${process.pid}-${counter++}`;

const SETTLE_WITHIN_MS = 15_000;

/**
 * What the call rejected with ('resolved' if it did not). Two more failures are reported as plain Errors, so the
 * assertions name them: a method that returns a promise but throws synchronously (a caller's `.catch()` would
 * miss it), and a call that never settles — after `SETTLE_WITHIN_MS`, so the test fails on its own and its locks
 * are released.
 */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  let work: Promise<unknown>;
  try {
    work = call();
  } catch (error) {
    return new Error(`threw synchronously instead of returning a rejected promise: ${String(error)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`did not settle within ${SETTLE_WITHIN_MS} ms`)), SETTLE_WITHIN_MS);
  });
  try {
    return await Promise.race([
      work.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `pool.end()` waits for checked-out connections; one held by a hung call must not hang the hook as well. */
async function endPool(pool: pg.Pool | undefined): Promise<void> {
  if (!pool) return;
  await Promise.race([pool.end().catch(() => {}), sleep(2_000)]);
}

function expectLedgerError(error: unknown, expected: ErrorClass): void {
  expect(error, String(error)).toBeInstanceOf(expected);
  expect(error).toBeInstanceOf(LedgerError);
}

/** A TCP port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A private copy of the migrated template, for a test that changes its schema or settings. */
async function clonedDatabase(suffix: string): Promise<{ readonly url: string; readonly name: string; readonly drop: () => Promise<void> }> {
  const adminUrl = inject('databaseAdminUrl');
  const name = `${db.name}_${suffix}`.slice(0, 63);
  await createDatabase(adminUrl, name, { template: inject('databaseTemplate') });
  return { url: withDatabaseName(adminUrl, name), name, drop: () => dropDatabase(adminUrl, name) };
}

/** Runs one statement on its own short session. */
async function execute(url: string, sql: string): Promise<void> {
  const session = await sessionOn(url);
  try {
    await session.query(sql);
  } finally {
    await session.end();
  }
}

beforeAll(async () => {
  await new TransactionRepository(db.prisma).insertMany(
    Array.from({ length: 6 }, (_, i) => ({
      accountId: 1 + (i % 2),
      amount: `${i + 1}.00`,
      createdAt: new Date(FROM.getTime() + i * 60_000),
    })),
  );
  const first = await new TransactionRepository(db.prisma, { cursorSecret: SECRET }).page(pageOptions);
  expect(first.nextCursor).not.toBeNull();
  cursor = first.nextCursor!;
});

describe('(a) connection loss', () => {
  describe('the server is not there (closed port)', () => {
    let prisma: PrismaClient;
    let pool: pg.Pool;
    beforeAll(async () => {
      const url = new URL(db.url);
      url.port = String(await closedPort());
      prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.toString() }) });
      pool = taggedPool(url.toString(), APP);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await endPool(pool);
    });

    it.each(METHODS.map((m) => [m.name, m] as const))('%s → DatabaseUnavailableError', async (_, method) => {
      expectLedgerError(await outcome(() => method.run({ client: prisma, pool, key: freshKey() })), DatabaseUnavailableError);
    });
  });

  describe('the server refuses the session (a role over its connection limit: 53300)', () => {
    const role = `ledger_refused_${process.pid}`;
    let prisma: PrismaClient;
    let pool: pg.Pool;
    beforeAll(async () => {
      await db.prisma.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN PASSWORD 'refused' CONNECTION LIMIT 0`);
      const url = new URL(db.url);
      url.username = role;
      url.password = 'refused';
      prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.toString() }) });
      pool = taggedPool(url.toString(), APP);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await endPool(pool);
      await db.prisma.$executeRawUnsafe(`DROP ROLE IF EXISTS ${role}`);
    });

    it.each(METHODS.map((m) => [m.name, m] as const))('%s → DatabaseUnavailableError', async (_, method) => {
      expectLedgerError(await outcome(() => method.run({ client: prisma, pool, key: freshKey() })), DatabaseUnavailableError);
    });
  });

  describe('the backend is terminated while the statement runs', () => {
    let prisma: PrismaClient;
    let pool: pg.Pool;
    let killer: BackendKiller;
    beforeAll(async () => {
      prisma = taggedClient(db.url, APP);
      pool = taggedPool(db.url, APP);
      killer = await backendKiller(db.url, APP);
    });
    afterAll(async () => {
      await killer?.close();
      await prisma?.$disconnect();
      await endPool(pool);
    });

    it.each(METHODS.map((m) => [m.name, m] as const))('%s → DatabaseUnavailableError', async (_, method) => {
      const lock = await holdInOpenTransaction(db.url, LOCK_TABLE);
      try {
        const pending = outcome(() => method.run({ client: prisma, pool, key: freshKey() }));
        await untilBlockedBy(db.prisma, lock.pid, pending);
        expect(await killer.kill()).toBeGreaterThan(0);
        expectLedgerError(await pending, DatabaseUnavailableError);
      } finally {
        await lock.close();
      }
    });
  });
});

describe('(b) statement errors', () => {
  describe('a column dropped under the application', () => {
    let clone: Awaited<ReturnType<typeof clonedDatabase>>;
    let prisma: PrismaClient;
    let pool: pg.Pool;
    beforeAll(async () => {
      clone = await clonedDatabase('drift');
      await execute(clone.url, 'ALTER TABLE "Transaction" DROP COLUMN "amount"');
      prisma = createPrismaClient(clone.url);
      pool = taggedPool(clone.url, APP);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await endPool(pool);
      await clone?.drop();
    });

    it.each(METHODS.map((m) => [m.name, m] as const))('%s → QueryFailedError 42703', async (_, method) => {
      const error = await outcome(() => method.run({ client: prisma, pool, key: freshKey() }));
      expectLedgerError(error, QueryFailedError);
      expect(error).toMatchObject({ sqlState: '42703' });
    });
  });

  describe('a statement_timeout set on the database', () => {
    let clone: Awaited<ReturnType<typeof clonedDatabase>>;
    let prisma: PrismaClient;
    let pool: pg.Pool;
    beforeAll(async () => {
      clone = await clonedDatabase('timeout');
      // Sessions opened from now on get the setting; the pools below open theirs later.
      await execute(inject('databaseAdminUrl'), `ALTER DATABASE ${pg.escapeIdentifier(clone.name)} SET statement_timeout = '150ms'`);
      prisma = taggedClient(clone.url, APP);
      pool = taggedPool(clone.url, APP);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await endPool(pool);
      await clone?.drop();
    });

    it.each(METHODS.map((m) => [m.name, m] as const))('%s → QueryFailedError 57014', async (_, method) => {
      // Blocked on the lock, the statement runs into the timeout: deterministic, whatever the machine's speed.
      const lock = await holdInOpenTransaction(clone.url, LOCK_TABLE);
      try {
        const error = await outcome(() => method.run({ client: prisma, pool, key: freshKey() }));
        expectLedgerError(error, QueryFailedError);
        expect(error).toMatchObject({ sqlState: '57014' });
      } finally {
        await lock.close();
      }
    });
  });
});

describe('(c) serialization failures', () => {
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let other: pg.Client;
  beforeAll(async () => {
    prisma = taggedClient(db.url, APP);
    pool = taggedPool(db.url, APP);
    other = await sessionOn(db.url, 'error_paths_other');
  });
  afterAll(async () => {
    await other?.end();
    await prisma?.$disconnect();
    await endPool(pool);
  });

  const own = METHODS.filter((m) => m.serialization === 'own');
  const joined = METHODS.filter((m) => m.serialization === 'joined');

  it.each(own.map((m) => [m.name, m] as const))(
    '%s in its own Serializable transaction → SerializationFailureError',
    async (_, method) => {
      // A concurrent transaction inserts the same idempotency key and commits while the method waits on it: the
      // method's snapshot cannot see that row, so PostgreSQL aborts it (40001) instead of skipping a duplicate.
      const key = freshKey();
      const holder = await holdUncommittedRow(db.url, { accountId: 1, amount: '1', createdAt: new Date(), externalId: key });
      try {
        const pending = outcome(() => method.run({ client: prisma, pool, key }));
        await untilBlockedBy(db.prisma, holder.pid, pending);
        await holder.commit();
        const error = await pending;
        expectLedgerError(error, SerializationFailureError);
        expect(error).toMatchObject({ sqlState: '40001', attempts: 1 });
      } finally {
        await holder.close();
      }
    },
  );

  it.each(joined.map((m) => [m.name, m] as const))(
    "%s joined on the caller's Serializable transaction (transaction()) → SerializationFailureError",
    async (_, method) => {
      // Write skew: both transactions read account 1, both insert into it; the other commits first, so the
      // caller's COMMIT fails (40001) — the failure Prisma's plain $transaction throws as a raw DriverAdapterError.
      const callerRead = barrier();
      const otherWrote = barrier();
      const callerWrote = barrier();
      const otherCommitted = barrier();
      await other.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      await other.query(`SELECT count(*) FROM "Transaction" WHERE "accountId" = 1`);
      const caller = outcome(() =>
        transaction(
          prisma,
          async (tx) => {
            await tx.$queryRaw`SELECT count(*) FROM "Transaction" WHERE "accountId" = 1`;
            await method.run({ client: tx, pool, key: freshKey() });
            callerRead.open();
            await otherWrote.promise;
            await tx.$executeRaw`INSERT INTO "Transaction" ("accountId", "amount", "createdAt") VALUES (1, 2, now())`;
            callerWrote.open();
            await otherCommitted.promise;
          },
          { isolationLevel: 'Serializable', retry: false },
        ),
      );
      await callerRead.promise;
      await other.query(`INSERT INTO "Transaction" ("accountId", "amount", "createdAt") VALUES (1, 3, now())`);
      otherWrote.open();
      await callerWrote.promise;
      await other.query('COMMIT');
      otherCommitted.open();
      const error = await caller;
      expectLedgerError(error, SerializationFailureError);
      expect(error).toMatchObject({ sqlState: '40001', attempts: 1 });
    },
  );

  it('covers every method that can take part in a serializable transaction', () => {
    expect([...own, ...joined].map((m) => m.name).sort()).toEqual(
      METHODS.filter((m) => m.serialization !== 'none').map((m) => m.name).sort(),
    );
  });
});

describe('(d) bad input', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = taggedPool(db.url, APP);
  });
  afterAll(async () => {
    await endPool(pool);
  });

  const cases = METHODS.flatMap((m) => m.bad.map((bad) => [`${m.name} with ${bad.input}`, bad] as const));

  it.each(cases)('%s → typed error before any SQL', async (_, bad) => {
    const before = await db.prisma.transaction.count();
    expectLedgerError(await outcome(() => bad.run({ client: db.prisma, pool, key: freshKey() })), bad.error);
    expect(await db.prisma.transaction.count()).toBe(before);
  });

  it('every method has at least one bad-input case', () => {
    expect(METHODS.every((m) => m.bad.length > 0)).toBe(true);
  });
});

describe('dates are read by their time value, not their own methods', () => {
  it('a Date whose toISOString was overridden selects the same rows as a plain Date', async () => {
    const lying = Object.assign(new Date(FROM.getTime() + 2 * 60_000), { toISOString: () => 'not a date' });
    class ShiftedDate extends Date {
      override toISOString(): string {
        return '1999-01-01T00:00:00.000Z';
      }
    }
    const repository = new TransactionRepository(db.prisma);
    const expected = await repository.runningTotals({ from: new Date(FROM.getTime() + 2 * 60_000) });
    expect(expected.length).toBeGreaterThan(0);
    expect(await repository.runningTotals({ from: lying })).toEqual(expected);
    expect(await repository.runningTotals({ from: new ShiftedDate(FROM.getTime() + 2 * 60_000) })).toEqual(expected);
  });
});

describe('a pool with every connection busy', () => {
  it('a transaction that cannot start within maxWaitMs is a DatabaseUnavailableError, and its work never runs', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 1 }) });
    const release = barrier();
    const holding = barrier();
    try {
      // The pool's one connection, held by an open transaction until the test releases it.
      const holder = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        holding.open();
        await release.promise;
      }, { timeout: 30_000 });
      await holding.promise;
      let ran = false;
      const error = await outcome(() => transaction(prisma, async () => {
        ran = true;
      }, { maxWaitMs: 200, retry: false }));
      expectLedgerError(error, DatabaseUnavailableError);
      expect((error as Error).message).toMatch(/No pooled connection came free within maxWait/);
      expect(ran).toBe(false);
      release.open();
      await holder;
    } finally {
      release.open();
      await prisma.$disconnect();
    }
  });
});
