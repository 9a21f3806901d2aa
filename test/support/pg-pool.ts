import pg from 'pg';
import { afterAll } from 'vitest';

/**
 * A node-postgres pool for a test file's own reads (references, setup, the `pgPool` stream path). Its idle
 * connections may be ended by the server when the file's database is dropped with FORCE at teardown; node-postgres
 * reports that as an 'error' event on the pool, which without a listener would crash the run. Errors of queries
 * still reach the caller as rejections.
 */
export function testPool(connectionString: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}

/**
 * A `testPool` on the file's database for the whole file (or describe block), opened on first use and ended
 * afterAll. Call it after `useTestDatabase()`, so the pool ends before the database is dropped:
 *
 *   const db = useTestDatabase();
 *   const pool = useTestPool(db, 1);
 *   beforeAll(async () => { await pool().query('INSERT …'); });
 */
export function useTestPool(db: { readonly url: string }, max = 2): () => pg.Pool {
  let pool: pg.Pool | undefined;
  afterAll(async () => {
    const ending = pool;
    pool = undefined;
    await ending?.end();
  });
  return () => (pool ??= testPool(db.url, max));
}

/** Runs `work` with a `testPool` of its own (`max` connections), ended afterwards however `work` ends. */
export async function withTestPool<T>(connectionString: string, max: number, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = testPool(connectionString, max);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
