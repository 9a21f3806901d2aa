/**
 * PostgreSQL in a container via `@testcontainers/postgresql`, when a container runtime (Docker, Podman, …) is
 * reachable.
 *
 * Detection is fast in both directions:
 * - A pre-check mirrors testcontainers' own runtime strategies (DOCKER_HOST, ~/.testcontainers.properties, the
 *   usual Docker sockets, Windows named pipes). With none of them present no runtime can be found, and we skip
 *   importing testcontainers (~0.5 s, and it registers process signal listeners).
 * - Otherwise `getContainerRuntimeClient()` decides, bounded by a timeout (a DOCKER_HOST pointing at an unreachable
 *   TCP host would otherwise hang for the OS connect timeout).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';

export interface ContainerRuntimeProbeOptions {
  /** Upper bound for asking testcontainers. Default 5 s. */
  timeoutMs?: number;
  /** Skip the cheap file/env pre-check and always ask testcontainers. Default false. */
  skipPrecheck?: boolean;
  log?: (line: string) => void;
}

export interface ContainerPostgresOptions {
  /** Default `postgres:18-alpine` (same major version as the embedded server). */
  image?: string;
  log?: (line: string) => void;
}

export interface ContainerPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export const DEFAULT_POSTGRES_IMAGE = 'postgres:18-alpine';

/** Paths and variables testcontainers 11 looks at to find a container runtime (see its container-runtime/strategies). */
export function containerRuntimeHints(env: NodeJS.ProcessEnv = process.env): string[] {
  const hints: string[] = [];
  if (env.DOCKER_HOST) hints.push(`DOCKER_HOST=${env.DOCKER_HOST}`);
  if (process.platform === 'win32') hints.push('Windows (named pipe)');
  const candidates = [
    path.join(homedir(), '.testcontainers.properties'), // tc.host / docker.host
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    path.join(homedir(), '.docker', 'run', 'docker.sock'),
    path.join(homedir(), '.docker', 'desktop', 'docker.sock'),
    path.join('/run', 'user', String(userInfo().uid), 'docker.sock'),
  ];
  for (const candidate of candidates) if (candidate !== undefined && existsSync(candidate)) hints.push(candidate);
  return hints;
}

/** Whether testcontainers can reach a container runtime. Never rejects; resolves within about `timeoutMs`. */
export async function isContainerRuntimeAvailable(opts: ContainerRuntimeProbeOptions = {}): Promise<boolean> {
  const log = opts.log ?? (() => {});
  if (!opts.skipPrecheck) {
    const hints = containerRuntimeHints();
    if (hints.length === 0) {
      log('no container runtime: no DOCKER_HOST, ~/.testcontainers.properties or Docker socket');
      return false;
    }
    log(`container runtime candidates: ${hints.join(', ')}`);
  }
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(
      () => true,
      (error: unknown) => {
        log(`no container runtime: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    );
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        log(`no container runtime: no answer within ${timeoutMs} ms`);
        resolve(false);
      }, timeoutMs);
      timer.unref();
    });
    return await Promise.race([probe, timeout]);
  } catch (error) {
    log(`no container runtime: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function startContainerPostgres(opts: ContainerPostgresOptions = {}): Promise<ContainerPostgres> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = opts.image ?? DEFAULT_POSTGRES_IMAGE;
  opts.log?.(`starting container ${image}`);
  const definition = new PostgreSqlContainer(image)
    .withDatabase('postgres')
    .withUsername('postgres')
    .withPassword(randomBytes(18).toString('base64url'))
    // No durability needed for a throwaway server.
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']);
  if (image === DEFAULT_POSTGRES_IMAGE) {
    // Same initdb settings as the embedded server: UTF-8 with the builtin C.UTF-8 locale (PostgreSQL ≥ 17).
    definition.withEnvironment({
      POSTGRES_INITDB_ARGS: '--encoding=UTF8 --locale=C --locale-provider=builtin --builtin-locale=C.UTF-8',
    });
  }
  const container = await definition.start();
  let stopping: Promise<void> | undefined;
  return {
    url: container.getConnectionUri(),
    stop() {
      stopping ??= container.stop().then(() => undefined);
      return stopping;
    },
  };
}
