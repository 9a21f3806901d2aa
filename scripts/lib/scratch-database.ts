/** A throwaway, migrated database for scripts: on DATABASE_URL's server, or on a temporary PostgreSQL. */
import { randomBytes } from 'node:crypto';


import { createDatabase, dropDatabase, withDatabaseName } from '../../src/db/databases.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { withDatabase } from '../../src/migrate/cli.ts';
import { applyMigrations } from '../../src/migrate/schema-engine.ts';
import { createPrismaClient } from '../../src/db/prisma-client.ts';

export interface ScratchDatabase {
  readonly prisma: PrismaClient;
  readonly url: string;
}

/** Creates `s_<prefix>_<random>`, applies the migrations, runs `fn`, then drops it (also on error). */
export async function withScratchDatabase<T>(prefix: string, fn: (db: ScratchDatabase) => Promise<T>): Promise<T> {
  return withDatabase(async (adminUrl) => {
    const name = `s_${prefix}_${randomBytes(3).toString('hex')}`;
    await createDatabase(adminUrl, name);
    const url = withDatabaseName(adminUrl, name);
    const prisma = createPrismaClient(url);
    try {
      await applyMigrations(url, {});
      return await fn({ prisma, url });
    } finally {
      await prisma.$disconnect();
      await dropDatabase(adminUrl, name);
    }
  });
}
