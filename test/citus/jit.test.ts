/**
 * JIT compilation on the workers. `SESSION_OPTIONS` turns JIT off in the coordinator's session, but the workers
 * plan their shards' statements in sessions of their own, where the server's setting holds (Debian's PostgreSQL
 * 15: on). A calendar bucket per row counts every branch of its expression on every row, so a shard of some
 * thousands of rows is planned with JIT there, which cost seconds where the statement runs in milliseconds.
 * `ALTER ROLE <the application's role> SET jit = off` on the coordinator reaches the workers (Citus propagates it),
 * as README's "Scaling out: Citus" says.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import '../../prisma/app/index.ts';
import { SESSION_OPTIONS, expressions, windowQuery } from '../../src/index.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';

const cluster = useCluster();
const ROLE = `ledger_jit_${randomBytes(4).toString('hex')}`;
const HOURS_PER_ROW = windowQuery('Transaction')
  .select('id')
  .selectExpr('hour', expressions('Transaction').bucket('createdAt', 'hour', { timeZone: 'Europe/Berlin' }));

/** EXPLAIN of the statement on the coordinator as `user`: Citus includes one task's plan from its worker. */
async function explainAs(user: string): Promise<string> {
  const url = new URL(cluster.urls.citus);
  url.username = user;
  const client = new pg.Client({ connectionString: url.toString(), options: SESSION_OPTIONS });
  await client.connect();
  try {
    const { text, values } = HOURS_PER_ROW.toSql();
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe.skipIf(!citusAvailable)('JIT on the workers of a Citus cluster', () => {
  beforeAll(async () => {
    await cluster.truncate();
    await cluster.pool.citus.query(
      `INSERT INTO "Transaction" ("accountId", amount, "createdAt")
       SELECT 1 + g % 50, (g % 1000) - 300, timestamptz '2026-03-01' + g * interval '61 seconds' + (g % 7) * interval '1 microsecond'
       FROM generate_series(1, 40000) AS g`,
    );
    await cluster.pool.citus.query('ANALYZE "Transaction"');
    await cluster.pool.citus.query(`CREATE ROLE ${ROLE} LOGIN`);
    await cluster.pool.citus.query(`GRANT SELECT ON "Transaction" TO ${ROLE}`);
  });

  afterAll(async () => {
    if (!citusAvailable) return;
    await cluster.pool.citus.query(`DROP OWNED BY ${ROLE}`).catch(() => {});
    await cluster.pool.citus.query(`DROP ROLE IF EXISTS ${ROLE}`);
  });

  it('a session with SESSION_OPTIONS still has its shards planned with JIT on a worker where JIT is on', async () => {
    const { rows } = await cluster.pool.citus.query<{ available: boolean }>(
      `SELECT bool_and(success AND result = 't') AS available FROM run_command_on_workers('SELECT pg_jit_available() AND current_setting(''jit'')::bool')`,
    );
    // Debian's PostgreSQL 15, which the cluster runs on, is built with LLVM and has JIT on.
    expect(rows[0]!.available).toBe(true);
    const plan = await explainAs(ROLE);
    expect(plan).toMatch(/Task Count: 4/);
    expect(plan).toMatch(/JIT:\s+Functions: \d+/);
  });

  it('ALTER ROLE ... SET jit = off on the coordinator turns it off on the workers too', async () => {
    await cluster.pool.citus.query(`ALTER ROLE ${ROLE} SET jit = off`);
    const plan = await explainAs(ROLE);
    expect(plan).toMatch(/Task Count: 4/);
    expect(plan).not.toMatch(/JIT:/);
  });
});
