/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence, so a test's random ledger replays.
 * Used by tests; the scripts' synthetic data draws from synthetic/uniform.ts instead, where any row can be made on
 * its own (chunked, resumable).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
