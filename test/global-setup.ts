/**
 * globalSetup of the `integration` project: one PostgreSQL for the whole run (DATABASE_URL, a container, or an
 * embedded server — see scripts/lib/postgres/provision.ts), plus a template database with the migrations applied,
 * which `useTestDatabase()` (test/support/database.ts) clones for every test file.
 *
 * Set TEST_DB_LOG=1 to see provisioning and server output on stderr.
 */
import type { TestProject } from 'vitest/node';

import { createDatabase, dropDatabase, markAsTemplate, withDatabaseName } from '../scripts/lib/postgres/databases.ts';
import { provisionPostgres, type PostgresKind, type ProvisionOptions } from '../scripts/lib/postgres/provision.ts';
import { applyMigrations } from '../scripts/lib/migrate/schema-engine.ts';

export const TEMPLATE_DATABASE = 'ledger_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL (database `postgres`): create / drop databases with it. */
    databaseAdminUrl: string;
    /** Migrated database to clone; it accepts no connections. */
    databaseTemplate: string;
    databaseKind: PostgresKind;
    /** Which server the project runs on: `'db'`, the run's own, or `'pg15'`, Debian's PostgreSQL 15. */
    databaseLabel: string;
  }
}

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return provideTemplate(project, {});
}

/**
 * Provisions a server (see provisionPostgres; `options` choose e.g. another installation's binaries), migrates a
 * template database on it and provides both to the project's test files.
 */
export async function provideTemplate(project: TestProject, options: Pick<ProvisionOptions, 'binDir'>, label = 'db'): Promise<() => Promise<void>> {
  const log = process.env.TEST_DB_LOG ? (line: string) => void process.stderr.write(`[${label}] ${line}\n`) : undefined;
  const started = performance.now();
  const db = await provisionPostgres({ log, ...options, ...(options.binDir !== undefined && { prefer: 'embedded' as const }) });
  try {
    // A template left over by an interrupted run against DATABASE_URL may predate the current migrations.
    await dropDatabase(db.url, TEMPLATE_DATABASE);
    await createDatabase(db.url, TEMPLATE_DATABASE);
    const { applied } = await applyMigrations(withDatabaseName(db.url, TEMPLATE_DATABASE), { log });
    await markAsTemplate(db.url, TEMPLATE_DATABASE);
    log?.(`${db.kind} PostgreSQL ${db.version ?? ''} ready, ${applied.length} migration(s) applied to ` +
      `${TEMPLATE_DATABASE}, in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } catch (error) {
    await db.stop().catch(() => {});
    throw error;
  }

  project.provide('databaseAdminUrl', db.url);
  project.provide('databaseTemplate', TEMPLATE_DATABASE);
  project.provide('databaseKind', db.kind);
  project.provide('databaseLabel', label);

  return async () => {
    // On a server we did not start, leave nothing behind; our own servers vanish with stop().
    if (db.kind === 'external') await dropDatabase(db.url, TEMPLATE_DATABASE).catch(() => {});
    await db.stop();
  };
}
