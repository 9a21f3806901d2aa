// A batch's rows are written in one global key order, and a key may appear once per batch. Both come from one
// sort; the reference below checks them the plain way (a scan in input order, a map of every key).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/index.ts';
import { keyColumnsOf, uniqueKeyOrder } from '../../src/ingest/key-order.ts';
import { propertyRuns } from '../support/property-seed.ts';

interface Row {
  readonly accountId: number;
  readonly externalId: string | number | null;
}

/** The first row (in input order) whose (scope, key) appeared before, and that earlier row. */
function firstRepeat(rows: readonly Row[], target: readonly (keyof Row)[]): { index: number; first: number } | undefined {
  const seen = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    if (row.externalId === null) continue;
    const identity = JSON.stringify(target.map((field) => `${typeof row[field]}:${String(row[field])}`));
    const first = seen.get(identity);
    if (first !== undefined) return { index, first };
    seen.set(identity, index);
  }
  return undefined;
}

/** The rows in the order `uniqueKeyOrder` gives their indexes. */
function inUniqueKeyOrder<T>(path: string, rows: readonly T[], key: string | undefined, conflictTarget: readonly string[] = key === undefined ? [] : [key]): T[] {
  const columns = keyColumnsOf(rows.length, conflictTarget);
  rows.forEach((row, index) => {
    for (const [field, values] of columns) values[index] = (row as Record<string, unknown>)[field];
  });
  return uniqueKeyOrder(path, rows.length, columns, key).map((index) => rows[index]!);
}

const rowArb = fc.record({
  accountId: fc.integer({ min: 1, max: 3 }),
  // Few distinct keys, so repeats are common; numbers and strings that print alike are different keys.
  // 9 < 10 by value but '10' < '9' as text: the order must still be total.
  externalId: fc.oneof(fc.constantFrom('a', 'b', '7', '9', '10', 'é', 'Z'), fc.constantFrom(7, 9, 10), fc.constant(null)),
});

describe('rows in unique key order', () => {
  it.each([
    ['alone', ['externalId']],
    ['within its account', ['accountId', 'externalId']],
  ] as const)('a key unique %s: the same verdict and row as a scan in input order', (_, target) => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 40 }), (rows) => {
        const repeat = firstRepeat(rows, target);
        let outcome: Row[] | ValidationError;
        try {
          outcome = inUniqueKeyOrder('rows', rows, 'externalId', [...target]);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          outcome = error;
        }
        if (repeat) {
          expect(outcome).toBeInstanceOf(ValidationError);
          expect((outcome as ValidationError).message).toContain(`rows[${repeat.index}].externalId: repeats the externalId of rows[${repeat.first}]`);
          return;
        }
        expect(outcome).not.toBeInstanceOf(ValidationError);
        const ordered = outcome as Row[];
        // Every row once; keyed rows first, sorted; then the unkeyed ones in input order.
        expect([...ordered].sort(byInput(rows))).toEqual([...rows].sort(byInput(rows)));
        const keyed = ordered.filter((row) => row.externalId !== null);
        expect(ordered.slice(keyed.length)).toEqual(rows.filter((row) => row.externalId === null));
        for (let i = 1; i < keyed.length; i++) expect(compareBy(target, keyed[i - 1]!, keyed[i]!)).toBeLessThanOrEqual(0);
      }),
      propertyRuns(500),
    );
  });

  it('without a key field, the input order', () => {
    const rows = [{ v: 2 }, { v: 1 }];
    expect(inUniqueKeyOrder('rows', rows, undefined)).toEqual(rows);
  });
});

function byInput(rows: readonly Row[]) {
  return (a: Row, b: Row) => rows.indexOf(a) - rows.indexOf(b);
}

function compareBy(target: readonly (keyof Row)[], a: Row, b: Row): number {
  // Numbers before strings; numbers by value, strings by code units.
  const rank = (v: unknown) => (typeof v === 'number' ? 0 : 1);
  for (const field of target) {
    const x = a[field];
    const y = b[field];
    const order =
      rank(x) !== rank(y) ? rank(x) - rank(y) : typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}
