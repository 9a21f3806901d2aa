/**
 * The bench's throwaway databases: on DATABASE_URL's server, else on a PostgreSQL from provisionPostgres() (a
 * temporary embedded server here). Migrated like the app's. On Ctrl-C the child processes are killed, the clients
 * closed and the databases dropped (an embedded server is stopped and its directory removed by provisionPostgres).
 */
import { randomBytes } from 'node:crypto';


import { createDatabase, dropDatabase, withDatabaseName } from '../../../src/db/databases.ts';
import { provisionPostgres } from '../../../src/db/provision.ts';
import { registerForCleanup } from '../../../src/db/shutdown.ts';
import { PrismaClient } from '../../../src/generated/prisma/client.ts';
import { applyMigrations } from '../../../src/migrate/schema-engine.ts';
import { killStreamWorkers } from './spawn-stream.ts';
import { createPrismaClient } from '../../../src/db/prisma-client.ts';

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
  const created: Array<{ name: string; prisma: PrismaClient }> = [];
  const dropAll = async () => {
    await killStreamWorkers();
    for (const { name, prisma } of created.splice(0)) {
      await prisma.$disconnect().catch(() => {});
      await dropDatabase(server.url, name).catch(() => {});
    }
  };
  const unregister = registerForCleanup({ stop: dropAll });
  return {
    kind: server.kind === 'external' ? 'from DATABASE_URL' : server.kind,
    async database(prefix) {
      const name = `s_${prefix}_${randomBytes(3).toString('hex')}`;
      await createDatabase(server.url, name);
      const url = withDatabaseName(server.url, name);
      const prisma = createPrismaClient(url);
      created.push({ name, prisma });
      await applyMigrations(url, {});
      return { prisma, url };
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
