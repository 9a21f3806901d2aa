/**
 * The benchmark's ledger: the server-side generated Transaction rows of synthetic/server-ledger.ts, loaded the fast
 * way — secondary indexes are dropped during the load and rebuilt from their own definitions afterwards (faster
 * than maintaining them), then VACUUM ANALYZE — and described (skew, NULLs, duplicate timestamps, sizes).
 */
import { vacuumAllVisible } from '../lib/all-visible.ts';
import type pg from 'pg';

import { withClient } from '../lib/postgres/databases.ts';
import { serverLedgerStatements, spanSeconds, type ServerLedgerShape } from '../lib/synthetic/server-ledger.ts';

export interface DatasetStats {
  readonly rows: number;
  readonly accounts: number;
  readonly largestAccount: { readonly id: number; readonly rows: number };
  readonly nullAmounts: number;
  /** Rows whose timestamp is shared with another row (any account). */
  readonly duplicateTimestampRows: number;
  /** True above 2M rows: then `duplicateTimestampRows` is the expected value for uniform timestamps, not a count. */
  readonly duplicatesEstimated: boolean;
  readonly tableMb: number;
  readonly indexesMb: number;
  readonly seconds: number;
}

export async function generateLedger(url: string, shape: ServerLedgerShape, log: (line: string) => void): Promise<DatasetStats> {
  const started = performance.now();
  return withClient(url, async (client) => {
    const step = async (label: string, sql: string, values: unknown[] = []) => {
      const t = performance.now();
      await client.query(sql, values);
      log(`  ${label} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    };
    await client.query(`SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'`);
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'Transaction' AND indexname <> 'Transaction_pkey'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.indexname.replaceAll('"', '""')}"`);
    await client.query('TRUNCATE "Transaction" RESTART IDENTITY');
    const [seed, insert] = serverLedgerStatements(shape);
    await client.query(seed.text, seed.values);
    await step(`generated ${shape.rows.toLocaleString('en-US')} rows`, insert.text, insert.values);
    for (const index of indexes) await step(`rebuilt ${index.indexname}`, index.indexdef);
    const vacuumed = performance.now();
    await vacuumAllVisible((sql) => client.query(sql).then((r) => r.rows), ['"Transaction"']);
    log(`  VACUUM ANALYZE until all-visible (${((performance.now() - vacuumed) / 1000).toFixed(1)} s)`);
    return { ...(await describeLedger(client)), seconds: (performance.now() - started) / 1000 };
  });
}

/** Exact counts up to this many rows; above it the duplicate-timestamp share comes from the planner's statistics. */
const EXACT_STATS_ROWS = 2_000_000;

async function describeLedger(client: pg.Client): Promise<Omit<DatasetStats, 'seconds'>> {
  const one = async <T>(sql: string): Promise<T> => (await client.query(sql)).rows[0] as T;
  // One pass over the (accountId, createdAt, id, amount) index: rows per account (≤ accounts groups, hashed).
  const perAccount = await one<{ rows: string; accounts: string; id: number; largest: string }>(
    `SELECT sum(n) AS rows, count(*) AS accounts, (array_agg(id ORDER BY n DESC, id))[1] AS id, max(n) AS largest
       FROM (SELECT "accountId" AS id, count(*) AS n FROM "Transaction" GROUP BY 1) a`,
  );
  const rows = Number(perAccount.rows);
  const nulls = await one<{ n: string }>(`SELECT count(*) AS n FROM "Transaction" WHERE amount IS NULL`);
  const dups =
    rows <= EXACT_STATS_ROWS
      ? Number((await one<{ n: string }>(
          `SELECT coalesce(sum(c), 0) AS n FROM (SELECT count(*) AS c FROM "Transaction" GROUP BY "createdAt" HAVING count(*) > 1) d`,
        )).n)
      : // Expected value for uniform timestamps over the span's seconds (Poisson): rows that share their second.
        Math.round(rows * (1 - Math.exp(-rows / spanSeconds(rows))));
  const sizes = await one<{ table: string; indexes: string }>(
    `SELECT pg_table_size('"Transaction"') AS table, pg_indexes_size('"Transaction"') AS indexes`,
  );
  const mb = (bytes: string) => Math.round(Number(bytes) / 1048576);
  return {
    rows,
    accounts: Number(perAccount.accounts),
    largestAccount: { id: perAccount.id, rows: Number(perAccount.largest) },
    nullAmounts: Number(nulls.n),
    duplicateTimestampRows: dups,
    duplicatesEstimated: rows > EXACT_STATS_ROWS,
    tableMb: mb(sizes.table),
    indexesMb: mb(sizes.indexes),
  };
}
