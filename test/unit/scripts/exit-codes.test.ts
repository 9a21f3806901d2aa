// The scripts as processes: --help exits 0 with the usage on stdout, bad arguments exit 2 with the reason on
// stderr, both before any database is touched (no DATABASE_URL is passed, and nothing is started).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { runScript } from '../../support/run-script.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** Every npm script that runs one of scripts/**.ts: all of them follow the convention of scripts/lib/cli/run.ts. */
const TS_SCRIPTS = Object.entries(scripts).flatMap(([name, command]) => {
  const file = /\b(scripts\/\S+\.ts)$/.exec(command)?.[1];
  return file === undefined ? [] : [[name, file] as const];
});

/** As `npm run <name>` runs it, minus npm: node + tsx on the file, without DATABASE_URL. */
function run(file: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Spawning node + tsx takes ~0.5 s alone but several seconds on a loaded 2-core machine: generous timeout.
describe.concurrent('script exit codes', { timeout: 60_000 }, () => {
  it('covers every script, the benchmarks included', () => {
    expect(TS_SCRIPTS.map(([name]) => name).sort()).toEqual(
      ['bench', 'bench:ingest', 'db:diff', 'db:migrate', 'db:new-migration', 'demo', 'exactness', 'explain', 'report', 'seed'],
    );
  });

  it.each(TS_SCRIPTS)('%s --help prints the usage and exit codes to stdout and exits 0', async (name, file) => {
    const result = await run(file, ['--help']);
    expect(result.stdout).toMatch(new RegExp(`^Usage: npm run ${name} --`));
    expect(result.stdout).toMatch(/Exit codes:/);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each(TS_SCRIPTS)('%s with an unknown option exits 2 and says why', async (name, file) => {
    const result = await run(file, ['--no-such-option']);
    expect(result.stderr).toMatch(new RegExp(`^${name}: unknown option --no-such-option$`, 'm'));
    expect(result.stderr).toContain(`Run \`npm run ${name} -- --help\` for usage.`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
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
