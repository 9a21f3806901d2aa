import { ValidationError } from '../errors.ts';
import { compareStrings, orderByStrings } from './string-order.ts';

/** One array of values per field of the conflict target, `count` long, for `uniqueKeyOrder` to read. */
export type KeyColumns = ReadonlyMap<string, unknown[]>;

/** Empty key columns for `count` rows, one per field of `conflictTarget`, in its order. */
export function keyColumnsOf(count: number, conflictTarget: readonly string[]): KeyColumns {
  return new Map(conflictTarget.map((field) => [field, new Array<unknown>(count)]));
}

/**
 * The row indexes of a batch in idempotency-key order, after checking that no key repeats: keyed rows sorted by
 * their key, then rows without a key in input order. Keys are held column by column (`columns`: the conflict
 * target's fields, in its order), so a batch bound for COPY keeps only its keys, not a validated copy of every
 * row. Throws a `ValidationError` naming the first row (in input order) that repeats an earlier row's key; with a
 * key unique within its partition (conflict target `(accountId, externalId)`), the same key in two partitions is
 * two keys.
 *
 * Why the order: inserting into a unique index takes a lock per key until commit. Two batches that hold some of
 * the same keys in different orders would each wait for a key the other holds (a deadlock, resolved only by
 * aborting one); when every batch takes its keys in one global order, one of them always finishes first.
 * Why one sort for both: equal keys are neighbours once sorted, so repeats are found without a map of every key
 * (a million-row batch spent most of its key checks hashing). Without a key field the input order is kept.
 *
 * ```ts
 * uniqueKeyOrder('rows', 3, new Map([['externalId', ['b', null, 'a']]]), 'externalId'); // [2, 0, 1]
 * ```
 */
export function uniqueKeyOrder(path: string, count: number, columns: KeyColumns, key: string | undefined): number[] {
  const keyValues = key === undefined ? undefined : columns.get(key);
  const keyed: number[] = [];
  const unkeyed: number[] = [];
  for (let index = 0; index < count; index++) {
    const value = keyValues?.[index];
    if (value === null || value === undefined) unkeyed.push(index);
    else keyed.push(index);
  }
  if (keyed.length === 0 || key === undefined) return unkeyed;
  const fields = [...columns.values()];
  const [only] = fields;
  const textKeys = fields.length === 1 && only !== undefined && keyed.every((index) => typeof only[index] === 'string');
  // A key unique within its partition is locked as that tuple: ordered field by field. Text keys alone (the common
  // case) take `compareKeys`'s order without its type checks.
  const compareRows =
    fields.length === 1 && only
      ? textKeys
        ? (a: number, b: number) => compareStrings(only[a] as string, only[b] as string)
        : (a: number, b: number) => compareKeys(only[a], only[b])
      : (a: number, b: number) => {
          for (const values of fields) {
            const order = compareKeys(values[a], values[b]);
            if (order !== 0) return order;
          }
          return 0;
        };
  // Both keep rows with equal keys in input order (Array.prototype.sort is stable).
  const sorted = textKeys ? orderByStrings(keyed, only) : keyed.sort(compareRows);
  requireNoRepeat(path, sorted, columns, key, compareRows);
  for (const index of unkeyed) sorted.push(index);
  return sorted;
}

/** Finds repeats among neighbours of the sorted indexes; reports the first repeating row in input order. */
function requireNoRepeat(path: string, sorted: readonly number[], columns: KeyColumns, key: string, compareRows: (a: number, b: number) => number): void {
  let repeat: { readonly index: number; readonly first: number } | undefined;
  let runStart = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && compareRows(sorted[i - 1]!, sorted[i]!) === 0) continue;
    // A run of rows whose keys compare equal: the same key only when their identities match too (7 and '7'
    // compare equal as text but are different keys).
    if (i - runStart > 1) {
      const firstOf = new Map<string, number>();
      for (let j = runStart; j < i; j++) {
        const index = sorted[j]!;
        const identity = [...columns.values()].map((values) => identityText(values[index])).join('\u0000');
        const first = firstOf.get(identity);
        if (first === undefined) firstOf.set(identity, index);
        else if (repeat === undefined || index < repeat.index) repeat = { index, first };
      }
    }
    runStart = i;
  }
  if (repeat === undefined) return;
  const scope = [...columns.keys()].filter((field) => field !== key);
  const within = scope.length === 0 ? '' : ` within the same ${scope.join(', ')}`;
  const value = columns.get(key)![repeat.index];
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
  return compareStrings(String(a), String(b));
}

function rank(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint') return 0;
  if (typeof value === 'string') return 1;
  return value instanceof Date ? 2 : 3;
}
