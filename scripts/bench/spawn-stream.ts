/**
 * Parent side of the streaming measurements: runs scripts/bench/stream-worker.ts in a fresh Node process per
 * measurement (see spawn-worker.ts) and returns its result.
 */
import { fileURLToPath } from 'node:url';

import { runWorker } from './spawn-worker.ts';

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

export function runStreamWorker(job: StreamJob): Promise<StreamResult> {
  return runWorker<StreamResult>(WORKER, job);
}
