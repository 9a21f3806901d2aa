import pg from 'pg';

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
