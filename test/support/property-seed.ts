/**
 * The one seed behind every random choice a test makes: fast-check properties (`propertyRuns`) and hand-rolled
 * generators (`seededRandom(PROPERTY_SEED + n)` inside `withPropertySeed`). Each run draws a fresh seed unless
 * PROPERTY_SEED is set; a failure names the seed and the command that replays it:
 *
 *   PROPERTY_SEED=1234 npx vitest run test/integration/hostile-input.test.ts
 *
 * For a fast-check failure, adding the printed PROPERTY_PATH (and `-t` for that one test) replays the shrunk
 * counterexample directly instead of searching for it again.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';

import fc from 'fast-check';
import { expect } from 'vitest';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function readSeed(): number {
  // FC_SEED: the name this variable had before; still honoured.
  const raw = (process.env.PROPERTY_SEED || process.env.FC_SEED)?.trim();
  if (!raw) return randomInt(0, INT32.max);
  const seed = Number(raw);
  if (!/^-?\d+$/.test(raw) || seed < INT32.min || seed > INT32.max) {
    throw new Error(`PROPERTY_SEED must be a 32-bit integer (as printed by a failing test), got ${JSON.stringify(raw)}`);
  }
  return seed;
}

/** This run's seed (per test file: each file runs in its own worker and draws its own). */
export const PROPERTY_SEED = readSeed();
const PROPERTY_PATH = process.env.PROPERTY_PATH?.trim() || undefined;

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The command that replays the current test with `seed` (and, for fast-check, the counterexample's path). */
export function replayCommand(seed: number = PROPERTY_SEED, counterexamplePath?: string | null): string {
  const { testPath, currentTestName } = expect.getState();
  const file = testPath ? path.relative(process.cwd(), testPath) : '<test file>';
  const only = currentTestName ? ` -t ${shellQuote(regexEscape(currentTestName.replace(/ > /g, ' ')))}` : '';
  const env = counterexamplePath ? `PROPERTY_SEED=${seed} PROPERTY_PATH=${shellQuote(counterexamplePath)}` : `PROPERTY_SEED=${seed}`;
  return `Replay: ${env} npx vitest run ${file}${counterexamplePath ? only : ''}`;
}

/** Adds the seed and the replay command to a failure's message (in place, so the runner's diff stays intact). */
export function withReplayHint(error: unknown, seed: number = PROPERTY_SEED): unknown {
  const hint = `[PROPERTY_SEED=${seed}] ${replayCommand(seed)}`;
  if (error instanceof Error) {
    if (!error.message.includes(hint)) error.message = `${error.message}\n\n${hint}`;
    return error;
  }
  return new Error(`${String(error)}\n\n${hint}`, { cause: error });
}

/** fast-check's own report (seed, path, counterexample, cause) plus the command that replays it. */
function replayReport<Ts>(): fc.Plugin<Ts> {
  return () => ({
    onAllRunsComplete: (details) => {
      if (!details.failed) return;
      const report = fc.defaultReportMessage(details) ?? `Property failed (seed ${details.seed})`;
      throw new Error(`${report}\n\n${replayCommand(details.seed, details.counterexamplePath)}`, {
        cause: details.errorInstance,
      });
    },
  });
}

/**
 * Parameters for `fc.assert`: `numRuns` cases from this run's seed; PROPERTY_PATH replays one counterexample.
 *
 *   await fc.assert(fc.asyncProperty(arb, async (x) => { ... }), propertyRuns(50));
 */
export function propertyRuns<Ts>(numRuns: number, extra: Omit<fc.Parameters<Ts>, 'seed' | 'numRuns'> = {}): fc.Parameters<Ts> {
  return {
    ...extra,
    seed: PROPERTY_SEED,
    numRuns,
    ...(PROPERTY_PATH !== undefined && { path: PROPERTY_PATH, endOnFailure: true }),
    plugins: [...(extra.plugins ?? []), replayReport<Ts>()],
  };
}

/**
 * Runs hand-rolled random work with this run's seed (derive sub-seeds as `seed + n`); a failure's message names
 * the seed and the replay command.
 */
export async function withPropertySeed<T>(work: (seed: number) => Promise<T>): Promise<T> {
  try {
    return await work(PROPERTY_SEED);
  } catch (error) {
    throw withReplayHint(error);
  }
}

/** `withPropertySeed` as a test function: `it('…', seeded(async (seed) => { … }))`. */
export function seeded(work: (seed: number) => Promise<void>): () => Promise<void> {
  return () => withPropertySeed(work);
}
