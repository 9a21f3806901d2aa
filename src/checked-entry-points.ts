/**
 * The public forms of two functions of the executor layer, which runs what the layers above have checked: here
 * their arguments are checked first, so a wrong one is a `ValidationError` before any SQL.
 */
import * as Prisma from './prisma-runtime.ts';
import { ValidationError } from './errors.ts';
import { inTransaction, type DbClient, type TransactionOptions } from './executor/db-client.ts';
import { explainQuery, type ExplainOptions } from './explain/explain-query.ts';
import type { PlanSummary } from './explain/plan-summary.ts';
import { TRANSACTION_SETTING_KEYS, transactionSettings } from './transaction.ts';
import { requireOptions } from './validation/batch.ts';
import { describe } from './validation/dates.ts';
import { requireDbClient } from './validation/db-client.ts';
import { requireExplainOptions } from './validation/explain-options.ts';

/**
 * Runs `work` in one interactive transaction: a new one on a `PrismaClient`, or the caller's when `client` is
 * already a transaction client (then `options` are the caller's business). Unlike `transaction`, no retry. The
 * options are checked first (unknown names, wrong types and levels are `ValidationError`s before any SQL); every
 * failure is a `LedgerError`.
 * ```ts
 * await inTransaction(prisma, async (tx) => repo.insertMany(rows), { timeoutMs: 30_000, isolationLevel: 'Serializable' });
 * ```
 */
export async function checkedInTransaction<T>(client: DbClient, work: (tx: DbClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
  requireDbClient('client', client);
  if (typeof work !== 'function') throw new ValidationError('work', `expected a function (tx) => ..., got ${describe(work)}.`);
  const settings = transactionSettings(requireOptions('options', options, TRANSACTION_SETTING_KEYS));
  return inTransaction(client, work, settings);
}

/**
 * Runs PostgreSQL's EXPLAIN on exactly `sql` and summarises the plan (see the executor's `explainQuery`): with
 * `analyze` (the default) the statement is executed behind a savepoint that is always rolled back. The options
 * are checked first (`requireExplainOptions`).
 * ```ts
 * const plan = await explainQuery(prisma, repo.runningTotalsSql({ partitions: [42] }, 'partition'), { analyze: false });
 * // EXPLAIN (FORMAT JSON, SUMMARY) SELECT ... FROM "public"."Transaction" WHERE "accountId" = ANY(CAST($1 AS int4[])) ...
 * ```
 */
export async function checkedExplainQuery(client: DbClient, sql: Prisma.Sql, options?: ExplainOptions): Promise<PlanSummary> {
  requireDbClient('client', client);
  if (!(sql instanceof Prisma.Sql)) throw new ValidationError('sql', `expected a Prisma.Sql (e.g. from runningTotalsSql or Prisma.sql), got ${describe(sql)}.`);
  return explainQuery(client, sql, requireExplainOptions(options));
}
