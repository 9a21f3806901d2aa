// npm run db:diff — the SQL that separates prisma/migrations (or the database) from prisma/schema.prisma.
import { parseCli, runCli, say, UsageError, withDatabase } from './lib/db-cli.ts';
import {
  diffDatabaseToSchema,
  diffEmptyToSchema,
  diffMigrationsToSchema,
  type SchemaDiff,
} from './lib/migrate/schema-engine.ts';

const USAGE = `
Usage: npm run db:diff [-- --from migrations|database|empty] [--exit-code]

Prints to stdout the SQL that would make the source match prisma/schema.prisma; prints nothing when they match.
  --from migrations  (default) replay prisma/migrations in a temporary shadow database and compare it to the
                     schema: non-empty output means schema.prisma changed without a migration (run
                     \`npm run db:new-migration -- --name <name>\`).
  --from database    compare the live database (DATABASE_URL) to the schema.
  --from empty       the whole schema as SQL; needs no database.
The shadow database is created on the server of DATABASE_URL; when DATABASE_URL is unset a temporary PostgreSQL
is provisioned (scripts/lib/postgres/provision.ts) and stopped afterwards.

Options:
  --exit-code  exit with 2 when there is a difference (for CI), 0 otherwise
  --verbose    print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help   show this help
`;

runCli(async () => {
  const args = parseCli(USAGE, {
    from: { type: 'string', default: 'migrations' },
    'exit-code': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const log = args.verbose ? say : undefined;
  let result: SchemaDiff;
  if (args.from === 'empty') {
    const sql = await diffEmptyToSchema({ log });
    result = { drift: sql.trim() !== '', sql };
  } else if (args.from === 'migrations' || args.from === 'database') {
    const diff = args.from === 'migrations' ? diffMigrationsToSchema : diffDatabaseToSchema;
    result = await withDatabase((url) => diff(url, { log }), { verbose: args.verbose });
  } else {
    throw new UsageError(`--from must be migrations, database or empty (got ${String(args.from)})\n${USAGE}`);
  }
  process.stdout.write(result.sql);
  if (!result.drift) {
    const source = args.from === 'migrations' ? 'prisma/migrations' : 'the database';
    say(args.from === 'empty' ? 'The schema is empty.' : `No difference: ${source} matches schema.prisma.`);
  } else if (args.from === 'migrations') {
    say('\nschema.prisma has changes no migration covers: npm run db:new-migration -- --name <snake_name>');
  }
  return args['exit-code'] && result.drift ? 2 : 0;
});
