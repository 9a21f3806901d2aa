/** Timing helpers shared by the benchmarks (npm run bench, npm run bench:ingest). */

export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of no values');
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
};

/** Rows per second; 0 when no time was measured. */
export const rowsPerSecond = (rows: number, ms: number): number => (ms > 0 ? Math.round((rows / ms) * 1000) : 0);

/** Runs `fn` once and returns its result and wall-clock milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

/** Runs `fn` `runs` times (sequentially) and returns the median time and the last result. */
export async function medianOf<T>(runs: number, fn: () => Promise<T>): Promise<{ result: T; ms: number; samples: number[] }> {
  const samples: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const run = await timed(fn);
    samples.push(run.ms);
    result = run.result;
  }
  return { result: result as T, ms: median(samples), samples };
}
