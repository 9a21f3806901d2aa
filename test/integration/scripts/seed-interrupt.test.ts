// Ctrl-C during `npm run seed`: exit 130, whole chunks only, and the same command continues where it stopped.
import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../../support/database.ts';
import { holdInOpenTransaction, untilBlockedBy } from '../../support/lock-barrier.ts';
import { runScript, startScript, type ScriptResult } from '../../support/run-script.ts';

const ARGS = ['--transactions', '40000', '--sales', '0', '--chunk-rows', '500'];
const GATE = 4_242;

describe('npm run seed, interrupted', () => {
  const db = useTestDatabase();

  it('keeps whole chunks on SIGINT, says so, and resumes after them', async () => {
    // A gate that lets the first chunk through and stops the second one inside its transaction, so the signal
    // certainly arrives mid-run with a chunk in flight, however fast the machine.
    await db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_gate_after_first_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM "Transaction") >= 500 THEN PERFORM pg_advisory_xact_lock_shared(${GATE}); END IF;
        RETURN NULL;
      END $$`);
    await db.prisma.$executeRawUnsafe(`
      CREATE TRIGGER test_gate BEFORE INSERT ON "Transaction" FOR EACH STATEMENT EXECUTE FUNCTION test_gate_after_first_chunk()`);
    const gate = await holdInOpenTransaction(db.url, `SELECT pg_advisory_xact_lock(${GATE})`);
    let interrupted: ScriptResult;
    try {
      const run = startScript('seed', ARGS, { DATABASE_URL: db.url });
      await run.waitForStderr(/^transactions {2}[\d,]+\/40,000 rows/m); // the first chunk is committed
      await untilBlockedBy(db.prisma, gate.pid, run.result); // the second waits at the gate
      run.child.kill('SIGINT');
      await run.waitForStderr(/Interrupted: /);
      await gate.rollback(); // the chunk in flight may now finish or be rolled back: whole chunks either way
      interrupted = await run.result;
    } finally {
      await gate.close();
      await db.prisma.$executeRawUnsafe('DROP TRIGGER IF EXISTS test_gate ON "Transaction"');
      await db.prisma.$executeRawUnsafe('DROP FUNCTION IF EXISTS test_gate_after_first_chunk()');
    }
    expect(interrupted.code).toBe(130);
    const reported = /Interrupted: transactions has ([\d,]+) of 40,000 rows/.exec(interrupted.stderr);
    expect(reported, interrupted.stderr).not.toBeNull();

    const kept = await db.prisma.transaction.count();
    expect(kept % 500).toBe(0); // no half-written chunk
    expect(kept).toBeGreaterThanOrEqual(Number(reported![1]!.replace(/,/g, '')));
    expect(kept).toBeLessThanOrEqual(1_000); // the first chunk, and at most the one held at the gate

    const resumed = await runScript('seed', ARGS, { DATABASE_URL: db.url });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`continuing after ${kept.toLocaleString('en-US')} existing rows`);
    expect(await db.prisma.transaction.count()).toBe(40_000);
  });
});
