/**
 * The one source of randomness of the synthetic data: a counter-based generator. Every draw is a hash of
 * (seed, stream, row, draw) rather than the next value of a PRNG stream, so row `i` is the same whichever chunk,
 * slice or resumed run produces it, and any row can be made on its own.
 */

/** murmur3's 32-bit finalizer: a well-known avalanche mix. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stream ids keep the random numbers of different data sets with the same seed apart. */
export const STREAMS = { transactions: 1, sales: 2, stressLedger: 3 } as const;

/** Uniform in [0, 1) for (seed, stream, row, draw); 32 bits of randomness. */
export function uniform(seed: number, stream: number, row: number, draw: number): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  h = fmix32(h ^ stream);
  h = fmix32(h ^ (row >>> 0));
  h = fmix32(h ^ Math.floor(row / 2 ** 32));
  h = fmix32(h ^ draw);
  return h / 2 ** 32;
}
