// npm run db:migrate — apply pending migrations (like `prisma migrate deploy`, via the wasm schema engine).
import { elapsed, parseCli, runCli, say, withDatabase } from './lib/db-cli.ts';
import { applyMigrations } from './lib/migrate/schema-engine.ts';

const USAGE = `
Usage: npm run db:migrate [-- --verbose]

Applies the migrations in prisma/migrations that the database has not recorded in _prisma_migrations yet
(like \`prisma migrate deploy\`). Uses DATABASE_URL; when it is unset, provisions a temporary PostgreSQL
(scripts/lib/postgres/provision.ts), migrates it and stops it again.

Options:
  --verbose   print the schema engine's log lines (and the temporary PostgreSQL's)
  -h, --help  show this help
`;

runCli(async () => {
  const args = parseCli(USAGE, { verbose: { type: 'boolean' } });
  await withDatabase(async (url) => {
    const start = performance.now();
    const { applied } = await applyMigrations(url, { log: args.verbose ? say : undefined });
    if (applied.length === 0) say(`No pending migrations (${elapsed(start)}).`);
    else say(`Applied ${applied.length} migration(s) in ${elapsed(start)}:\n${applied.map((n) => `  ${n}`).join('\n')}`);
  }, { verbose: args.verbose });
});
