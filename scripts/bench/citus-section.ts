/**
 * `npm run bench -- --citus URL`: the same ledger on a Citus cluster (tables distributed by `accountId`) and on one
 * PostgreSQL with the same binaries (a database on the coordinator without the citus extension: its tables stay
 * local), both migrated with prisma/citus/migrations. Per-account running totals (many accounts, then the largest
 * alone), the global running total, the server's own time for each, and `insertMany`; every result a ratio
 * cluster / single node measured in the same run, with the plans that explain it.
 *
 * On one machine the cluster cannot be faster: its coordinator and workers share the same cores, and every row
 * crosses a connection more than on a single server. What the ratios show is the cost of that extra hop; on
 * separate machines the per-shard work runs on each worker's own cores.
 */
import { randomBytes } from 'node:crypto';

import { createPrismaClient, TransactionRepository, type PrismaClient } from '../../prisma/app/index.ts';
import type { PlanSummary } from '../../src/index.ts';
import { applyMigrations, CITUS_SCHEMA } from '../lib/migrate/schema-engine.ts';
import { createCitusDatabase, dropCitusDatabase } from '../lib/postgres/citus.ts';
import { createDatabase, dropDatabase, withDatabaseName } from '../lib/postgres/databases.ts';
import { generateLedger } from './dataset.ts';
import { benchRows } from './ingest-rows.ts';
import { moderateAccounts } from './query-sections.ts';
import { median, medianOf, rowsPerSecond, timed } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';

export interface CitusBenchOptions {
  readonly rows: number;
  readonly accounts: number;
  readonly moderateRows: number;
  readonly ingestRows: number;
  readonly repeat: number;
}

type Side = 'citus' | 'single';

const where = (plan: PlanSummary): string => {
  const feed = `WindowAgg ← ${plan.windowAggFedBy}${plan.sortUnderWindowAgg ? ', Sort' : ''}`;
  const on = plan.distributed ? ` on the ${plan.distributed.windowAggOn}, ${plan.distributed.scan.taskCount} task(s)` : '';
  return `${feed}${on}`;
};

