/**
 * Where a seed run starts. Each chunk is committed on its own, so an interrupted run leaves whole chunks behind;
 * row `i` is a pure function of the arguments (synthetic/), so the next run can continue after the rows
 * that are there — provided they are ours, which is checked on the last row (highest id): it must equal the row
 * the same arguments generate at that position. Different --seed/--accounts/--transactions change that row.
 */
export type SeedStart =
  | { readonly kind: 'start'; readonly from: number }
  | { readonly kind: 'complete' }
  | { readonly kind: 'conflict'; readonly reason: string };

export function planSeed(table: string, existing: number, target: number, lastRowIsOurs: boolean): SeedStart {
  if (existing === 0) return { kind: 'start', from: 0 };
  const fix = `Run with --reset to empty ${table} first (or use the arguments that produced these rows).`;
  if (existing > target) {
    return { kind: 'conflict', reason: `${table} holds ${existing} rows, more than the ${target} requested. ${fix}` };
  }
  if (!lastRowIsOurs) {
    return {
      kind: 'conflict',
      reason: `${table} holds ${existing} rows that these arguments did not produce (its last row differs). ${fix}`,
    };
  }
  return existing === target ? { kind: 'complete' } : { kind: 'start', from: existing };
}
