/**
 * globalSetup of the `citus` project: a fresh database on the Citus cluster at CITUS_URL (the coordinator's admin
 * URL, e.g. what `../shared/citus/cluster.sh start /tmp/citus 6701` prints last), migrated with
 * prisma/citus/migrations (tables distributed), and beside it a single PostgreSQL (DATABASE_URL, a container, or
 * an embedded server) migrated with the same migrations, where the tables stay local: the single-node run every
 * cluster result is compared with, row for row.
 *
 * Without CITUS_URL the project is skipped with a message saying so, except under CI, where it fails: CI starts a
 * cluster (.ci/run) and must run these tests.
 */
import { randomBytes } from 'node:crypto';

import type { TestProject } from 'vitest/node';

import { citusNodes, createCitusDatabase, dropCitusDatabase, nodeUrl } from '../../scripts/lib/postgres/citus.ts';
import { createDatabase, dropDatabase, withClient, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { provisionPostgres } from '../../scripts/lib/postgres/provision.ts';
import { applyMigrations, CITUS_SCHEMA } from '../../scripts/lib/migrate/schema-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated database on the Citus coordinator; '' when the project is skipped. */
    citusUrl: string;
    /** The same database on each worker (to reach worker backends directly, e.g. to kill one). */
    citusWorkerUrls: string[];
    /** A single PostgreSQL database with the same migrations, tables not distributed. */
    singleNodeUrl: string;
    /**
     * The cluster's data directory when the tests may stop and start its servers (CITUS_DIR: the DIR given to
     * `cluster.sh start DIR`; .ci/run sets it); '' otherwise.
     */
    citusDataDir: string;
  }
}

const SHARD_COUNT = 4;
const inCI = /^(1|true)$/i.test(process.env.CI ?? '');

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const adminUrl = process.env.CITUS_URL;
  if (!adminUrl) {
    if (inCI) throw new Error('CITUS_URL is not set: CI must run the Citus tests (.ci/run starts a cluster and sets it).');
    process.stderr.write(
      '[citus] SKIPPED: CITUS_URL is not set. Start a cluster with `../shared/citus/cluster.sh start /tmp/citus 6701`, ' +
        'then run `CITUS_URL=postgresql://postgres@127.0.0.1:6701/postgres npm test`.\n',
    );
    project.provide('citusUrl', '');
    project.provide('citusWorkerUrls', []);
    project.provide('singleNodeUrl', '');
    project.provide('citusDataDir', '');
    return undefined;
  }

  const log = process.env.TEST_DB_LOG ? (line: string) => void process.stderr.write(`[citus] ${line}\n`) : undefined;
  const name = `ledger_citus_${randomBytes(4).toString('hex')}`;
  const single = await provisionPostgres({ log });
  try {
    const citusUrl = await createCitusDatabase(adminUrl, name);
    // 4 shards per table instead of Citus's default 32: still spread over both workers, and test-sized tables
    // then hold enough rows per shard for the planner to choose the plans a production table gets.
    await withClient(adminUrl, (client) => client.query(`ALTER DATABASE ${name} SET citus.shard_count = ${SHARD_COUNT}`));
    const workers = (await citusNodes(citusUrl)).filter((node) => node.role === 'worker');
    await applyMigrations(citusUrl, { ...CITUS_SCHEMA, log });
    await createDatabase(single.url, name);
    const singleNodeUrl = withDatabaseName(single.url, name);
    await applyMigrations(singleNodeUrl, { ...CITUS_SCHEMA, log });
    project.provide('citusUrl', citusUrl);
    project.provide('citusWorkerUrls', workers.map((worker) => nodeUrl(citusUrl, worker)));
    project.provide('singleNodeUrl', singleNodeUrl);
    project.provide('citusDataDir', process.env.CITUS_DIR ?? '');
  } catch (error) {
    await dropCitusDatabase(adminUrl, name).catch(() => {});
    await single.stop().catch(() => {});
    throw error;
  }

  return async () => {
    await dropCitusDatabase(adminUrl, name).catch(() => {});
    if (single.kind === 'external') await dropDatabase(single.url, name).catch(() => {});
    await single.stop();
  };
}
