import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { mapDatabaseError } from './map-database-error.ts';

/**
 * What a repository is constructed with: the application's `PrismaClient`, or the transaction client `tx` handed
 * out by `prisma.$transaction(async (tx) => ...)`. With a transaction client the repository joins the caller's
 * transaction instead of opening its own.
 */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export interface TransactionOptions {
  /** Interactive transaction timeout in ms (Prisma's `timeout`; Prisma's default is 5000). */
  readonly timeoutMs?: number;
  /** How long to wait for a connection from the pool, in ms (Prisma's `maxWait`). */
  readonly maxWaitMs?: number;
  readonly isolationLevel?: Prisma.TransactionIsolationLevel;
}

/**
 * True for the application's `PrismaClient` (also when extended), false for the transaction client `tx` of an
 * interactive transaction: Prisma strips `$connect` / `$disconnect` from `tx` (it keeps `$transaction`, whose
 * nested call would open a savepoint). Only a root client's work may open, retry or configure a transaction.
 */
export function isRootClient(client: DbClient): client is PrismaClient {
  return typeof (client as Partial<PrismaClient>).$disconnect === 'function';
}

/**
 * Runs `work` in one interactive transaction: a new one on a `PrismaClient`, or the caller's when `client` is
 * already a transaction client — then the caller commits or rolls back, and `options` (timeout, isolation level)
 * are the caller's business. Errors are mapped to `LedgerError`s; a thrown error rolls the transaction back
 * (test/integration/bulk-insert.test.ts).
 */
export async function inTransaction<T>(
  client: DbClient,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  try {
    if (!isRootClient(client)) return await work(client);
    return await client.$transaction(work, {
      ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
      ...(options.maxWaitMs !== undefined && { maxWait: options.maxWaitMs }),
      ...(options.isolationLevel !== undefined && { isolationLevel: options.isolationLevel }),
    });
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/** Runs one raw query (a `Prisma.Sql` from the window builder) and maps failures to `LedgerError`s. */
export async function queryRows<Row>(client: DbClient, sql: Prisma.Sql): Promise<Row[]> {
  try {
    return await client.$queryRaw<Row[]>(sql);
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
