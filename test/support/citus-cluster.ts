/**
 * The `citus` project's two databases, side by side (see test/citus/global-setup.ts): the run's database on the
 * Citus cluster (tables distributed) and the same migrations on a single PostgreSQL (tables local). Tests run the
 * same call on both and compare, row for row, then compare both with a reference of their own.
 *
 *   const cluster = useCluster();
 *   describe.skipIf(!citusAvailable)('...', () => {
 *     it('...', async () => { const { citus, single } = await cluster.both((db) => new TransactionRepository(db).runningTotals()); });
 *   });
 */
import { afterAll, beforeAll, inject } from 'vitest';
import pg from 'pg';

import { createPrismaClient, type PrismaClient } from '../../prisma/app/index.ts';
import { testPool } from './pg-pool.ts';

/** False when the project runs without CITUS_URL (locally only: global setup fails under CI and says why). */
export const citusAvailable = inject('citusUrl') !== '';

/** The ledger tables of prisma/citus/schema.prisma, for TRUNCATE between tests. */
const TABLES = ['"Transaction"', '"SalesRecord"', 'inventory_movements'];

export type Where = 'citus' | 'single';

export interface Cluster {
  readonly citus: PrismaClient;
  readonly single: PrismaClient;
  /** Plain node-postgres pools on each, for loading rows and for references (no library code). */
  readonly pool: Readonly<Record<Where, pg.Pool>>;
  readonly urls: Readonly<Record<Where, string>>;
  /** The run's database on each worker. */
  readonly workerUrls: readonly string[];
  /** Runs `work` against the cluster and the single node (one after the other) and returns both results. */
  both<T>(work: (db: PrismaClient, where: Where) => Promise<T>): Promise<Record<Where, T>>;
  /** Plain SQL on both, same text and values. */
  sql(text: string, values?: unknown[]): Promise<void>;
  truncate(): Promise<void>;
}

export function useCluster(): Cluster {
  let clients: Record<Where, PrismaClient> | undefined;
  let pools: Record<Where, pg.Pool> | undefined;
  const urls = () => ({ citus: inject('citusUrl'), single: inject('singleNodeUrl') });

  beforeAll(() => {
    if (!citusAvailable) return;
    const { citus, single } = urls();
    clients = { citus: createPrismaClient(citus), single: createPrismaClient(single) };
    pools = { citus: testPool(citus, 4), single: testPool(single, 4) };
  });
  afterAll(async () => {
    await Promise.all([clients?.citus.$disconnect(), clients?.single.$disconnect(), pools?.citus.end(), pools?.single.end()]);
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useCluster(): only inside tests and hooks, and only with CITUS_URL set');
    return value;
  };
  const cluster: Cluster = {
    get citus() {
      return ready(clients).citus;
    },
    get single() {
      return ready(clients).single;
    },
    get pool() {
      return ready(pools);
    },
    get urls() {
      return urls();
    },
    get workerUrls() {
      return inject('citusWorkerUrls');
    },
    async both(work) {
      const { citus, single } = ready(clients);
      return { citus: await work(citus, 'citus'), single: await work(single, 'single') };
    },
    async sql(text, values = []) {
      const { citus, single } = ready(pools);
      await citus.query(text, values);
      await single.query(text, values);
    },
    async truncate() {
      await cluster.sql(`TRUNCATE ${TABLES.join(', ')}`);
    },
  };
  return cluster;
}
