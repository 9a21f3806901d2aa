import type * as Prisma from '../prisma-runtime.ts';
import { requireRepresentableRows } from './representable-rows.ts';
import { mapDatabaseError } from './map-database-error.ts';

/** PostgreSQL's isolation levels, as Prisma names them. */
export type IsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

/**
 * What a repository is constructed with: any Prisma 7 client of the application (generated from its own schema,
 * `$extends`-ed or not), or the transaction client `tx` handed out by `prisma.$transaction(async (tx) => ...)`.
 * Typed by the raw-query methods the library calls, so every such client fits without a cast. With a
 * transaction client the repository joins the caller's transaction instead of opening its own.
 */
export interface DbClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

/** A client that can open interactive transactions: the application's root client (plain or `$extends`-ed). */
export interface RootDbClient extends DbClient {
  // Each generated client hands out its own transaction-client type; every one of them is a DbClient.
  $transaction<R>(
    work: (tx: DbClient) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: IsolationLevel },
  ): Promise<R>;
  $disconnect(): Promise<void>;
}

/**
 * The transaction client `tx` a root client hands to `$transaction(async (tx) => ...)`: for a generated or
 * `$extends`-ed client, that client's own type, with its model delegates and extension methods.
 */
export type TransactionClientOf<C> = C extends { $transaction(work: (tx: infer Tx) => never, ...rest: never[]): unknown }
  ? Tx
  : DbClient;

export interface TransactionOptions {
  /** Interactive transaction timeout in ms (Prisma's `timeout`; Prisma's default is 5000). */
  readonly timeoutMs?: number | undefined;
  /** How long to wait for a connection from the pool, in ms (Prisma's `maxWait`). */
  readonly maxWaitMs?: number | undefined;
  readonly isolationLevel?: IsolationLevel | undefined;
}

/**
 * True for the application's `PrismaClient` (also when extended), false for the transaction client `tx` of an
 * interactive transaction: Prisma strips `$connect` / `$disconnect` from `tx` (it keeps `$transaction`, whose
 * nested call would open a savepoint). Only a root client's work may open, retry or configure a transaction.
 */
export function isRootClient(client: DbClient): client is RootDbClient {
  return typeof (client as Partial<RootDbClient>).$disconnect === 'function';
}

/**
 * Runs `work` in one interactive transaction: a new one on a `PrismaClient`, or the caller's when `client` is
 * already a transaction client — then the caller commits or rolls back, and `options` (timeout, isolation level)
 * are the caller's business. Errors are mapped to `LedgerError`s; a thrown error rolls the transaction back
 * (test/integration/bulk-insert.test.ts).
 */
export async function inTransaction<T>(
  client: DbClient,
  work: (tx: DbClient) => Promise<T>,
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

/** Runs one statement that returns no rows (`LOCK TABLE ...`) and maps failures to `LedgerError`s. */
export async function executeStatement(client: DbClient, sql: Prisma.Sql): Promise<number> {
  try {
    return await client.$executeRaw(sql);
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/** Runs one raw query (a `Prisma.Sql` from the window builder) and maps failures to `LedgerError`s. */
export async function queryRows<Row>(client: DbClient, sql: Prisma.Sql): Promise<Row[]> {
  try {
    return requireRepresentableRows(await client.$queryRaw<Row[]>(sql));
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
