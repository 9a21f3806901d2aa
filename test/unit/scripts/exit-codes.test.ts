// The scripts as processes: --help exits 0 with the usage on stdout, bad arguments exit 2 with the reason on
// stderr, both before any database is touched (no DATABASE_URL is passed, and nothing is started).
import { describe, expect, it } from 'vitest';

import { runScript } from '../../support/run-script.ts';

// Spawning node + tsx takes ~0.5 s alone but several seconds on a loaded 2-core machine: generous timeout.
describe.concurrent('script exit codes', { timeout: 30_000 }, () => {
  it.each(['seed', 'report', 'explain'] as const)('%s --help prints the usage and exits 0', async (name) => {
    const result = await runScript(name, ['--help']);
    expect(result.stdout).toMatch(new RegExp(`^Usage: npm run ${name} --`));
    expect(result.stdout).toMatch(/Exit codes:/);
    expect(result.code).toBe(0);
  });

  it.each([
    ['seed', ['--transactions=-5'], 'seed: --transactions must be between 0 and 100,000,000, got -5'],
    ['report', ['--format', 'xml'], 'report: --format must be one of table, csv, json, html; got "xml"'],
    ['explain', ['nope'], 'explain: unknown query "nope"'],
  ] as const)('%s with bad arguments exits 2 and says why', async (name, args, message) => {
    const result = await runScript(name, args);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Run \`npm run ${name} -- --help\` for usage.`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });
});
