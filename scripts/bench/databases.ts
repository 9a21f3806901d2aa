/**
 * The bench's throwaway databases: on DATABASE_URL's server, else on a PostgreSQL from provisionPostgres() (a
 * temporary embedded server here). Migrated like the app's. On Ctrl-C the child processes are killed, the clients
 * closed and the databases dropped (an embedded server is stopped and its directory removed by provisionPostgres).
 */
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { provisionPostgres } from '../lib/postgres/provision.ts';
import { registerForCleanup } from '../lib/postgres/shutdown.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-database.ts';
import { killWorkers } from './spawn-worker.ts';

export interface BenchDatabase {
  readonly prisma: PrismaClient;
  readonly url: string;
}

export interface BenchServer {
  /** 'embedded', 'external (DATABASE_URL)', … */
  readonly kind: string;
  /** A new migrated database, dropped by close(). */
  database(prefix: string): Promise<BenchDatabase>;
  close(): Promise<void>;
}

export async function openBenchServer(log: ((line: string) => void) | undefined): Promise<BenchServer> {
  const server = await provisionPostgres({ log });
  const created: ScratchDatabase[] = [];
  const dropAll = async () => {
    await killWorkers();
    for (const db of created.splice(0)) await db.drop().catch(() => {});
  };
  const unregister = registerForCleanup({ stop: dropAll });
  return {
    kind: server.kind === 'external' ? 'from DATABASE_URL' : server.kind,
    async database(prefix) {
      const db = await createScratchDatabase(server.url, prefix);
      created.push(db);
      return db;
    },
    async close() {
      try {
        await dropAll();
      } finally {
        unregister();
        await server.stop();
      }
    },
  };
}
