/**
 * `npm run explain -- <query>`: plan check of a repository's running-total SQL from the command line; exits 3 when
 * a Sort feeds the WindowAgg. See `npm run explain -- --help` (lib/explain-args.ts).
 */
import { runCli } from './lib/cli/run.ts';
import { parseExplainArgs } from './lib/explain-args.ts';

// The database side loads only past parsing: --help and bad arguments stay fast and touch no database.
runCli('explain', parseExplainArgs, async (args) => (await import('./lib/explain-run.ts')).explain(args));
