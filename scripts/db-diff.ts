// npm run db:diff — the SQL that separates prisma/migrations (or the database) from prisma/schema.prisma.
import { EXIT_CHECK_FAILED, runCli, stderrLine } from './lib/cli/run.ts';
import { parseDbDiffArgs, type DbDiffArgs } from './lib/db-args.ts';
import {
  diffDatabaseToSchema,
  diffEmptyToSchema,
  diffMigrationsToSchema,
  type SchemaDiff,
} from './lib/migrate/schema-engine.ts';
import { withServerUrl } from './lib/temporary-server.ts';

async function diff({ from, verbose }: DbDiffArgs): Promise<SchemaDiff> {
  const log = verbose ? stderrLine : undefined;
  if (from === 'empty') {
    const sql = await diffEmptyToSchema({ log });
    return { drift: sql.trim() !== '', sql };
  }
  const against = from === 'migrations' ? diffMigrationsToSchema : diffDatabaseToSchema;
  return withServerUrl((url) => against(url, { log }), { verbose });
}

runCli('db:diff', parseDbDiffArgs, async (args) => {
  const result = await diff(args);
  process.stdout.write(result.sql);
  if (!result.drift) {
    const source = args.from === 'migrations' ? 'prisma/migrations' : 'the database';
    stderrLine(args.from === 'empty' ? 'The schema is empty.' : `No difference: ${source} matches schema.prisma.`);
  } else if (args.from === 'migrations') {
    stderrLine('\nschema.prisma has changes no migration covers: npm run db:new-migration -- --name <snake_name>');
  }
  return args.exitCode && result.drift ? EXIT_CHECK_FAILED : 0;
});
