// npm run db:new-migration -- --name <snake_name> — write the next migration (like `prisma migrate dev --create-only`).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { parseCli, runCli, say, UsageError, withDatabase } from './lib/db-cli.ts';
import {
  DEFAULT_MIGRATIONS_DIR,
  diffMigrationsToSchema,
  MIGRATION_LOCK_TOML,
  PROJECT_ROOT,
} from './lib/migrate/schema-engine.ts';

const USAGE = `
Usage: npm run db:new-migration -- --name <snake_name>

Writes prisma/migrations/<YYYYMMDDHHMMSS>_<snake_name>/migration.sql with the SQL that brings the existing
migrations in line with prisma/schema.prisma (and prisma/migrations/migration_lock.toml if missing). Refuses
when there is nothing to migrate. Does not apply it: review the file, then \`npm run db:migrate\`.
The migrations are replayed in a temporary shadow database on the server of DATABASE_URL; when DATABASE_URL is
unset a temporary PostgreSQL is provisioned (scripts/lib/postgres/provision.ts) and stopped afterwards.

Options:
  --name <snake_name>  lower-case letters, digits and underscores, e.g. add_sales_region_index
  --verbose            print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help           show this help
`;

/** UTC, like Prisma: 20250101123059. */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

runCli(async () => {
  const args = parseCli(USAGE, { name: { type: 'string' }, verbose: { type: 'boolean' } });
  const name = args.name;
  if (name === undefined || !/^[a-z0-9]+(_[a-z0-9]+)*$/.test(name)) {
    throw new UsageError(`--name <snake_name> is required (lower-case letters, digits, single underscores)\n${USAGE}`);
  }

  const { drift, sql } = await withDatabase(
    (url) => diffMigrationsToSchema(url, { log: args.verbose ? say : undefined }),
    { verbose: args.verbose },
  );
  if (!drift) {
    say('No schema changes: prisma/migrations already matches prisma/schema.prisma. Nothing written.');
    return 1;
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

  say(`Wrote ${path.relative(PROJECT_ROOT, path.join(dir, 'migration.sql'))}${lock === null ? ' and migration_lock.toml' : ''}.`);
  say('Review it, then run `npm run db:migrate`.');
});
