/**
 * `npm run demo | head -3`: the reader closes the pipe after a few lines. The rest of the output goes nowhere and
 * the demo still finishes, dropping its scratch database, with exit code 0 — it died of EPIPE before, with a stack
 * trace, and left the database behind.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, inject, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it('finishes cleanly when its reader stops after the first line', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', 'demo.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: inject('databaseAdminUrl'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Like `head -1`: read the first chunk, then close the read end.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  expect(stderr).not.toMatch(/EPIPE|failed/);
  expect(code).toBe(0);
});
