/**
 * Throwaway, migrated databases for scripts (demo, bench, exactness): created on a PostgreSQL server, migrated,
 * and dropped again — by `drop()`, or on Ctrl-C (SIGINT / SIGTERM / SIGHUP) while they exist.
 */
import { randomBytes } from 'node:crypto';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { createPrismaClient } from '../../prisma/app/index.ts';
import { applyMigrations } from './migrate/schema-engine.ts';
import { createDatabase, dropDatabase, withDatabaseName } from './postgres/databases.ts';
import { registerForCleanup } from './postgres/shutdown.ts';
import { withServerUrl } from './temporary-server.ts';

export interface ScratchDatabase {
  /** `s_<prefix>_<random>`. */
  readonly name: string;
  readonly url: string;
  /** A client on the database (UTC sessions, see createPrismaClient). */
  readonly prisma: PrismaClient;
  /** The migrations applied to it: all of them, the database being new. */
  readonly applied: readonly string[];
  /** Disconnects the client and drops the database. Idempotent; concurrent calls share one drop. */
  drop(): Promise<void>;
}

/**
 * Creates `s_<prefix>_<random>` on the server of `adminUrl` (a superuser URL, e.g. provisionPostgres().url) and
 * applies the migrations. A failed migration drops the database again before rejecting.
 */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
  opts: { log?: (line: string) => void } = {},
): Promise<ScratchDatabase> {
  const name = `s_${prefix}_${randomBytes(3).toString('hex')}`;
  await createDatabase(adminUrl, name);
  const url = withDatabaseName(adminUrl, name);
  const prisma = createPrismaClient(url);
  let dropping: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropping ??= (async () => {
      unregister();
      try {
        await prisma.$disconnect();
      } finally {
        await dropDatabase(adminUrl, name);
      }
    })());
  // On a signal the database is dropped alongside the server's own shutdown (provisionPostgres registers that).
  const unregister = registerForCleanup({ stop: drop });
  try {
    const { applied } = await applyMigrations(url, { log: opts.log });
    return { name, url, prisma, applied, drop };
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn` on a scratch database on DATABASE_URL's server, or on a temporary PostgreSQL when it is unset (see
 * temporary-server.ts), then drops it (also on error).
 */
export async function withScratchDatabase<T>(
  prefix: string,
  fn: (db: ScratchDatabase) => Promise<T>,
  opts: { verbose?: boolean } = {},
): Promise<T> {
  return withServerUrl(async (adminUrl) => {
    const db = await createScratchDatabase(adminUrl, prefix);
    try {
      return await fn(db);
    } finally {
      await db.drop();
    }
  }, opts);
}
