// npm run db:migrate — apply pending migrations (like `prisma migrate deploy`, via the wasm schema engine).
import { runCli, stderrLine } from './lib/cli/run.ts';
import { parseDbMigrateArgs } from './lib/db-args.ts';
import { applyMigrations, schemaWithMigrations } from './lib/migrate/schema-engine.ts';
import { withServerUrl } from './lib/temporary-server.ts';

const elapsed = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)} s`;

runCli('db:migrate', parseDbMigrateArgs, async ({ schema, verbose }) => {
  // Another schema brings its own migrations: the folder beside it, as the Prisma CLI reads them.
  const variant = schema === undefined ? {} : schemaWithMigrations(schema);
  await withServerUrl(async (url) => {
    const start = performance.now();
    const { applied } = await applyMigrations(url, { ...variant, log: verbose ? stderrLine : undefined });
    if (applied.length === 0) stderrLine(`No pending migrations (${elapsed(start)}).`);
    else stderrLine(`Applied ${applied.length} migration(s) in ${elapsed(start)}:\n${applied.map((n) => `  ${n}`).join('\n')}`);
  }, { verbose });
});
