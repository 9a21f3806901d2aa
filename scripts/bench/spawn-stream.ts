/**
 * Parent side of the streaming measurements: runs scripts/bench/stream-worker.ts in a fresh Node process per
 * measurement (so peak RSS belongs to that run alone) and parses its one-line JSON result. The worker runs as
 * compiled JavaScript (bundled once by esbuild, packages left to node_modules), the way an application runs the
 * library: no TypeScript loader in the process or its memory. Children still running when the bench is interrupted
 * are killed (see `killStreamWorkers`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { PROJECT_ROOT } from '../lib/migrate/schema-engine.ts';

export const STREAM_MODES = ['keyset', 'pool', 'pg-cursor', 'declare'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

export interface StreamJob {
  readonly mode: StreamMode;
  readonly url: string;
  readonly chunkSize: number;
}

export interface StreamResult {
  readonly mode: StreamMode;
  readonly rows: number;
  /** From sending the query to the last row, ms (the connection is set up before). */
  readonly ms: number;
  readonly firstRowMs: number;
  /** Peak resident set size of the whole child process (Node + Prisma + rows in flight), MB. */
  readonly peakRssMb: number;
  /** Peak RSS minus the peak before the first read (client loaded and connected): what the stream itself added. */
  readonly addedRssMb: number;
  /** sha256 over "account:closing total" of every partition: equal when the totals are equal. */
  readonly checksum: string;
}

const WORKER = fileURLToPath(new URL('./stream-worker.ts', import.meta.url));
// Inside the project, so the bundle's package imports resolve to its node_modules.
const COMPILED_WORKER = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'bench', 'stream-worker.mjs');
const running = new Set<ChildProcess>();
let compiled: Promise<string> | undefined;

/** The worker compiled to one ESM file (once per bench run). */
function compiledWorker(): Promise<string> {
  compiled ??= build({
    entryPoints: [WORKER],
    outfile: COMPILED_WORKER,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // This package declares `sideEffects: false` for its published library; the worker's own imports of the
    // generated catalog are there for their side effect (registering the models) and must stay.
    ignoreAnnotations: true,
  }).then(() => COMPILED_WORKER);
  return compiled;
}

export async function runStreamWorker(job: StreamJob): Promise<StreamResult> {
  const worker = await compiledWorker();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, JSON.stringify(job)], {
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
      if (code === 0 && line.startsWith('{')) return resolve(JSON.parse(line) as StreamResult);
      reject(new Error(`stream worker (${job.mode}) exited with ${signal ?? code}: ${err.trim() || out.trim()}`));
    });
  });
}

/** Kills the workers still running (on Ctrl-C); they hold no state worth keeping. */
export async function killStreamWorkers(): Promise<void> {
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
