/**
 * `npm run explain -- <query>`: plan check of a repository's running-total SQL from the command line; exits 3 when
 * a Sort feeds the WindowAgg. See `npm run explain -- --help` (scripts/lib/explain-args.ts).
 */
import { runScript } from './lib/cli.ts';
import { parseExplainArgs } from './lib/explain-args.ts';

runScript('explain', async () => {
  const parsed = parseExplainArgs(process.argv.slice(2));
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return 0;
  }
  const { explain } = await import('./lib/explain-run.ts'); // Prisma and PostgreSQL only past this point
  return explain(parsed.args);
});
