/**
 * `npm run seed`: deterministic synthetic data at scale, chunk by chunk through the repositories' insertMany.
 * See `npm run seed -- --help` (lib/seed-args.ts) for options, data shapes and the resume rules.
 */
import { runCli } from './lib/cli/run.ts';
import { parseSeedArgs } from './lib/seed-args.ts';

// The database side loads only past parsing: --help and bad arguments stay fast and touch no database.
runCli('seed', parseSeedArgs, async (args) => (await import('./lib/seed-run.ts')).seed(args));
