/**
 * Rows in idempotency-key order: keyed rows sorted by their key, then rows without a key in input order.
 *
 * Inserting into a unique index takes a lock per key until commit. Two batches that hold some of the same keys
 * in different orders would each wait for a key the other holds (a deadlock, resolved only by aborting one);
 * when every batch takes its keys in one global order, one of them always finishes first.
 * Without a key field the input order is kept. `conflictTarget`: the unique key the idempotency key belongs to.
 */
export function inKeyOrder<Data>(rows: readonly Data[], key: string | undefined, conflictTarget: readonly string[] = key === undefined ? [] : [key]): Data[] {
  if (key === undefined) return [...rows];
  const valueOf = (row: Data, field: string) => (row as Record<string, unknown>)[field];
  const keyed = rows.filter((row) => valueOf(row, key) !== null && valueOf(row, key) !== undefined);
  const unkeyed = rows.filter((row) => valueOf(row, key) === null || valueOf(row, key) === undefined);
  // A key unique within its partition (`(accountId, externalId)`) is locked as that tuple: ordered field by field.
  const compareRows = (a: Data, b: Data) => {
    for (const field of conflictTarget) {
      const order = compareKeys(valueOf(a, field), valueOf(b, field));
      if (order !== 0) return order;
    }
    return 0;
  };
  return [...keyed.sort(compareRows), ...unkeyed];
}

// One total order for every process: strings by UTF-16 code units, numbers and bigints by value.
function compareKeys(a: unknown, b: unknown): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
