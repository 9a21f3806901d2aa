/**
 * A pool whose only connection the caller's own stream holds, paused mid-result: reads and writes that need a
 * connection give up with DatabaseUnavailableError, in a process of their own, since the test runner would keep
 * a process alive that a plain `node` app does not (the wait's timer must, or the app exits with the call unsettled).
 */
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { DatabaseUnavailableError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { ROOT, runProcess } from '../support/process.ts';

const db = useTestDatabase();

it("gives up on a connection held by the caller's own paused stream with DatabaseUnavailableError, and the process waits for it", async () => {
  // More rows than one chunk of the pool's stream: it pauses with its connection held.
  await new TransactionRepository(db.prisma).insertMany(
    Array.from({ length: 5_000 }, (_, i) => ({ accountId: 1 + (i % 3), amount: '1.00', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })),
  );
  const result = await runProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fixtures', 'held-pool-waits.ts')], {
    env: { DATABASE_URL: db.url },
    timeoutMs: 60_000,
  });
  expect(result.stdout.trim().split('\n'), result.stderr).toEqual([
    'page DatabaseUnavailableError',
    'copy DatabaseUnavailableError',
    'runningTotals DatabaseUnavailableError',
    'done',
  ]);
  expect(result.code).toBe(0);
});

it("a read through a pool with its own connectionTimeoutMillis waits that long, not the library's 10 s", async () => {
  // Longer than the library's own bound: the pool's setting decides, and its error says so.
  const pool = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 11_000 });
  const held = await pool.connect();
  try {
    const read = new TransactionRepository(db.prisma, { pgPool: pool }).runningTotals({ partitions: [1] });
    await expect(read).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(read).rejects.toThrow(/timeout exceeded when trying to connect/);
  } finally {
    held.release();
    await pool.end();
  }
}, 30_000);
