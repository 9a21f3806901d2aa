/**
 * `transaction()` on real PostgreSQL: a write conflict that PostgreSQL detects at COMMIT of a Serializable
 * transaction is forced deterministically (write skew against a second session driven step by step from inside
 * the callback), and comes out as a `SerializationFailureError` — after retrying it by default — where Prisma's
 * plain `$transaction` throws a raw `DriverAdapterError`. Errors thrown by the callback keep their meaning.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  LedgerError,
  PrismaArgumentError,
  QueryFailedError,
  SerializationFailureError,
  TransactionTimeoutError,
  UnexpectedError,
  ValidationError,
  mapDatabaseError,
  transaction,
} from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { sessionOn } from '../support/lock-barrier.ts';

const db = useTestDatabase();

let peer: pg.Client;
beforeAll(async () => {
  peer = await sessionOn(db.url, 'transaction_test_peer');
});
afterAll(async () => {
  await peer?.end();
});
beforeEach(async () => {
  await db.truncate('Transaction');
});

const countAccount = (tx: Prisma.TransactionClient) => tx.$queryRaw`SELECT count(*) FROM "Transaction" WHERE "accountId" = 1`;
const insertAccount = (tx: Prisma.TransactionClient, amount: number) =>
  tx.$executeRaw`INSERT INTO "Transaction" ("accountId", "amount", "createdAt") VALUES (1, ${amount}, now())`;

/**
 * The caller's side of a write skew: it reads account 1, the peer reads and writes account 1 in its own
 * Serializable transaction, the caller writes account 1, the peer commits first. Each transaction read what the
 * other wrote, so PostgreSQL must abort the one that commits second — the caller, at its COMMIT (40001).
 */
async function writeSkew(tx: Prisma.TransactionClient, amount: number): Promise<void> {
  await countAccount(tx);
  await peer.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  await peer.query(`SELECT count(*) FROM "Transaction" WHERE "accountId" = 1`);
  await peer.query(`INSERT INTO "Transaction" ("accountId", "amount", "createdAt") VALUES (1, 100, now())`);
  await insertAccount(tx, amount);
  await peer.query('COMMIT');
}

/** The same statements with no concurrent transaction: nothing to conflict with. */
async function alone(tx: Prisma.TransactionClient, amount: number): Promise<void> {
  await countAccount(tx);
  await insertAccount(tx, amount);
}

const amounts = async () =>
  (await db.prisma.transaction.findMany({ orderBy: { id: 'asc' } })).map((row) => row.amount?.toFixed(0) ?? null);

