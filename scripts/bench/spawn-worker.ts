/**
 * Parent side of the measurements that run in a child process of their own (so a peak RSS belongs to that run
 * alone): runs a worker script in a fresh Node process and parses the one JSON line it prints last. Workers run as
 * compiled JavaScript (each bundled once per bench run by esbuild, packages left to node_modules), the way an
 * application runs the library: no TypeScript loader in the process or its memory. Children still running when the
 * bench is interrupted are killed (see `killWorkers`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { build } from 'esbuild';

import { PROJECT_ROOT } from '../lib/migrate/schema-engine.ts';

// Inside the project, so the bundles' package imports resolve to its node_modules.
const CACHE = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'bench');
const running = new Set<ChildProcess>();
const INTERRUPTS = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP']);
const INTERRUPT_GRACE_MS = 500;
const compiled = new Map<string, Promise<string>>();

/** `entry` (a worker's .ts file) compiled to one ESM file, once per bench run. */
function compiledWorker(entry: string): Promise<string> {
  let done = compiled.get(entry);
  if (done === undefined) {
    const outfile = path.join(CACHE, `${path.basename(entry, '.ts')}.mjs`);
    done = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      // This package declares `sideEffects: false` for its published library; the workers' own imports of the
      // generated catalog are there for their side effect (registering the models) and must stay.
      ignoreAnnotations: true,
    }).then(() => outfile);
    compiled.set(entry, done);
  }
  return done;
}

/**
 * Runs the worker `entry` with `job` as its JSON argument and resolves to the JSON line it prints last.
 * `nodeOptions` go to the child's Node (`--expose-gc`).
 */
export async function runWorker<Result>(entry: string, job: object, nodeOptions: readonly string[] = []): Promise<Result> {
  const worker = await compiledWorker(entry);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, worker, JSON.stringify(job)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) return resolve(JSON.parse(line) as Result);
      const failure = new Error(`${path.basename(entry)} ${JSON.stringify(job).slice(0, 120)} exited with ${signal ?? code}: ${err.trim() || out.trim()}`);
      // Ctrl-C at a terminal signals the whole process group: a worker may end of it just before this process
      // handles its own copy of the signal, after which the failure is not reported (see `runCli`).
      if (signal !== null && INTERRUPTS.has(signal)) setTimeout(() => reject(failure), INTERRUPT_GRACE_MS);
      else reject(failure);
    });
  });
}

/** Kills the workers still running (on Ctrl-C); they hold no state worth keeping. */
export async function killWorkers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
