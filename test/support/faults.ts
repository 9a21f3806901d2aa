/**
 * Fault injection for integration tests: kill the server processes (backends) serving one application's
 * connections with `pg_terminate_backend`, from a separate connection, at a chosen moment.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';

/**
 * A node-postgres pool whose connections carry `application_name`, so a killer can find exactly its backends.
 * Every connection gets a permanent 'error' listener: a backend killed while no query is running (e.g. between a
 * transaction's release and the pool's idle listener) must fail the next query on it, not crash the process with
 * an unhandled 'error' event. Applications that expect connection loss want the same.
 */
export function taggedPool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, application_name: applicationName, max: 2 });
  pool.on('connect', (connection) => connection.on('error', () => {}));
  pool.on('error', () => {});
  return pool;
}

/** A PrismaClient on a `taggedPool` (which it ends on `$disconnect`). */
export function taggedClient(url: string, applicationName: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(taggedPool(url, applicationName), { disposeExternalPool: true }) });
}

export interface BackendKiller {
  /** Terminates every backend of `applicationName` in this database; resolves to how many were killed. */
  kill(): Promise<number>;
  /**
   * Kills after `delayMs` (timer started now). When no backend is connected at that moment (the pool is between
   * connections), tries again every millisecond for up to `patienceMs`. Resolves to the number killed.
   */
  killAfter(delayMs: number, patienceMs?: number): Promise<number>;
  close(): Promise<void>;
}

export async function backendKiller(url: string, applicationName: string): Promise<BackendKiller> {
  const client = new pg.Client({ connectionString: url, application_name: 'fault_killer' });
  await client.connect();
  const kill = async () => {
    const result = await client.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return result.rows.filter((row) => row.killed).length;
  };
  return {
    kill,
    killAfter: async (delayMs, patienceMs = 1_000) => {
      await sleep(delayMs);
      const deadline = performance.now() + patienceMs;
      for (;;) {
        const killed = await kill();
        if (killed > 0 || performance.now() > deadline) return killed;
        await sleep(1);
      }
    },
    close: () => client.end(),
  };
}
