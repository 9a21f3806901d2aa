// npm run db:new-migration -- --name <snake_name> — write the next migration (like `prisma migrate dev --create-only`).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { EXIT_FAILURE, runCli, stderrLine } from './lib/cli/run.ts';
import { parseDbNewMigrationArgs } from './lib/db-args.ts';
import {
  DEFAULT_MIGRATIONS_DIR,
  diffMigrationsToSchema,
  MIGRATION_LOCK_TOML,
  PROJECT_ROOT,
} from './lib/migrate/schema-engine.ts';
import { withServerUrl } from './lib/temporary-server.ts';

/** UTC, like Prisma: 20250101123059. */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

runCli('db:new-migration', parseDbNewMigrationArgs, async ({ name, verbose }) => {
  const { drift, sql } = await withServerUrl((url) => diffMigrationsToSchema(url, { log: verbose ? stderrLine : undefined }), { verbose });
  if (!drift) {
    stderrLine('No schema changes: prisma/migrations already matches prisma/schema.prisma. Nothing written.');
    return EXIT_FAILURE;
  }

  const dir = path.join(DEFAULT_MIGRATIONS_DIR, `${timestamp()}_${name}`);
  await mkdir(DEFAULT_MIGRATIONS_DIR, { recursive: true });
  await mkdir(dir).catch((error: unknown) => {
    const exists = (error as { code?: unknown }).code === 'EEXIST';
    throw exists ? new Error(`${path.relative(PROJECT_ROOT, dir)} already exists`, { cause: error }) : error;
  });
  await writeFile(path.join(dir, 'migration.sql'), sql, 'utf8');

  const lockPath = path.join(DEFAULT_MIGRATIONS_DIR, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  if (lock === null) await writeFile(lockPath, MIGRATION_LOCK_TOML, 'utf8');

  stderrLine(`Wrote ${path.relative(PROJECT_ROOT, path.join(dir, 'migration.sql'))}${lock === null ? ' and migration_lock.toml' : ''}.`);
  stderrLine('Review it, then run `npm run db:migrate`.');
});
