/**
 * Interleavings forced instead of hoped for. Another connection takes a lock and keeps its transaction open — an
 * uncommitted `Transaction` row, which a batch carrying the same `externalId` must wait on (a unique-index
 * conflict), or a table lock no statement gets past — and `untilBlockedBy` returns once the work under test waits
 * on it. While it waits, that work is certainly in flight: its transaction is open and cannot commit until the
 * holder commits or rolls back; it is the moment to kill its backend, commit a conflicting row, or let a timeout
 * fire.
 *
 *   const lock = await holdInOpenTransaction(db.url, 'LOCK TABLE "Transaction" IN ACCESS EXCLUSIVE MODE');
 *   try {
 *     const pending = repo.runningTotals();
 *     await untilBlockedBy(db.prisma, lock.pid, pending);
 *     …
 *   } finally {
 *     await lock.close();
 *   }
 */
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import type { NewTransaction } from '../../prisma/app/index.ts';

/** A connected node-postgres client that survives its backend being terminated (an 'error' listener). */
export async function sessionOn(url: string, applicationName = 'test_admin'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  // A backend killed (or a server crashed) under the test must fail this client's next query, not the process.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface Held {
  /** Backend process id of the holding connection (what a waiting statement is blocked by). */
  readonly pid: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Closes the connection (rolling back whatever is still open); safe after the server went away. */
  close(): Promise<void>;
}

/** Runs `statement` in a transaction on its own connection and leaves that transaction open, locks held. */
export async function holdInOpenTransaction(url: string, statement: string, values: unknown[] = []): Promise<Held> {
  const client = await sessionOn(url, 'lock_barrier');
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query(statement, values);
    return {
      pid: rows[0]!.pid,
      commit: async () => void (await client.query('COMMIT')),
      rollback: async () => void (await client.query('ROLLBACK')),
      close: () => client.end().catch(() => {}),
    };
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/** Inserts `row` and keeps it uncommitted: a batch carrying the same `externalId` waits on it. */
export function holdUncommittedRow(url: string, row: NewTransaction): Promise<Held> {
  return holdInOpenTransaction(url, 'INSERT INTO "Transaction" ("accountId", amount, "createdAt", "externalId") VALUES ($1, $2, $3, $4)', [
    row.accountId,
    row.amount === null ? null : String(row.amount),
    row.createdAt.toISOString(),
    row.externalId ?? null,
  ]);
}

/** Anything that can run a tagged raw query: a PrismaClient. */
interface RawQuery {
  $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/**
 * Resolves once some backend waits on a lock held by `pid`. Rejects if `work` settles first: then it never waited,
 * and whatever the test meant to force did not happen. With `orSettled`, `work` settling first is an outcome too
 * (resolves `'settled'`): for a test whose deadline a loaded machine may pass before the work reaches the lock.
 */
export async function untilBlockedBy(watcher: RawQuery, pid: number, work: Promise<unknown>, options: { readonly orSettled?: boolean } = {}): Promise<'blocked' | 'settled'> {
  let settled = false;
  void work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    const [row] = await watcher.$queryRaw<Array<{ waiting: number }>>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`;
    if ((row?.waiting ?? 0) > 0) return 'blocked';
    if (settled && options.orSettled === true) return 'settled';
    if (settled) throw new Error(`the work finished without ever waiting on backend ${pid}`);
    await sleep(5);
  }
}

/** A promise with its resolve function, for barriers between interleaved transactions. */
export function barrier(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