export async function citusComparison(adminUrl: string, options: CitusBenchOptions, log: (line: string) => void): Promise<SectionResult & { readonly data: string }> {
  // The distributed schema's catalog: keys (accountId, id) and (accountId, externalId). Loaded here, not at the top,
  // so the other sections of the run keep prisma/schema.prisma's; this section runs last.
  await import('../../prisma/generated/citus/window-ledger.ts');
  const suffix = randomBytes(3).toString('hex');
  const names: Record<Side, string> = { citus: `bench_citus_${suffix}`, single: `bench_single_${suffix}` };
  const clients: Partial<Record<Side, PrismaClient>> = {};
  try {
    const urls: Record<Side, string> = {
      citus: await createCitusDatabase(adminUrl, names.citus),
      single: (await createDatabase(adminUrl, names.single), withDatabaseName(adminUrl, names.single)),
    };
    const stats = {} as Record<Side, Awaited<ReturnType<typeof generateLedger>>>;
    for (const side of ['single', 'citus'] as const) {
      await applyMigrations(urls[side], CITUS_SCHEMA);
      log(`citus: generating ${options.rows.toLocaleString('en-US')} rows on the ${side === 'citus' ? 'cluster' : 'single node'}…`);
      stats[side] = await generateLedger(urls[side], { rows: options.rows, accounts: options.accounts }, log);
      clients[side] = createPrismaClient(urls[side]);
    }
    const [cluster] = await clients.citus!.$queryRaw<Array<{ shards: bigint; workers: bigint; version: string; citus: string }>>`
      SELECT (SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = '"Transaction"'::regclass) AS shards,
             (SELECT count(*) FROM citus_get_active_worker_nodes()) AS workers,
             current_setting('server_version') AS version,
             (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus`;
    const data =
      `Citus ${cluster!.citus} on PostgreSQL ${cluster!.version}, coordinator + ${cluster!.workers} workers on this machine; ` +
      `single node: a database on the coordinator without the extension; ` +
      `${stats.citus.rows.toLocaleString('en-US')} rows over ${stats.citus.accounts.toLocaleString('en-US')} accounts on both; ` +
      `Transaction in ${cluster!.shards} shards; generated in ${stats.single.seconds.toFixed(0)} s (single) and ` +
      `${stats.citus.seconds.toFixed(0)} s (cluster)`;

    const measurements: Measurement[] = [];
    const ratios: Ratio[] = [];
    const both = async (what: string, rows: (side: Side) => number, run: (repo: TransactionRepository) => Promise<unknown>, plan: (repo: TransactionRepository) => Promise<PlanSummary>) => {
      const ms = {} as Record<Side, number>;
      const server = {} as Record<Side, number>;
      for (const side of ['single', 'citus'] as const) {
        const repo = new TransactionRepository(clients[side]!);
        await run(repo); // warm-up
        ms[side] = (await medianOf(options.repeat, () => run(repo))).ms;
        const plans: PlanSummary[] = [];
        for (let i = 0; i < options.repeat; i++) plans.push(await plan(repo));
        server[side] = median(plans.map((p) => p.executionTimeMs ?? 0));
        measurements.push(
          { section: 'citus', what: `${what}, ${side === 'citus' ? 'Citus cluster' : 'single node'}`, rows: rows(side), ms: ms[side], detail: where(plans[0]!) },
          { section: 'citus', what: `  server execution time (EXPLAIN ANALYZE), ${side === 'citus' ? 'Citus' : 'single'}`, rows: rows(side), ms: server[side] },
        );
      }
      ratios.push(
        { section: 'citus', name: `${what}: cluster / single node time`, value: ms.citus / ms.single, unit: 'x' },
        { section: 'citus', name: `${what}: cluster / single node server time`, value: server.citus / server.single, unit: 'x' },
      );
    };

    const moderate = await moderateAccounts(clients.single!, options.moderateRows);
    const many = { partitions: moderate.accounts };
    log(`citus: running totals of ${moderate.accounts.length} accounts (${moderate.rows.toLocaleString('en-US')} rows)…`);
    await both(`runningTotals, ${moderate.accounts.length} accounts`, () => moderate.rows, (repo) => repo.runningTotals(many), (repo) => repo.explain(many));
    const largest = { partitions: [stats.single.largestAccount.id] };
    log(`citus: running total of the largest account (${stats.single.largestAccount.rows.toLocaleString('en-US')} rows)…`);
    await both('runningTotals, the largest account', () => stats.single.largestAccount.rows, (repo) => repo.runningTotals(largest), (repo) => repo.explain(largest));
    log('citus: global running total (server time only: every row crosses to the coordinator)…');
    await both('globalRunningTotals (EXPLAIN ANALYZE)', () => stats.single.rows, (repo) => repo.explain({}, 'global'), (repo) => repo.explain({}, 'global'));

    log(`citus: insertMany of ${options.ingestRows.toLocaleString('en-US')} rows (unnest, idempotency key per account)…`);
    const rows = benchRows(options.ingestRows, 7);
    const ingest = {} as Record<Side, number>;
    for (const side of ['single', 'citus'] as const) {
      const { ms, result } = await timed(() => new TransactionRepository(clients[side]!).insertMany(rows, { strategy: 'unnest' }));
      if (result.inserted !== rows.length) throw new Error(`citus bench: ${side} inserted ${result.inserted} of ${rows.length} rows`);
      ingest[side] = ms;
      measurements.push({ section: 'citus', what: `insertMany unnest, ${side === 'citus' ? 'Citus cluster' : 'single node'}`, rows: rows.length, ms, detail: `${rowsPerSecond(rows.length, ms).toLocaleString('en-US')} rows/s` });
    }
    ratios.push({ section: 'citus', name: 'insertMany: cluster / single node time', value: ingest.citus / ingest.single, unit: 'x' });
    return { measurements, ratios, data };
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.$disconnect()));
    await dropCitusDatabase(adminUrl, names.citus).catch(() => {});
    await dropDatabase(adminUrl, names.single).catch(() => {});
  }
}