describe('a write conflict at COMMIT of a Serializable transaction', () => {
  it("Prisma's plain $transaction throws it as a raw DriverAdapterError (mapDatabaseError makes it typed)", async () => {
    const error = await db.prisma
      .$transaction((tx) => writeSkew(tx, 1), { isolationLevel: 'Serializable' })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(LedgerError);
    expect((error as Error).name).toBe('DriverAdapterError');
    expect((error as { cause?: { kind?: string } }).cause?.kind).toBe('TransactionWriteConflict');
    const mapped = mapDatabaseError(error);
    expect(mapped).toBeInstanceOf(SerializationFailureError);
    expect(mapped).toMatchObject({ sqlState: '40001' });
    expect(await amounts()).toEqual(['100']); // only the peer's row: the caller was rolled back
  });

  it('transaction() with retry: false surfaces it as SerializationFailureError (attempts 1), rolled back', async () => {
    const error = await transaction(db.prisma, (tx) => writeSkew(tx, 1), { isolationLevel: 'Serializable', retry: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error).toMatchObject({ sqlState: '40001', attempts: 1, code: 'SERIALIZATION_FAILURE' });
    expect((error as Error).cause).toBeInstanceOf(SerializationFailureError);
    expect(await amounts()).toEqual(['100']);
  });

  it('transaction() retries it by default: the second attempt commits', async () => {
    const attempts: number[] = [];
    const retried: LedgerError[] = [];
    const result = await transaction(
      db.prisma,
      async (tx, attempt) => {
        attempts.push(attempt);
        if (attempt === 1) await writeSkew(tx, 1);
        else await alone(tx, 2);
        return `committed on attempt ${attempt}`;
      },
      { isolationLevel: 'Serializable', retry: { onRetry: ({ error }) => void retried.push(error) } },
    );
    expect(result).toBe('committed on attempt 2');
    expect(attempts).toEqual([1, 2]);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toBeInstanceOf(SerializationFailureError);
    expect(await amounts()).toEqual(['100', '2']); // the first attempt left nothing behind
  });

  it('transaction() gives up after maxAttempts with a SerializationFailureError that counts them', async () => {
    const error = await transaction(db.prisma, (tx, attempt) => writeSkew(tx, attempt), {
      isolationLevel: 'Serializable',
      retry: { maxAttempts: 3, baseDelayMs: 1 },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error).toMatchObject({ attempts: 3, sqlState: '40001' });
    expect((error as Error).message).toMatch(/Gave up after 3 attempt/);
    expect(await amounts()).toEqual(['100', '100', '100']);
  });

  it('repositories joined on tx take part: a conflicting insertMany commit is retried as a whole', async () => {
    const repoRows = [{ accountId: 1, amount: '5.00', createdAt: new Date('2026-01-01T00:00:00Z'), externalId: 'joined-1' }];
    const result = await transaction(
      db.prisma,
      async (tx, attempt) => {
        const repo = new TransactionRepository(tx);
        await repo.runningTotals({ partitions: [1] }); // the read the peer's write invalidates
        if (attempt === 1) {
          await peer.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          await peer.query(`SELECT count(*) FROM "Transaction" WHERE "accountId" = 1`);
          await peer.query(`INSERT INTO "Transaction" ("accountId", "amount", "createdAt") VALUES (1, 100, now())`);
        }
        const inserted = await repo.insertMany(repoRows);
        if (attempt === 1) await peer.query('COMMIT');
        return inserted;
      },
      { isolationLevel: 'Serializable' },
    );
    expect(result).toMatchObject({ inserted: 1, skipped: 0 });
    expect(await amounts()).toEqual(['100', '5']);
  });
});

describe('errors thrown inside the callback', () => {
  it('a LedgerError comes out unchanged, and the transaction is rolled back', async () => {
    const thrown = new ValidationError('rows[0]', 'made up for the test');
    const error = await transaction(db.prisma, async (tx) => {
      await insertAccount(tx, 1);
      throw thrown;
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBe(thrown);
    expect(await amounts()).toEqual([]);
  });

  it("a repository's ValidationError inside the callback comes out as that ValidationError", async () => {
    const error = await transaction(db.prisma, (tx) =>
      new TransactionRepository(tx).insertMany([{ accountId: 1.5, amount: '1.00', createdAt: new Date() }]),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ path: 'rows[0].accountId' });
  });

  it('a JavaScript exception is an UnexpectedError (not a database error), with the original as cause', async () => {
    const error = await transaction(db.prisma, async (tx) => {
      await insertAccount(tx, 1);
      throw new RangeError('index out of range');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnexpectedError);
    expect(error).not.toBeInstanceOf(QueryFailedError);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(await amounts()).toEqual([]);
  });

  it("Prisma's own argument validation (PrismaClientValidationError) is a PrismaArgumentError", async () => {
    const error = await transaction(db.prisma, (tx) =>
      tx.transaction.create({ data: { accountId: 'one', createdAt: new Date() } as never }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PrismaArgumentError);
    expect((error as Error).cause).toBeInstanceOf(Prisma.PrismaClientValidationError);
  });

  it('a callback that outlives timeoutMs is a TransactionTimeoutError', async () => {
    const error = await transaction(db.prisma, async (tx) => tx.$executeRaw`SELECT pg_sleep(0.5)`, { timeoutMs: 100, retry: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionTimeoutError);
  });
});

describe('bad arguments are ValidationErrors before any transaction opens', () => {
  it('rejects unknown options, bad values, a transaction client and a missing callback', async () => {
    await expect(transaction(db.prisma, async () => 1, { isolation: 'Serializable' } as never)).rejects.toThrow(
      /options\.isolation: is not a known option/,
    );
    await expect(transaction(db.prisma, async () => 1, { isolationLevel: 'Snapshot' as never })).rejects.toThrow(ValidationError);
    await expect(transaction(db.prisma, async () => 1, { timeoutMs: 0 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(transaction(db.prisma, async () => 1, { retry: { maxAttempts: 0 } })).rejects.toThrow(/options\.retry\.maxAttempts/);
    await expect(transaction(db.prisma, undefined as never)).rejects.toThrow(/work: expected a function/);
    await expect(
      db.prisma.$transaction((tx) => transaction(tx as never, async () => 1)),
    ).rejects.toThrow(/is a transaction client/);
  });
});
