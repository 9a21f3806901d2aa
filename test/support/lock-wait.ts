/**
 * Deterministic interleavings for integration tests: hold a table lock from a separate session, and wait until an
 * application's statement is blocked on a lock — the moment to terminate its backend, commit a conflicting
 * transaction, or let a statement timeout fire.
 *
 *   const admin = await sessionOn(db.url);
 *   const lock = await holdTableLock(db.url, 'Transaction');
 *   const pending = repo.runningTotals();             // blocks on the lock
 *   await waitUntilBlocked(admin, 'my_app');
 *   await terminateBackends(admin, 'my_app');          // the statement fails: connection lost
 *   await lock.release();
 */
import pg from 'pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected node-postgres client that survives its backend being terminated (an 'error' listener). */
export async function sessionOn(url: string, applicationName = 'test_admin'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A node-postgres pool whose sessions carry `applicationName` and whose broken connections never crash the run. */
export function taggedPool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, application_name: applicationName, max: 2 });
  pool.on('connect', (connection) => connection.on('error', () => {}));
  pool.on('error', () => {});
  return pool;
}

export interface HeldLock {
  release(): Promise<void>;
}

/** `LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` in an open transaction: every read and write of the table waits. */
export async function holdTableLock(url: string, table: string): Promise<HeldLock> {
  const session = await sessionOn(url, 'test_locker');
  await session.query('BEGIN');
  await session.query(`LOCK TABLE ${pg.escapeIdentifier(table)} IN ACCESS EXCLUSIVE MODE`);
  return {
    release: async () => {
      await session.query('ROLLBACK').catch(() => {});
      await session.end().catch(() => {});
    },
  };
}

/** Resolves once a backend of `applicationName` in this database waits for a lock; rejects after `timeoutMs`. */
export async function waitUntilBlocked(admin: pg.Client, applicationName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await admin.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
      [applicationName],
    );
    if ((rows[0]?.waiting ?? 0) > 0) return;
    if (performance.now() > deadline) throw new Error(`no backend of ${applicationName} became blocked within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** `pg_terminate_backend` for every backend of `applicationName` in this database; resolves to how many. */
export async function terminateBackends(admin: pg.Client, applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
    [applicationName],
  );
  return rows.filter((row) => row.killed).length;
}

/** A promise with its resolve function, for barriers between interleaved transactions. */
export function barrier(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
