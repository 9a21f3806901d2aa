/** Timing helpers shared by the benchmarks (npm run bench, npm run bench:ingest). */

/** The middle value; of an even count, the mean of the two middle ones (the upper one alone would favour slow runs). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Throughput ratios of paired runs (`ours[i]` and `theirs[i]` ran back to back, so what slows the machine for a
 * while slows both): each pair's `theirs / ours` time ratio, summarised by its median and range. A ratio above 1
 * means ours was faster.
 */
export function pairedRatios(oursMs: readonly number[], theirsMs: readonly number[]): { median: number; min: number; max: number } {
  if (oursMs.length !== theirsMs.length || oursMs.length === 0) throw new Error('paired ratios need runs in pairs');
  const ratios = oursMs.map((ms, i) => theirsMs[i]! / ms);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * The range of paired ratios over `rounds`, flagged "the rounds disagree" when some rounds meet `goal` and some miss
 * it: `5 rounds: 0.91x–1.13x (the rounds disagree)`.
 */
export function roundsNote(rounds: string, { min, max }: { min: number; max: number }, goal: number): string {
  return `${rounds}: ${min.toFixed(2)}x–${max.toFixed(2)}x${min < goal && max >= goal ? ' (the rounds disagree)' : ''}`;
}

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
