import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, inject, it } from 'vitest';

import { withClient, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { containerRuntimeHints, isContainerRuntimeAvailable } from '../../scripts/lib/postgres/docker.ts';
import { provisionPostgres, type ProvisionedPostgres } from '../../scripts/lib/postgres/provision.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'provision-and-wait.ts');
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

async function canConnect(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie (a zombie has exited but is not reaped yet; it holds no port or files). */
function isAlive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)\s/, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const portOf = (url: string): number => Number(new URL(url).port);

const selectVersion = (url: string): Promise<string | undefined> =>
  withClient(url, async (client) => (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v);

// Whatever a failed test leaves running is stopped here.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
const track = (db: ProvisionedPostgres): ProvisionedPostgres => {
  cleanups.push(() => db.stop());
  return db;
};

describe('the PostgreSQL provided by global setup', () => {
  it('accepts connections and answers select version()', async () => {
    const url = inject('databaseAdminUrl');
    const version = await selectVersion(url);
    expect(version).toMatch(/^PostgreSQL \d+/);
  });

  it('has the migrated template, closed to connections', async () => {
    const url = inject('databaseAdminUrl');
    const template = inject('databaseTemplate');
    const rows = await withClient(url, async (client) =>
      (await client.query('SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1', [template])).rows,
    );
    expect(rows).toEqual([{ datistemplate: true, datallowconn: false }]);
    expect(await canConnect(withDatabaseName(url, template))).toBe(false);
  });
});

describe('provisionPostgres', () => {
  it('uses DATABASE_URL when it is set, and then stop() is a no-op', async () => {
    const url = inject('databaseAdminUrl');
    const db = await provisionPostgres({ env: { DATABASE_URL: url } });
    expect(db.kind).toBe('external');
    expect(db.url).toBe(url);
    expect(db.version).toMatch(/^\d+/);
    await db.stop();
    expect(await canConnect(url)).toBe(true);
  });

  it('starts a separate embedded PostgreSQL, and stop() is idempotent and removes its temporary directory', async () => {
    const sigintListeners = process.listenerCount('SIGINT');
    const db = track(await provisionPostgres({ prefer: 'embedded', env: {} }));
    expect(db.kind).toBe('embedded');
    expect(db.version).toMatch(/^\d+\.\d+/);
    expect(db.url).not.toBe(inject('databaseAdminUrl'));
    const dataDir = db.dataDir ?? '';
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    const version = await selectVersion(db.url);
    expect(version).toContain(`PostgreSQL ${db.version}`);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners + 1); // stops on Ctrl-C while running

    await Promise.all([db.stop(), db.stop()]);
    await db.stop();

    expect(existsSync(dataDir)).toBe(false);
    expect(await canConnect(db.url)).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('creates a data directory whose parents do not exist yet, below a world-readable directory (a clone\'s .data/postgres)', async () => {
    const clone = await mkdtemp(path.join(tmpdir(), 'provision-clone-'));
    cleanups.push(() => rm(clone, { recursive: true, force: true }));
    await chmod(clone, 0o755);
    const dataDir = path.join(clone, '.data', 'postgres');
    const server = track(await provisionPostgres({ prefer: 'embedded', dataDir }));
    expect(server.dataDir).toBe(dataDir);
    expect((await stat(path.join(clone, '.data'))).mode & 0o777).toBe(0o755);
    await withClient(server.url, async (client) => expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]));
    await server.stop();
  });

  it('reuses and keeps a caller-provided data directory', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'provision-test-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const first = track(await provisionPostgres({ prefer: 'embedded', dataDir }));
    expect(first.dataDir).toBe(dataDir);
    await withClient(first.url, async (client) => {
      await client.query('CREATE TABLE kept (note text)');
      await client.query("INSERT INTO kept VALUES ('still here')");
    });
    await first.stop();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const second = track(await provisionPostgres({ prefer: 'embedded', dataDir }));
    const rows = await withClient(second.url, async (client) => (await client.query('SELECT note FROM kept')).rows);
    expect(rows).toEqual([{ note: 'still here' }]);
    await second.stop();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('answers whether a container runtime is there instead of waiting for one', async () => {
    // Both the cheap pre-check and testcontainers' own probe resolve (the test's timeout catches a hang) with a
    // boolean; without any sign of a runtime on this machine, the answer is no.
    for (const skipPrecheck of [false, true]) {
      const available = await isContainerRuntimeAvailable({ skipPrecheck });
      expect(typeof available).toBe('boolean');
      if (containerRuntimeHints().length === 0) expect(available).toBe(false);
    }
  });
});

interface FixtureInfo {
  url: string;
  dataDir: string;
  postmasterPid: number;
}

interface RunningFixture {
  child: ChildProcess;
  info: FixtureInfo;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

/** Runs test/fixtures/provision-and-wait.ts under tsx and waits for its JSON line. */
async function startFixture(mode: 'wait' | 'forget', opts: { detached?: boolean } = {}): Promise<RunningFixture> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [TSX_CLI, FIXTURE, mode], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const info = await new Promise<FixtureInfo>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve(JSON.parse(line) as FixtureInfo);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`fixture exited early (code ${code}, signal ${signal}):\n${stdout}\n${stderr}`)),
    );
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (isAlive(info.postmasterPid)) process.kill(info.postmasterPid, 'SIGQUIT');
    await rm(info.dataDir, { recursive: true, force: true });
  });
  return { child, info, exited, stderr: () => stderr };
}

