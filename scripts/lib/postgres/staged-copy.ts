/**
 * A copy of a read-only directory tree in a cache directory that other OS users can read (directories 0755, files
 * 0755 / 0644), for when the original sits where they cannot reach it.
 *
 * - Versioned: an entry is named by a label (e.g. package and version) and a digest of the source's manifest (every
 *   path with its type, size, execute bit or link target), so a changed source gets a new entry.
 * - Atomic: an entry is built in a private temporary directory and renamed into place in one step. Concurrent
 *   processes either find a complete entry or build their own; the first rename wins and the others reuse it.
 * - Checked: an entry is reused only when its tree still matches the manifest; otherwise it is replaced.
 * - Cheap: files are hard-linked when the source is on the same file system, ours and readable by everyone, copied
 *   otherwise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

import { EmbeddedPostgresAccessError } from './errors.ts';

interface ManifestEntry {
  readonly path: string;
  readonly type: 'dir' | 'file' | 'symlink';
  readonly size?: number;
  readonly executable?: boolean;
  readonly target?: string;
}

export interface StagedCopyOptions {
  /** The tree to copy. */
  readonly source: string;
  /** Parent of the entries: created 0755 if missing; must belong to this process' user and be writable by no one else. */
  readonly cacheRoot: string;
  /** Start of the entry's name, e.g. `linux-x64-18.4.0`. */
  readonly label: string;
}

/** Leftovers of builds that were interrupted, or of replaced entries, older than this are removed. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
const BUILD_ATTEMPTS = 3;

async function manifestOf(root: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(path.join(root, relative))).sort();
    for (const name of names) {
      const rel = path.join(relative, name);
      const stats = await lstat(path.join(root, rel));
      if (stats.isSymbolicLink()) {
        entries.push({ path: rel, type: 'symlink', target: await readlink(path.join(root, rel)) });
      } else if (stats.isDirectory()) {
        entries.push({ path: rel, type: 'dir' });
        await walk(rel);
      } else if (stats.isFile()) {
        entries.push({ path: rel, type: 'file', size: stats.size, executable: (stats.mode & 0o111) !== 0 });
      }
    }
  };
  await walk('');
  return entries;
}

const digestOf = (manifest: ManifestEntry[]): string =>
  createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

async function stateOf(entry: string, digest: string): Promise<'missing' | 'complete' | 'altered'> {
  try {
    return digestOf(await manifestOf(entry)) === digest ? 'complete' : 'altered';
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'missing' : 'altered';
  }
}

async function copyFileReadable(from: string, to: string, entry: ManifestEntry): Promise<void> {
  const mode = entry.executable ? 0o755 : 0o644;
  const source = await lstat(from);
  const needed = entry.executable ? 0o555 : 0o444;
  // A link shares the file: only ours (nobody else can change it later) and only when everyone can read it.
  const linkable = (source.mode & needed) === needed && (process.getuid === undefined || source.uid === process.getuid());
  if (linkable) {
    try {
      await link(from, to);
      return;
    } catch {
      // Another file system (EXDEV) or links not allowed: copy instead.
    }
  }
  await copyFile(from, to, constants.COPYFILE_FICLONE);
  await chmod(to, mode);
}

async function build(source: string, target: string, manifest: ManifestEntry[]): Promise<void> {
  for (const entry of manifest) {
    const to = path.join(target, entry.path);
    if (entry.type === 'dir') await mkdir(to, { mode: 0o755 }).then(() => chmod(to, 0o755));
    else if (entry.type === 'symlink') await symlink(entry.target ?? '', to);
    else await copyFileReadable(path.join(source, entry.path), to, entry);
  }
  await chmod(target, 0o755); // mkdtemp made it private
}

/** Creates the cache root if needed and refuses one that someone else could have planted or could write to. */
async function prepareCacheRoot(cacheRoot: string): Promise<void> {
  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  const stats = await lstat(cacheRoot);
  const ours = process.getuid === undefined || stats.uid === process.getuid();
  if (!stats.isDirectory() || !ours || (stats.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresAccessError(
      `embedded PostgreSQL: the cache directory ${cacheRoot} is not a directory owned by this user and writable ` +
        'only by it; remove it (it is recreated), or set TMPDIR to another directory.',
    );
  }
  if ((stats.mode & 0o777) !== 0o755) await chmod(cacheRoot, 0o755); // our own directory, created under a umask
}

/** Moves `entry` out of the way (a concurrent process may be doing the same), then deletes it. */
async function discard(entry: string): Promise<void> {
  const aside = `${entry}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(entry, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

async function removeLeftovers(cacheRoot: string): Promise<void> {
  for (const name of await readdir(cacheRoot).catch(() => [])) {
    if (!/\.(tmp|stale)-\w+$/.test(name)) continue;
    const leftover = path.join(cacheRoot, name);
    const stats = await lstat(leftover).catch(() => undefined);
    if (stats && Date.now() - stats.mtimeMs > LEFTOVER_AGE_MS) await rm(leftover, { recursive: true, force: true });
  }
}

/** The path of a complete copy of `source` under `cacheRoot`, building it when there is none yet. */
export async function stagedCopy(opts: StagedCopyOptions): Promise<string> {
  const manifest = await manifestOf(opts.source);
  const digest = digestOf(manifest);
  const entry = path.join(opts.cacheRoot, `${opts.label}-${digest}`);
  await prepareCacheRoot(opts.cacheRoot);

  for (let attempt = 1; attempt <= BUILD_ATTEMPTS; attempt++) {
    const state = await stateOf(entry, digest);
    if (state === 'complete') return entry;
    // Never a fresh entry of a concurrent process: those appear complete, in one rename.
    if (state === 'altered') await discard(entry);
    await removeLeftovers(opts.cacheRoot);
    const building = await mkdtemp(`${entry}.tmp-`);
    try {
      await build(opts.source, building, manifest);
      await rename(building, entry);
      return entry;
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      // A concurrent process renamed its copy into place first: check that one on the next round.
      if (errorCode(error) !== 'ENOTEMPTY' && errorCode(error) !== 'EEXIST') throw error;
    }
  }
  throw new EmbeddedPostgresAccessError(
    `embedded PostgreSQL: could not build a complete copy of ${opts.source} in ${opts.cacheRoot}; remove that ` +
      'directory and try again.',
  );
}
