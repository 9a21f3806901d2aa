/**
 * Arguments of the migration scripts (npm run db:migrate, db:diff, db:new-migration): pure parsing (returns or
 * throws UsageError), so tests call it without a database.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { choiceArg, parseArgv, UsageError, type ParseResult } from './cli/args.ts';

const WHERE = `Database: DATABASE_URL; when it is unset a temporary PostgreSQL is provisioned
(scripts/lib/postgres/provision.ts) and stopped afterwards.`;

export const DB_MIGRATE_USAGE = `
Usage: npm run db:migrate -- [options]

Applies the migrations in prisma/migrations that the database has not recorded in _prisma_migrations yet
(like \`prisma migrate deploy\`). ${WHERE}

Options:
  --schema <path>  another schema and the migrations folder beside it, e.g. prisma/citus/schema.prisma (the
                   distributed variant: on a Citus coordinator it distributes the tables, elsewhere they stay local)
  --verbose        print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help       show this help

Exit codes: 0 done · 1 failed · 2 bad arguments · 130 interrupted.
`;

export interface DbMigrateArgs {
  /** A schema.prisma path; its migrations are the \`migrations\` folder beside it. Undefined: prisma/schema.prisma. */
  readonly schema: string | undefined;
  readonly verbose: boolean;
}

export function parseDbMigrateArgs(argv: readonly string[]): ParseResult<DbMigrateArgs> {
  const parsed = parseArgv(argv, { schema: { type: 'string' }, verbose: { type: 'boolean' } });
  if (parsed === null) return { help: DB_MIGRATE_USAGE.trim() };
  const { schema, verbose } = parsed.values;
  if (schema !== undefined && !schema.endsWith('.prisma')) {
    throw new UsageError(`--schema must name a .prisma file, got ${JSON.stringify(schema)}`);
  }
  // Said before a temporary server is started for it, not as an ENOENT after.
  if (schema !== undefined && !existsSync(path.resolve(schema))) throw new UsageError(`--schema: no file ${path.resolve(schema)}`);
  return { args: { schema, verbose: verbose ?? false } };
}

export const DIFF_SOURCES = ['migrations', 'database', 'empty'] as const;

export const DB_DIFF_USAGE = `
Usage: npm run db:diff -- [--from migrations|database|empty] [options]

Prints to stdout the SQL that would make the source match prisma/schema.prisma; prints nothing when they match.
  --from migrations  (default) replay prisma/migrations in a temporary shadow database and compare it to the
                     schema: non-empty output means schema.prisma changed without a migration (run
                     \`npm run db:new-migration -- --name <name>\`).
  --from database    compare the live database (DATABASE_URL) to the schema.
  --from empty       the whole schema as SQL; needs no database.
The shadow database is created on the database's server. ${WHERE}

Options:
  --exit-code  exit with 3 when there is a difference (for CI), 0 otherwise
  --verbose    print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help   show this help

Exit codes: 0 done (with --exit-code: no difference) · 1 failed · 2 bad arguments · 3 with --exit-code: a
difference · 130 interrupted.
`;

export interface DbDiffArgs {
  readonly from: (typeof DIFF_SOURCES)[number];
  readonly exitCode: boolean;
  readonly verbose: boolean;
}

export function parseDbDiffArgs(argv: readonly string[]): ParseResult<DbDiffArgs> {
  const parsed = parseArgv(argv, { from: { type: 'string' }, 'exit-code': { type: 'boolean' }, verbose: { type: 'boolean' } });
  if (parsed === null) return { help: DB_DIFF_USAGE.trim() };
  const v = parsed.values;
  return {
    args: {
      from: choiceArg('from', v.from, DIFF_SOURCES, 'migrations'),
      exitCode: v['exit-code'] ?? false,
      verbose: v.verbose ?? false,
    },
  };
}

export const DB_NEW_MIGRATION_USAGE = `
Usage: npm run db:new-migration -- --name <snake_name> [options]

Writes prisma/migrations/<YYYYMMDDHHMMSS>_<snake_name>/migration.sql with the SQL that brings the existing
migrations in line with prisma/schema.prisma (and prisma/migrations/migration_lock.toml if missing). Refuses
when there is nothing to migrate. Does not apply it: review the file, then \`npm run db:migrate\`.
The migrations are replayed in a temporary shadow database on the database's server. ${WHERE}

Options:
  --name <snake_name>  lower-case letters, digits and single underscores, e.g. add_sales_region_index
  --verbose            print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help           show this help

Exit codes: 0 written · 1 nothing to migrate, or failed · 2 bad arguments · 130 interrupted.
`;

export interface DbNewMigrationArgs {
  readonly name: string;
  readonly verbose: boolean;
}

export function parseDbNewMigrationArgs(argv: readonly string[]): ParseResult<DbNewMigrationArgs> {
  const parsed = parseArgv(argv, { name: { type: 'string' }, verbose: { type: 'boolean' } });
  if (parsed === null) return { help: DB_NEW_MIGRATION_USAGE.trim() };
  const { name, verbose } = parsed.values;
  if (name === undefined) throw new UsageError('--name <snake_name> is required (lower-case letters, digits, single underscores)');
  if (!/^[a-z0-9]+(_[a-z0-9]+)*$/.test(name)) {
    throw new UsageError(`--name must be snake_case (lower-case letters, digits, single underscores), got ${JSON.stringify(name)}`);
  }
  return { args: { name, verbose: verbose ?? false } };
}
