// Ctrl-C during `npm run seed`: exit 130, whole chunks only, and the same command continues where it stopped.
import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../../support/database.ts';
import { runScript, startScript } from '../../support/run-script.ts';

const ARGS = ['--transactions', '40000', '--sales', '0', '--chunk-rows', '500'];

describe('npm run seed, interrupted', () => {
  const db = useTestDatabase();

  it('keeps whole chunks on SIGINT, says so, and resumes after them', async () => {
    const run = startScript('seed', ARGS, { DATABASE_URL: db.url });
    await run.waitForStderr(/^transactions {2}[\d,]+\/40,000 rows/m); // the first chunk is committed
    run.child.kill('SIGINT');
    const interrupted = await run.result;
    expect(interrupted.code).toBe(130);
    const reported = /Interrupted: transactions has ([\d,]+) of 40,000 rows/.exec(interrupted.stderr);
    expect(reported, interrupted.stderr).not.toBeNull();

    const kept = await db.prisma.transaction.count();
    expect(kept % 500).toBe(0); // no half-written chunk
    expect(kept).toBeGreaterThanOrEqual(Number(reported![1]!.replace(/,/g, '')));
    expect(kept).toBeLessThan(40_000);

    const resumed = await runScript('seed', ARGS, { DATABASE_URL: db.url });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`continuing after ${kept.toLocaleString('en-US')} existing rows`);
    expect(await db.prisma.transaction.count()).toBe(40_000);
  });
});
