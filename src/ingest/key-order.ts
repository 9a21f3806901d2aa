/**
 * Rows in idempotency-key order: keyed rows sorted by their key, then rows without a key in input order.
 *
 * Inserting into a unique index takes a lock per key until commit. Two batches that hold some of the same keys
 * in different orders would each wait for a key the other holds (a deadlock, resolved only by aborting one);
 * when every batch takes its keys in one global order, one of them always finishes first.
 * Without a key field the input order is kept.
 */
export function inKeyOrder<Data>(rows: readonly Data[], key: string | undefined): Data[] {
  if (key === undefined) return [...rows];
  const keyOf = (row: Data) => (row as Record<string, unknown>)[key];
  const keyed = rows.filter((row) => keyOf(row) !== null && keyOf(row) !== undefined);
  const unkeyed = rows.filter((row) => keyOf(row) === null || keyOf(row) === undefined);
  return [...keyed.sort((a, b) => compareKeys(keyOf(a), keyOf(b))), ...unkeyed];
}

// One total order for every process: strings by UTF-16 code units, numbers and bigints by value.
function compareKeys(a: unknown, b: unknown): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
