import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

import { defineConfig } from 'vitest/config';

// Four projects: `unit` never touches a database; `integration` gets one PostgreSQL for the whole run from
// test/global-setup.ts (vitest runs a project's globalSetup only when that project has test files selected, so
// `npx vitest run test/unit` does not start PostgreSQL); `citus` runs against the Citus cluster at CITUS_URL next to
// a single PostgreSQL (test/citus/global-setup.ts), skipped with a message without CITUS_URL, failing under CI;
// `pg15` runs the builder and running-total files again on Debian's PostgreSQL 15 (see PG15_FILES).
// The builder and running-total files run again on Debian's PostgreSQL 15 (test/pg15/global-setup.ts). Without
// its binaries the project is left out and says so; under CI it is always in (and fails without them).
const PG15_FILES = [
  'window-builder',
  'window-functions-reach',
  'window-result-filters',
  'window-query-page',
  'window-query-stream',
  'peer-determinism',
  'column-types',
  'running-totals',
  'bucket-totals',
  'clock-changes',
  'microsecond-keysets',
  'window-expressions',
  'grouped-windows',
  'special-values',
  'window-joins',
  'query-over',
  'jit',
  'float-positions',
  'composite-key-lists',
  'text-key-columns',
  'composite-integer-keys',
].map((name) => `test/integration/${name}.test.ts`);
const inCI = /^(1|true)$/i.test(process.env.CI ?? '');
const pg15Bin = process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';
const withPg15 = inCI || existsSync(path.join(pg15Bin, 'postgres'));
if (!withPg15) process.stderr.write(`[pg15] project SKIPPED: no PostgreSQL 15 at ${pg15Bin} (apt install postgresql-15, or set PG15_BIN).\n`);

export default defineConfig({
  test: {
    pool: 'forks',
    // vitest's default is cores - 1, i.e. 1 on a 2-core CI machine. Each integration test file has its own database,
    // so files can run in parallel; 2 workers next to the PostgreSQL server is still fine on 2 cores.
    // (vitest 4 requires projects with different maxWorkers to have different sequence.groupOrder: keep it here.)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // globalSetup teardown (stopping PostgreSQL) is quick, but leave room on a loaded CI machine.
    teardownTimeout: 30_000,
    setupFiles: ['test/setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A ceiling, not a benchmark: property tests share two cores with PostgreSQL during a full run.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...(withPg15
        ? [
            {
              extends: true as const,
              test: {
                name: 'pg15',
                include: PG15_FILES,
                globalSetup: ['test/pg15/global-setup.ts'],
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'citus',
          include: ['test/citus/**/*.test.ts'],
          globalSetup: ['test/citus/global-setup.ts'],
          setupFiles: ['test/citus/setup.ts'],
          // One database on the cluster for the run: files take turns (each truncates what it loads).
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
