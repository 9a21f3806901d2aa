/**
 * globalSetup of the `pg15` project: the window-builder and running-total integration files again, on Debian's
 * PostgreSQL 15 (`PG15_BIN`, default /usr/lib/postgresql/15/bin) started like the embedded server, so every
 * builder feature is checked on the oldest PostgreSQL this project supports as well as on PostgreSQL 18.
 *
 * vitest.config.ts leaves the project out, saying so, where those binaries are missing, except under CI, where
 * .ci/run installs them (with the Citus cluster) and their absence fails the run here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

import { provideTemplate } from '../global-setup.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binDir = pg15BinDir();
  if (!existsSync(path.join(binDir, 'postgres'))) {
    throw new Error(`No PostgreSQL 15 at ${binDir}: install postgresql-15 or set PG15_BIN (CI installs it in .ci/run).`);
  }
  return provideTemplate(project, { binDir }, 'pg15');
}

/** Where the PostgreSQL 15 programs are: PG15_BIN, else Debian's path. */
export function pg15BinDir(): string {
  return process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';
}
