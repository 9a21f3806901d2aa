/**
 * Whether the server's OS user can reach a directory, and a temporary directory it can reach.
 *
 * For another user the check reads mode bits of the directory and of every directory above it, with that user's
 * primary group only: Node drops supplementary groups when it starts a process under another uid. ACLs are not
 * considered; whatever this misjudges still fails later with a typed error from initdb or the server.
 */
import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { EmbeddedPostgresAccessError } from './errors.ts';
import type { ServerUser } from './server-user.ts';

function searchable(stats: Stats | undefined, user: ServerUser): boolean {
  if (!stats) return false;
  const bit = stats.uid === user.uid ? 0o100 : stats.gid === user.gid ? 0o010 : 0o001;
  return stats.isDirectory() && (stats.mode & bit) !== 0;
}

/**
 * The first of `dir` and the directories above it that `user` (or, when undefined, this process) cannot search;
 * undefined when it can reach `dir`.
 */
export async function blockingDirectory(dir: string, user: ServerUser | undefined): Promise<string | undefined> {
  if (!user) return access(dir, constants.X_OK).then(() => undefined, () => dir);
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    return dir;
  }
  const chain: string[] = [];
  for (let current = real; ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const current of chain) {
    if (!searchable(await stat(current).catch(() => undefined), user)) return current;
  }
  return undefined;
}

export async function canTraverse(dir: string, user: ServerUser | undefined): Promise<boolean> {
  return (await blockingDirectory(dir, user)) === undefined;
}

/** The nearest existing directory at or above `target` (which may not exist yet). */
export async function nearestExisting(target: string): Promise<string> {
  let current = path.resolve(target);
  while (path.dirname(current) !== current && !(await stat(current).then((s) => s.isDirectory(), () => false))) {
    current = path.dirname(current);
  }
  return current;
}

/**
 * `os.tmpdir()`, or for another user the first of it, `/tmp` and `/var/tmp` that user can reach (TMPDIR may point
 * at a private directory, e.g. one per login session).
 */
export async function reachableTempDir(user: ServerUser | undefined): Promise<string> {
  if (!user) return tmpdir();
  const candidates = [...new Set([tmpdir(), '/tmp', '/var/tmp'])];
  for (const candidate of candidates) if (await canTraverse(candidate, user)) return candidate;
  throw new EmbeddedPostgresAccessError(
    `embedded PostgreSQL: none of ${candidates.join(', ')} is reachable for the "${user.name}" OS user that runs ` +
      'PostgreSQL: set TMPDIR to a directory it can reach (search permission on every directory above it), run as ' +
      'a non-root user, or set DATABASE_URL to use another server.',
  );
}
