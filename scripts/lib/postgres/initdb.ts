/**
 * initdb for a new cluster. The data directory is created and handed to the server's OS user; the superuser's
 * password reaches initdb through a file that only that user can read, removed right after.
 */
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { startupError } from './errors.ts';
import type { PostgresInstall } from './postgres-install.ts';
import { runProgram } from './postgres-process.ts';
import type { ServerUser } from './server-user.ts';

export interface InitdbOptions {
  readonly install: PostgresInstall;
  readonly dataDir: string;
  readonly superuser: string;
  readonly password: string;
  readonly flags: readonly string[];
  /** Runs initdb; undefined: this process' user. */
  readonly user: ServerUser | undefined;
  /** For the password file: a directory `user` can reach. */
  readonly tempDir: string;
  readonly onOutput: (text: string) => void;
}

const OUTPUT_LINES = 60;

export async function initdb(opts: InitdbOptions): Promise<void> {
  const { user, dataDir } = opts;
  // Only the data directory itself is private: directories made above it (a clone's `.data`) must let the
  // server's user through, or a root-owned 0700 parent locks it out of its own data.
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) await chown(dataDir, user.uid, user.gid);

  const passwordDir = await mkdtemp(path.join(opts.tempDir, 'pg-initdb-'));
  try {
    const passwordFile = path.join(passwordDir, 'password');
    await writeFile(passwordFile, `${opts.password}\n`, { mode: 0o600 });
    if (user) {
      await chown(passwordDir, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${opts.superuser}`,
      `--pwfile=${passwordFile}`,
      ...opts.flags,
    ];
    const { outcome, output } = await runProgram(opts.install.initdb, args, { user, onOutput: opts.onOutput });
    const lastLines = output.trimEnd().split(/\r?\n/).slice(-OUTPUT_LINES).join('\n');
    if (outcome.kind === 'spawn-failed') throw startupError('initdb', outcome.error, lastLines, dataDir);
    if (outcome.code !== 0) {
      throw startupError('initdb', new Error(`exit code ${outcome.code ?? outcome.signal}`), lastLines, dataDir);
    }
  } finally {
    await rm(passwordDir, { recursive: true, force: true });
  }
}
