/**
 * Where the operator scripts get their database: `DATABASE_URL` when set, otherwise the embedded PostgreSQL in the
 * persistent data directory `.data/postgres` (so `npm run seed` and a later `npm run report` see the same rows).
 * Pending migrations are applied on open.
 *
 * Ctrl-C (SIGINT / SIGTERM / SIGHUP): the PrismaClient is disconnected and — through provisionPostgres's own
 * signal handling — the embedded server gets a fast shutdown, which rolls back any open transaction; then the
 * process exits with 130 (SIGINT). Nothing half-written survives because every write is a transaction.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { createPrismaClient } from '../../prisma/app/index.ts';
import { applyMigrations, PROJECT_ROOT } from './migrate/schema-engine.ts';
import { provisionPostgres, stopOnSignals } from './postgres/provision.ts';
import { canTraverse, nearestExisting, reachableTempDir } from './postgres/reachable.ts';
import { serverUser } from './postgres/server-user.ts';

export const EMBEDDED_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'postgres');

/**
 * `.data/postgres` in the checkout, or, when the OS user that runs PostgreSQL cannot reach the checkout (root runs
 * it as `postgres`; a clone below `/root` or a `mktemp -d` directory is out of its reach), a directory of this
 * checkout's own in a temporary directory it can reach. Either way one checkout keeps one data directory, so a
 * seed and a later report see the same rows.
 */
async function embeddedDataDir(): Promise<string> {
  const user = await serverUser();
  if (await canTraverse(await nearestExisting(EMBEDDED_DATA_DIR), user)) return EMBEDDED_DATA_DIR;
  const checkout = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  return path.join(await reachableTempDir(user), `prisma-window-ledger-data-${checkout}`);
}

export interface ScriptDatabase {
  readonly prisma: PrismaClient;
  readonly url: string;
  /** e.g. "embedded PostgreSQL 18.4 (.data/postgres)" or "PostgreSQL 16.2 from DATABASE_URL". */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Provisioning and migration log lines (e.g. to stderr with --verbose). */
  readonly log?: (line: string) => void;
  /** Called first when a signal arrives, before connections are closed (e.g. to print how far a seed got). */
  readonly onInterrupt?: () => void;
}

export async function openScriptDatabase(opts: OpenOptions = {}): Promise<ScriptDatabase> {
  const external = Boolean(process.env.DATABASE_URL?.trim());
  const dataDir = external ? undefined : await embeddedDataDir();
  const server = await provisionPostgres(
    dataDir === undefined ? { prefer: 'external', log: opts.log } : { prefer: 'embedded', dataDir, log: opts.log },
  );
  let prisma: PrismaClient | undefined;
  const disconnect = async (): Promise<void> => {
    await prisma?.$disconnect();
  };
  // On a signal: report, then close the client; provisionPostgres stops the embedded server alongside.
  const unregister = stopOnSignals({
    stop: async () => {
      opts.onInterrupt?.();
      await disconnect();
    },
  });
  try {
    const { applied } = await applyMigrations(server.url, { log: opts.log });
    if (applied.length > 0) opts.log?.(`applied migrations: ${applied.join(', ')}`);
    prisma = createPrismaClient(server.url);
  } catch (error) {
    unregister();
    await server.stop();
    throw error;
  }
  const where = server.kind === 'embedded' && dataDir ? ` (${path.relative(process.cwd(), dataDir) || '.'})` : ' from DATABASE_URL';
  return {
    prisma,
    url: server.url,
    description: `${server.kind === 'embedded' ? 'embedded ' : ''}PostgreSQL ${server.version ?? ''}${where}`,
    async close() {
      unregister();
      try {
        await disconnect();
      } finally {
        await server.stop();
      }
    },
  };
}
