/**
 * A worker of the Citus cluster stops (immediate shutdown, as in a crash) in the middle of a bulk insert, then
 * starts again: the batch is all or nothing (after Citus recovers any transaction prepared on the worker), the
 * retry with the same keys writes each row exactly once, and the balances equal a reference in integer cents.
 *
 * Needs the cluster's data directory (CITUS_DIR, set by .ci/run) to stop and start the worker; without it this
 * file is skipped with a message (locally only: CI always sets it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { LedgerError } from '../../src/index.ts';
import { centsToString, stringToCents } from '../../scripts/lib/reference.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';
import { seeded } from '../support/property-seed.ts';

const PG_CTL = '/usr/lib/postgresql/15/bin/pg_ctl';
const dataDir = citusAvailable ? inject('citusDataDir') : '';
if (citusAvailable && dataDir === '') {
  process.stderr.write('[citus] worker-restart.test.ts SKIPPED: set CITUS_DIR to the cluster directory to let it stop a worker.\n');
}

const cluster = useCluster();

/** The worker directory (`worker1`, `worker2`) whose server listens on `port`. */
function workerDirectory(port: number): string {
  for (const name of ['worker1', 'worker2']) {
    const conf = path.join(dataDir, name, 'postgresql.conf');
    if (existsSync(conf) && new RegExp(`^port = ${port}$`, 'm').test(readFileSync(conf, 'utf8'))) return path.join(dataDir, name);
  }
  throw new Error(`no worker directory in ${dataDir} listens on port ${port}`);
}

/** pg_ctl as the servers' owner (`postgres` when we are root, as cluster.sh runs them). */
function pgCtl(args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', [PG_CTL, ...args].map((a) => `'${a}'`).join(' ')], { stdio: 'ignore' });
  else execFileSync(PG_CTL, args, { stdio: 'ignore' });
}

function batch(random: () => number, count: number): NewTransaction[] {
  return Array.from({ length: count }, (_, i) => ({
    accountId: 1 + (i % 40),
    amount: centsToString(BigInt(Math.floor(random() * 2_000_000) - 500_000)),
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1_000),
    externalId: `restart-${i}`,
  }));
}

/** `work()`, tried again (up to 5 times, 200 ms apart) while it fails: for the first statements after an outage. */
async function untilAnswered<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function rowCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM "Transaction"');
  return Number(rows[0]!.n);
}

describe.skipIf(!citusAvailable || dataDir === '')('a worker stops mid-batch and starts again', () => {
  it(
    'the batch is all or nothing, the retry writes every row exactly once, the balances are exact',
    seeded(async (seed) => {
      await cluster.truncate();
      const rows = batch(seededRandom(seed), 120_000);
      const worker = new URL(cluster.workerUrls[0]!);
      const directory = workerDirectory(Number(worker.port));
      const repo = new TransactionRepository(cluster.citus);

      const inserting = repo.insertMany(rows, { chunkSize: 4_000, retry: false }).then(
        () => undefined,
        (error: unknown) => error,
      );
      // Stop the worker once the batch has written its first chunks.
      await new Promise((resolve) => setTimeout(resolve, 400));
      pgCtl(['-D', directory, '-m', 'immediate', 'stop']);
      let failure: unknown;
      try {
        failure = await inserting;
      } finally {
        pgCtl(['-D', directory, '-l', `${directory}.log`, '-w', 'start']);
      }
      expect(failure, 'the batch cannot commit without one of its workers').toBeInstanceOf(LedgerError);

      // A transaction the coordinator prepared on the worker before the stop is committed or rolled back by
      // Citus's recovery; after it, the batch is entirely there or entirely absent. (A coordinator session may
      // still hold a connection to the worker from before the stop: its next statement fails once, like any
      // statement during the outage, and a second one reconnects.)
      await untilAnswered(() => cluster.pool.citus.query('SELECT recover_prepared_transactions()'));
      expect([0, rows.length]).toContain(await untilAnswered(() => rowCount(cluster.pool.citus)));

      // The caller's retry with the same keys, as often as the outage's aftermath needs (each failure typed).
      let retried: Awaited<ReturnType<typeof repo.insertMany>> | undefined;
      for (let attempt = 1; retried === undefined; attempt++) {
        try {
          retried = await repo.insertMany(rows, { chunkSize: 4_000 });
        } catch (error) {
          expect(error).toBeInstanceOf(LedgerError);
          if (attempt === 5) throw error;
        }
      }
      expect(retried.inserted + retried.skipped).toBe(rows.length);
      expect(await rowCount(cluster.pool.citus)).toBe(rows.length);

      const expected = new Map<number, bigint>();
      for (const row of rows) expected.set(row.accountId, (expected.get(row.accountId) ?? 0n) + stringToCents(String(row.amount)));
      const { rows: balances } = await cluster.pool.citus.query<{ account: number; cents: string }>(
        `SELECT "accountId" AS account, (sum(amount) * 100)::bigint::text AS cents FROM "Transaction" GROUP BY 1 ORDER BY 1`,
      );
      expect(balances.map((b) => [b.account, b.cents])).toEqual([...expected].sort(([a], [b]) => a - b).map(([a, c]) => [a, String(c)]));
    }),
  );
});
