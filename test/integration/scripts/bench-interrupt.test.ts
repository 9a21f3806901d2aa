// `npm run bench` interrupted while its peers' worker processes run: Ctrl-C at a terminal signals the whole process
// group (the bench, its workers, an embedded server), a `kill -INT` only the bench. Either way it ends with 130,
// prints no failure or stack trace for what the interruption broke, and drops its throwaway databases.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../../support/database.ts';
import { withPg } from '../../support/plain-sql.ts';
import { startScript } from '../../support/run-script.ts';

const ARGS = ['--only', 'peers', '--rows', '5000', '--no-write'];

/** Resolves once a peer worker runs in the process group `group` (polled: a worker starts a moment after the log line). */
async function peerWorkerRunning(group: number, ended: Promise<unknown>): Promise<void> {
  let over = false;
  void ended.then(() => (over = true));
  for (;;) {
    if (over) throw new Error('bench ended before a peer worker started');
    const listed = execFileSync('ps', ['-o', 'pgid=,args=', '-e'], { encoding: 'utf8' });
    if (listed.split('\n').some((line) => line.trim().startsWith(`${group} `) && line.includes('peer-worker'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm run bench, interrupted', () => {
  const db = useTestDatabase();
  const benchDatabases = () =>
    withPg(db.url, async (client) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 's\\_bench%'`)).rows[0]!.n);

  it.each([
    ['the whole process group (Ctrl-C)', 'DATABASE_URL', true],
    ['the bench alone (kill -INT)', 'DATABASE_URL', false],
    // The embedded server is in the group too: it shuts down at once, ending the bench's connections under it.
    ['the whole process group (Ctrl-C)', 'its embedded server', true],
  ])('exits 130 quietly when SIGINT reaches %s, on %s, and leaves nothing behind', async (_, server, group) => {
    const external = server === 'DATABASE_URL';
    const run = startScript('bench/bench', ARGS, external ? { DATABASE_URL: db.url } : {}, { ownProcessGroup: true });
    await run.waitForStderr(/each client in its own process/);
    await peerWorkerRunning(run.child.pid!, run.result);
    process.kill(group ? -run.child.pid! : run.child.pid!, 'SIGINT');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).not.toMatch(/failed|Error|^\s+at /m);
    if (external) expect(await benchDatabases()).toBe(0);
    const left = execFileSync('ps', ['-o', 'pgid=,args=', '-e'], { encoding: 'utf8' })
      .split('\n')
      // An exited child not yet reaped (`<defunct>`: its parent, the bench, is gone) holds nothing.
      .filter((line) => line.trim().startsWith(`${run.child.pid} `) && !line.includes('<defunct>'));
    expect(left, 'processes of the bench still running').toEqual([]);
  }, 180_000);
});
