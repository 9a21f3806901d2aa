import { createProgress } from './progress.ts';
import { planSeed } from './seed-resume.ts';

/** One table to seed: how many rows exist, whether the last one is ours, how to make and write rows. */
export interface TableSeed<Row> {
  readonly label: string;
  readonly table: string;
  readonly total: number;
  readonly chunkRows: number;
  count(): Promise<number>;
  /** Does the row with the highest id equal generated row `index`? */
  lastRowMatches(index: number): Promise<boolean>;
  rowsBetween(from: number, to: number): Row[];
  /** Writes one chunk in one transaction (the repository's insertMany). */
  insert(rows: Row[]): Promise<unknown>;
}

export interface SeedOutcome {
  readonly label: string;
  /** Rows found at the start (kept). */
  readonly existing: number;
  readonly written: number;
  readonly chunks: number;
  readonly seconds: number;
}

/** Progress of the chunk loop, readable from a signal handler: rows committed so far. */
export interface SeedState {
  label?: string;
  committed?: number;
  total?: number;
  stopProgress?: () => void;
}

/** Seeds one table from where it stands (see seed-resume.ts); throws when it holds rows from other arguments. */
export async function seedTable<Row>(seed: TableSeed<Row>, state: SeedState): Promise<SeedOutcome> {
  const started = performance.now();
  const existing = await seed.count();
  const plan = planSeed(seed.table, existing, seed.total, existing > 0 && (await seed.lastRowMatches(existing - 1)));
  if (plan.kind === 'conflict') throw new Error(plan.reason);
  const from = plan.kind === 'start' ? plan.from : seed.total;
  const progress = createProgress({ label: seed.label, total: seed.total, start: from });
  Object.assign(state, { label: seed.label, committed: from, total: seed.total, stopProgress: () => progress.stop() });
  let chunks = 0;
  try {
    for (let start = from; start < seed.total; start += seed.chunkRows) {
      const end = Math.min(seed.total, start + seed.chunkRows);
      await seed.insert(seed.rowsBetween(start, end));
      chunks += 1;
      state.committed = end;
      progress.update(end);
    }
  } finally {
    progress.stop();
    state.stopProgress = undefined;
  }
  return { label: seed.label, existing, written: seed.total - from, chunks, seconds: (performance.now() - started) / 1000 };
}
