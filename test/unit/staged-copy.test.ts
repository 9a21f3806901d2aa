import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EmbeddedPostgresAccessError } from '../../scripts/lib/postgres/errors.ts';
import { stagedCopy } from '../../scripts/lib/postgres/staged-copy.ts';

let work = '';
let source = '';
let cacheRoot = '';

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'staged-copy-'));
  source = path.join(work, 'private', 'native');
  cacheRoot = path.join(work, 'cache');
  await mkdir(path.join(source, 'bin'), { recursive: true });
  await mkdir(path.join(source, 'lib'));
  await writeFile(path.join(source, 'bin', 'program'), '#!/bin/sh\necho hi\n', { mode: 0o700 });
  await writeFile(path.join(source, 'lib', 'libx.so.1.2'), 'library', { mode: 0o600 });
  await symlink('libx.so.1.2', path.join(source, 'lib', 'libx.so.1'));
  await chmod(path.join(work, 'private'), 0o700);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const stage = () => stagedCopy({ source, cacheRoot, label: 'test-1.0' });

describe('stagedCopy', () => {
  it('copies the tree into a versioned entry that everyone can read, keeping symlinks', async () => {
    const entry = await stage();

    expect(path.dirname(entry)).toBe(cacheRoot);
    expect(path.basename(entry)).toMatch(/^test-1\.0-[0-9a-f]{16}$/);
    expect((await lstat(cacheRoot)).mode & 0o777).toBe(0o755);
    expect((await lstat(entry)).mode & 0o777).toBe(0o755);
    expect((await lstat(path.join(entry, 'bin', 'program'))).mode & 0o777).toBe(0o755);
    expect((await lstat(path.join(entry, 'lib', 'libx.so.1.2'))).mode & 0o777).toBe(0o644);
    expect(await readlink(path.join(entry, 'lib', 'libx.so.1'))).toBe('libx.so.1.2');
    expect(await readFile(path.join(entry, 'lib', 'libx.so.1'), 'utf8')).toBe('library');
  });

  it('gives concurrent callers the same complete entry and leaves no build directories', async () => {
    const entries = await Promise.all(Array.from({ length: 6 }, stage));

    expect(new Set(entries).size).toBe(1);
    expect(await readdir(cacheRoot)).toEqual([path.basename(entries[0] ?? '')]);
  });

  it('reuses a complete entry and replaces one that no longer matches the source', async () => {
    const entry = await stage();
    const program = path.join(entry, 'bin', 'program');
    expect((await lstat(await stage())).ino).toBe((await lstat(entry)).ino);

    await unlink(program);
    expect(await stage()).toBe(entry);
    expect(await readFile(program, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(await readdir(cacheRoot)).toEqual([path.basename(entry)]);
  });

  it('makes a new entry when the source changes', async () => {
    const first = await stage();
    await writeFile(path.join(source, 'bin', 'program'), '#!/bin/sh\necho changed\n');

    const second = await stage();

    expect(second).not.toBe(first);
    expect(await readFile(path.join(second, 'bin', 'program'), 'utf8')).toContain('changed');
  });

  it('refuses a cache directory that others can write to', async () => {
    await mkdir(cacheRoot, { mode: 0o777 });
    await chmod(cacheRoot, 0o777);

    await expect(stage()).rejects.toBeInstanceOf(EmbeddedPostgresAccessError);
  });
});
