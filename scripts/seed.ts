/**
 * `npm run seed`: deterministic synthetic data at scale, chunk by chunk through the repositories' insertMany.
 * See `npm run seed -- --help` (scripts/lib/seed-args.ts) for options, data shapes and the resume rules.
 */
import { runScript } from './lib/cli.ts';
import { parseSeedArgs } from './lib/seed-args.ts';

runScript('seed', async () => {
  const parsed = parseSeedArgs(process.argv.slice(2));
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return 0;
  }
  const { seed } = await import('./lib/seed-run.ts'); // Prisma and PostgreSQL only past this point
  return seed(parsed.args);
});
