/**
 * A private, migrated database for one test file (integration project only):
 *
 *   const db = useTestDatabase();
 *   it('…', async () => { await db.truncate('Transaction'); await db.prisma.transaction.create(…); });
 *
 * beforeAll clones the template prepared by test/global-setup.ts into a uniquely named database and opens a
 * PrismaClient on it; afterAll disconnects and drops the database.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { afterAll, beforeAll, inject } from 'vitest';

import { createDatabase, dropDatabase, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { createPrismaClient } from '../../prisma/app/index.ts';

export interface TestDatabase {
  /** PrismaClient connected to this file's database. Available in tests and hooks (after beforeAll). */
  readonly prisma: PrismaClient;
  /** Connection URL of this file's database. */
  readonly url: string;
  /** Database name, e.g. `t_running_totals_1_3f9a2c`. */
  readonly name: string;
  /**
   * `TRUNCATE … RESTART IDENTITY CASCADE` the given tables; with no arguments, every table except
   * `_prisma_migrations`. Table names, not model names: 'Transaction', but 'inventory_movements' for the
   * `InventoryMovement` model (its @@map).
   */
  truncate(...tables: string[]): Promise<void>;
}

/** Table names we are willing to interpolate (quoted) into TRUNCATE. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const quoteTable = (table: string): string => {
  if (!TABLE_NAME.test(table)) throw new Error(`truncate(): invalid table name ${JSON.stringify(table)}`);
  return `"${table}"`;
};

/** `t_<file>_<worker>_<random>`, valid for DATABASE_NAME_PATTERN and unique across files, workers and runs. */
function uniqueDatabaseName(filePath: string | undefined): string {
  const file = path
    .basename(filePath ?? 'test', '.ts')
    .replace(/\.test$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  const worker = (process.env.VITEST_POOL_ID ?? '0').replace(/\D/g, '') || '0';
  return `t_${file || 'test'}_${worker}_${randomBytes(3).toString('hex')}`;
}

export function useTestDatabase(): TestDatabase {
  let name: string | undefined;
  let url: string | undefined;
  let prisma: PrismaClient | undefined;

  // vitest parses the first parameter for fixtures and requires a destructuring pattern there.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(async ({}, suite) => {
    const adminUrl = inject('databaseAdminUrl');
    name = uniqueDatabaseName(suite.file?.filepath);
    await createDatabase(adminUrl, name, { template: inject('databaseTemplate') });
    url = withDatabaseName(adminUrl, name);
    prisma = createPrismaClient(url);
  });

  afterAll(async () => {
    const dropping = name;
    try {
      await prisma?.$disconnect();
    } finally {
      prisma = undefined;
      url = undefined;
      name = undefined;
      if (dropping) await dropDatabase(inject('databaseAdminUrl'), dropping);
    }
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`useTestDatabase(): ${what} is only available inside tests and hooks (after beforeAll)`);
    }
    return value;
  };

  return {
    get prisma() {
      return ready(prisma, 'prisma');
    },
    get url() {
      return ready(url, 'url');
    },
    get name() {
      return ready(name, 'name');
    },
    async truncate(...tables) {
      const client = ready(prisma, 'truncate()');
      let names: string[] = tables;
      if (names.length === 0) {
        const rows = await client.$queryRaw<Array<{ tablename: string }>>`
          SELECT tablename FROM pg_tables
          WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
        names = rows.map((row) => row.tablename);
      }
      if (names.length === 0) return;
      await client.$executeRawUnsafe(`TRUNCATE TABLE ${names.map(quoteTable).join(', ')} RESTART IDENTITY CASCADE`);
    },
  };
}
