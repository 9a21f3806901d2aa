/**
 * JIT compilation and the sessions `SESSION_OPTIONS` configures. The planner decides on JIT from its cost estimate
 * and counts every branch of a calendar bucket's expression on every row, the searches next to clock changes that
 * almost no row takes included: on a server that can JIT (Debian's PostgreSQL 15, the `pg15` project) such
 * queries over some thousands of rows are planned with JIT, whose compilation took seconds for what runs in a
 * fraction of one. Sessions opened with `SESSION_OPTIONS` plan them without.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import '../../prisma/app/index.ts';
import { SESSION_OPTIONS, conditions, expressions, groupedQuery, windowFunctions, windowQuery } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const e = expressions('Transaction');
const QUERIES = {
  'each row with its local hour': windowQuery('Transaction')
    .select('id')
    .selectExpr('hour', e.bucket('createdAt', 'hour', { timeZone: 'Europe/Berlin' })),
  'rows counted by local day': groupedQuery('Transaction')
    .where(conditions('Transaction').compare('accountId', '<=', 4))
    .groupBy('day', e.bucket('createdAt', 'day', { timeZone: 'America/New_York' }))
    .aggregate('n', windowFunctions('Transaction').count()),
};

async function connect(options?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url, ...(options !== undefined && { options }) });
  await client.connect();
  return client;
}

/** Whether the server plans `query` with JIT compilation in this session (EXPLAIN reports it; nothing runs). */
async function plannedWithJit(client: pg.Client, query: { toSql(): { text: string; values: unknown[] } }): Promise<boolean> {
  const { text, values } = query.toSql();
  const { rows } = await client.query<{ 'QUERY PLAN': [Record<string, unknown>] }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
  return 'JIT' in rows[0]!['QUERY PLAN'][0];
}

let withOptions: pg.Client;
let withoutOptions: pg.Client;

beforeAll(async () => {
  withOptions = await connect(SESSION_OPTIONS);
  withoutOptions = await connect();
  // 30,000 rows over 40 days, microseconds included, then statistics, as a live table has them.
  await withOptions.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt")
    SELECT 1 + n % 5, (n % 997 - 400) / 100.0, timestamptz '2026-03-01 00:00:00.000001+00' + n * interval '115.199999 seconds'
    FROM generate_series(1, 30000) AS n`);
  await withOptions.query('ANALYZE "Transaction"');
});

afterAll(async () => {
  await withOptions?.end();
  await withoutOptions?.end();
});

describe('SESSION_OPTIONS', () => {
  it('turns JIT off in the sessions it opens, the repository client of this project included', async () => {
    expect((await withOptions.query<{ jit: string }>('SHOW jit')).rows[0]!.jit).toBe('off');
    const [{ jit }] = await db.prisma.$queryRaw<[{ jit: string }]>`SHOW jit`;
    expect(jit).toBe('off');
  });

  it.each(Object.entries(QUERIES))('plans %s without JIT', async (_name, query) => {
    expect(await plannedWithJit(withOptions, query)).toBe(false);
  });
});

describe('a session without it', () => {
  it.each(Object.entries(QUERIES))('plans %s with JIT wherever the server can compile', async (_name, query) => {
    const { rows } = await withoutOptions.query<{ available: boolean }>('SELECT pg_jit_available() AS available');
    const available = rows[0]!.available;
    // Debian's PostgreSQL 15 is built with LLVM and has JIT on: the case SESSION_OPTIONS is for.
    if (inject('databaseLabel') === 'pg15') expect(available).toBe(true);
    expect(await plannedWithJit(withoutOptions, query)).toBe(available);
  });
});