async function expectStoppedAndRemoved(info: FixtureInfo): Promise<void> {
  // After an 'exit'-time stop the postmaster takes a moment to disappear; the bound is a ceiling for a loaded machine.
  await expect.poll(() => isAlive(info.postmasterPid), { timeout: 20_000, interval: 50 }).toBe(false);
  expect(await canConnect(`postgresql://postgres@127.0.0.1:${portOf(info.url)}/postgres`)).toBe(false);
  expect(existsSync(info.dataDir)).toBe(false);
}

describe('a process that provisioned embedded PostgreSQL', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stops it on %s and exits %i', async (signal, expectedCode) => {
    const fixture = await startFixture('wait');
    expect(isAlive(fixture.info.postmasterPid)).toBe(true);
    expect(await canConnect(fixture.info.url)).toBe(true);

    fixture.child.kill(signal);
    const { code } = await fixture.exited;

    expect(code, fixture.stderr()).toBe(expectedCode);
    await expectStoppedAndRemoved(fixture.info);
  });

  it('stops it on Ctrl-C, when the whole process group (PostgreSQL included) gets SIGINT', async () => {
    const fixture = await startFixture('wait', { detached: true });
    expect(await canConnect(fixture.info.url)).toBe(true);

    process.kill(-(fixture.child.pid as number), 'SIGINT');
    const { code } = await fixture.exited;

    expect(code, fixture.stderr()).toBe(130);
    await expectStoppedAndRemoved(fixture.info);
  });

  it('cleans up when SIGINT arrives while it is still starting', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [TSX_CLI, FIXTURE, 'wait'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    // initdb reports the (temporary) data directory early on; signal right then.
    const dataDir = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /existing directory (\S*embedded-pg-\w+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`fixture exited early:\n${stderr}`)));
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    });

    child.kill('SIGINT');

    expect(await exited, stderr).toBe(130);
    expect(stdout).toBe(''); // it never got as far as reporting a running server
    expect(existsSync(dataDir)).toBe(false);
    expect(stderr).not.toContain('ready to accept connections');
  });

  it('that forgets stop() still exits, keeps its exit code, and leaves nothing behind', async () => {
    const fixture = await startFixture('forget');
    const { code } = await fixture.exited;

    expect(code, fixture.stderr()).toBe(3);
    await expectStoppedAndRemoved(fixture.info);
  });
});
