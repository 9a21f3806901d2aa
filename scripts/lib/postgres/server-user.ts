/**
 * The OS user that runs initdb and the server. PostgreSQL refuses to run as root, so a root process hands both to
 * the `postgres` user, creating it when missing; any other user runs them itself (`undefined` here).
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { describeCause, EmbeddedPostgresAccessError } from './errors.ts';

export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const NAME = 'postgres';
/** Concurrent processes may race to create the user; the losers find it on a later look-up. */
const CREATE_ATTEMPTS = 4;

const run = promisify(execFile);

let resolved: Promise<ServerUser> | undefined;

export function serverUser(): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return Promise.resolve(undefined);
  resolved ??= lookUpOrCreate().catch((error: unknown) => {
    resolved = undefined; // let a later call try again
    throw error;
  });
  return resolved;
}

async function lookUp(): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', NAME]), run('id', ['-g', NAME])]);
    const ids = { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
    return Number.isInteger(ids.uid) && Number.isInteger(ids.gid) ? { name: NAME, ...ids } : undefined;
  } catch {
    return undefined;
  }
}

async function lookUpOrCreate(): Promise<ServerUser> {
  let failure: unknown;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    const user = await lookUp();
    if (user) return user;
    try {
      // `-f`: succeed when the group exists already (e.g. left behind by a removed user).
      await run('groupadd', ['-f', NAME]);
      await run('useradd', ['--system', '--no-create-home', '-g', NAME, NAME]);
    } catch (error) {
      failure = error;
      await sleep(100 * attempt);
    }
  }
  throw new EmbeddedPostgresAccessError(
    `embedded PostgreSQL: running as root, PostgreSQL must run as the "${NAME}" OS user, which does not exist and ` +
      `could not be created (${describeCause(failure)}). Create it (e.g. \`useradd --system ${NAME}\`), run as a ` +
      'non-root user, or set DATABASE_URL to use another server.',
    { cause: failure },
  );
}
