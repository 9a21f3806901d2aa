import { ValidationError } from './errors.ts';
import {
  inTransaction,
  isRootClient,
  type DbClient,
  type RootDbClient,
  type TransactionClientOf,
  type TransactionOptions,
} from './executor/db-client.ts';
import { DEFAULT_MAX_ATTEMPTS, retrying, retryPolicy, type RetryOptions } from './retry/retry.ts';
import { requireChoice, requireMaxWaitMs, requireOptions, requirePositiveInt } from './validation/batch.ts';
import { describe } from './validation/dates.ts';

export interface LedgerTransactionOptions extends TransactionOptions {
  /**
   * Running the whole callback again after a serialization failure or deadlock (the database rolled the attempt
   * back, so nothing of it remains). Default `{ maxAttempts: 5 }`; `false` runs it once. When the attempts are used
   * up, the error is a `SerializationFailureError` whose `attempts` says how many ran.
   */
  readonly retry?: RetryOptions | false | undefined;
}

/** The options `transactionSettings` reads; `transaction` also takes `retry`. */
export const TRANSACTION_SETTING_KEYS = ['isolationLevel', 'timeoutMs', 'maxWaitMs'] as const;
const OPTION_KEYS = [...TRANSACTION_SETTING_KEYS, 'retry'] as const;
const ISOLATION_LEVELS = ['ReadUncommitted', 'ReadCommitted', 'RepeatableRead', 'Serializable'] as const;

/**
 * Runs `work` in one interactive transaction of its own, like `prisma.$transaction(work, options)`, but every
 * failure comes out as a `LedgerError` — including the one plain `$transaction` lets through raw: a write
 * conflict PostgreSQL detects at COMMIT of a `Serializable` transaction (Prisma throws a `DriverAdapterError`
 * whose `cause.kind` is `'TransactionWriteConflict'`, SQLSTATE 40001). Here it is a `SerializationFailureError`,
 * and by default the whole callback is run again (up to 5 attempts, with backoff) before it is thrown.
 *
 * Because `work` may run more than once, it must not have effects outside the transaction (sending mail, writing
 * files, mutating shared state); `attempt` (1, 2, ...) says which run this is. Errors `work` throws itself pass
 * through: a `LedgerError` unchanged (e.g. a `ValidationError` from a repository), any other exception as an
 * `UnexpectedError` with the original as `cause`. Repositories constructed with `tx` join the transaction.
 *
 * Pass the application's `PrismaClient` (plain or `$extends`-ed; `tx` is then typed as that client's transaction
 * client): a transaction client cannot open, configure or retry a transaction.
 *
 * ```ts
 * const totals = await transaction(
 *   prisma,
 *   async (tx) => {
 *     await new TransactionRepository(tx).insertMany(rows);
 *     return new TransactionRepository(tx).runningTotals({ partitions: [42] });
 *   },
 *   { isolationLevel: 'Serializable', timeoutMs: 10_000, retry: { maxAttempts: 10 } },
 * );
 * ```
 */
export async function transaction<Client extends RootDbClient, T>(
  client: Client,
  work: (tx: TransactionClientOf<Client>, attempt: number) => Promise<T>,
  options?: LedgerTransactionOptions,
): Promise<T> {
  requireRootClient(client);
  if (typeof work !== 'function') throw new ValidationError('work', `expected a function (tx) => ..., got ${describe(work)}.`);
  const raw = requireOptions('options', options, OPTION_KEYS);
  const settings = transactionSettings(raw);
  const policy =
    raw.retry === false
      ? retryPolicy('options.retry', { maxAttempts: 1 })
      : retryPolicy('options.retry', raw.retry ?? { maxAttempts: DEFAULT_MAX_ATTEMPTS });
  // The runtime hands `work` the client's own transaction client, which is what TransactionClientOf names.
  const run = (tx: DbClient, attempt: number) => work(tx as TransactionClientOf<Client>, attempt);
  return retrying((attempt) => inTransaction(client, (tx) => run(tx, attempt), settings), policy);
}

/** A transaction's own options, checked: `ValidationError`s before anything runs. */
export function transactionSettings(raw: Record<string, unknown>): TransactionOptions {
  return {
    ...(raw.isolationLevel !== undefined && {
      isolationLevel: requireChoice('options.isolationLevel', raw.isolationLevel, ISOLATION_LEVELS, 'ReadCommitted'),
    }),
    ...(raw.timeoutMs !== undefined && { timeoutMs: requirePositiveInt('options.timeoutMs', raw.timeoutMs, 86_400_000) }),
    ...(raw.maxWaitMs !== undefined && { maxWaitMs: requireMaxWaitMs('options.maxWaitMs', raw.maxWaitMs) }),
  };
}

// Checked before anything runs: a transaction client would make the options and the retry silently meaningless.
function requireRootClient(client: unknown): void {
  if (typeof client !== 'object' || client === null || typeof (client as Partial<RootDbClient>).$transaction !== 'function') {
    throw new ValidationError('client', `expected a PrismaClient, got ${describe(client)}.`);
  }
  if (!isRootClient(client as DbClient)) {
    throw new ValidationError(
      'client',
      'is a transaction client (tx): transaction() opens its own transaction. Inside an existing one, call the ' +
        'work directly with tx (repositories constructed with tx join it).',
    );
  }
}
