import { ValidationError } from '../errors.ts';

/**
 * Rows in idempotency-key order, after checking that no key repeats: keyed rows sorted by their key, then rows
 * without a key in input order. Throws a `ValidationError` naming the first row (in input order) that repeats an
 * earlier row's key; with a key unique within its partition (`conflictTarget` `(accountId, externalId)`), the same
 * key in two partitions is two keys.
 *
 * Why the order: inserting into a unique index takes a lock per key until commit. Two batches that hold some of
 * the same keys in different orders would each wait for a key the other holds (a deadlock, resolved only by
 * aborting one); when every batch takes its keys in one global order, one of them always finishes first.
 * Why one sort for both: equal keys are neighbours once sorted, so repeats are found without a map of every key
 * (a million-row batch spent most of its key checks hashing). Without a key field the input order is kept.
 */
export function inUniqueKeyOrder<Data>(
  path: string,
  rows: readonly Data[],
  key: string | undefined,
  conflictTarget: readonly string[] = key === undefined ? [] : [key],
): Data[] {
  if (key === undefined) return [...rows];
  const valueOf = (row: Data, field: string) => (row as Record<string, unknown>)[field];
  const keyed: number[] = [];
  const unkeyed: Data[] = [];
  rows.forEach((row, index) => {
    const value = valueOf(row, key);
    if (value === null || value === undefined) unkeyed.push(row);
    else keyed.push(index);
  });
  // A key unique within its partition is locked as that tuple: ordered field by field.
  const compareRows = (a: Data, b: Data) => {
    for (const field of conflictTarget) {
      const order = compareKeys(valueOf(a, field), valueOf(b, field));
      if (order !== 0) return order;
    }
    return 0;
  };
  // Array.prototype.sort is stable: rows with equal keys keep their input order.
  keyed.sort((a, b) => compareRows(rows[a]!, rows[b]!));
  requireNoRepeat(path, rows, keyed, key, conflictTarget, compareRows);
  return [...keyed.map((index) => rows[index]!), ...unkeyed];
}

/** Finds repeats among neighbours of the sorted indexes; reports the first repeating row in input order. */
function requireNoRepeat<Data>(
  path: string,
  rows: readonly Data[],
  sorted: readonly number[],
  key: string,
  conflictTarget: readonly string[],
  compareRows: (a: Data, b: Data) => number,
): void {
  let repeat: { readonly index: number; readonly first: number } | undefined;
  let runStart = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && compareRows(rows[sorted[i - 1]!]!, rows[sorted[i]!]!) === 0) continue;
    // A run of rows whose keys compare equal: the same key only when their identities match too (7 and '7'
    // compare equal as text but are different keys).
    if (i - runStart > 1) {
      const firstOf = new Map<string, number>();
      for (let j = runStart; j < i; j++) {
        const index = sorted[j]!;
        const identity = conflictTarget.map((field) => identityText((rows[index] as Record<string, unknown>)[field])).join('\u0000');
        const first = firstOf.get(identity);
        if (first === undefined) firstOf.set(identity, index);
        else if (repeat === undefined || index < repeat.index) repeat = { index, first };
      }
    }
    runStart = i;
  }
  if (repeat === undefined) return;
  const scope = conflictTarget.filter((field) => field !== key);
  const within = scope.length === 0 ? '' : ` within the same ${scope.join(', ')}`;
  const value = (rows[repeat.index] as Record<string, unknown>)[key];
  throw new ValidationError(
    `${path}[${repeat.index}].${key}`,
    `repeats the ${key} of ${path}[${repeat.first}] (${JSON.stringify(value)})${within}; each key may appear once per batch.`,
  );
}

// A validated key value as text that tells types apart (7 and 7n and '7' are different keys); instants by their
// milliseconds (a Date's own text drops them).
function identityText(value: unknown): string {
  return value instanceof Date ? `date:${value.getTime()}` : `${typeof value}:${String(value)}`;
}

// One total order for every process, also over keys of mixed types (a custom row check may let them through):
// numbers and bigints by value, then strings by UTF-16 code units, then instants, then anything else by its text.
// Without the rank, 9 < 10 (values), 10 = '10' and '10' < 9 (text) would make the sort's order undefined.
function compareKeys(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number | bigint) < (b as number | bigint) ? -1 : (a as number | bigint) > (b as number | bigint) ? 1 : 0;
  if (ra === 2) return (a as Date).getTime() - (b as Date).getTime();
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function rank(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint') return 0;
  if (typeof value === 'string') return 1;
  return value instanceof Date ? 2 : 3;
}
