// A batch's validated rows are either held or, for COPY, checked again as they are written. Both must hand out
// the same rows, in the same key order, in slices of the asked size; the reference is a plain sort of the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { ValidationError } from '../../src/index.ts';
import { validateRows } from '../../src/ingest/validated-rows.ts';
import { propertyRuns } from '../support/property-seed.ts';

interface Row {
  readonly n: number;
  readonly key: string | null;
}

/** A validator that copies the row (as the derived ones do) and counts its calls. */
function countingValidator() {
  const calls = { count: 0 };
  const requireRow = (path: string, value: unknown): Row => {
    calls.count += 1;
    const row = value as Row;
    if (typeof row.n !== 'number') throw new ValidationError(`${path}.n`, 'expected a number.');
    return { n: row.n, key: row.key };
  };
  return { calls, requireRow };
}

/** Keyed rows by key (then input order), then unkeyed rows in input order. */
function referenceOrder(rows: readonly Row[]): Row[] {
  const keyed = rows.filter((row) => row.key !== null).sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
  return [...keyed, ...rows.filter((row) => row.key === null)];
}

const rowsArb = fc.uniqueArray(fc.option(fc.string({ maxLength: 3 }), { nil: null }), { maxLength: 60, comparator: (a, b) => a !== null && a === b }).map((keys) =>
  keys.map((key, n) => ({ n, key })),
);

describe('validated rows of a batch', () => {
  it('held or checked again, the same rows in key order, in slices of the asked size', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 8 }), (rows, count) => {
        for (const hold of [true, false]) {
          const { calls, requireRow } = countingValidator();
          const validated = validateRows('rows', rows, requireRow, { idempotencyKey: 'key' }, hold);
          expect(calls.count).toBe(rows.length);
          const slices = [...validated.slices(count)];
          const step = Math.max(1, count);
          expect(slices.map((slice) => slice.length)).toEqual(
            Array.from({ length: Math.ceil(rows.length / step) }, (_, i) => Math.min(step, rows.length - i * step)),
          );
          expect(slices.flat()).toEqual(referenceOrder(rows));
          expect(validated.size).toBe(rows.length);
          expect(validated.keyed).toBe(rows.filter((row) => row.key !== null).length);
          // Held rows are validated once; the others once more per pass over them.
          expect(calls.count).toBe(hold ? rows.length : 2 * rows.length);
          expect([...validated.held().slices(count)].flat()).toEqual(referenceOrder(rows));
        }
      }),
      propertyRuns(300),
    );
  });

  it("copies the caller's array: rows removed from it after validation are still written", () => {
    const rows: Row[] = [{ n: 1, key: 'b' }, { n: 2, key: 'a' }];
    const validated = validateRows('rows', rows, countingValidator().requireRow, { idempotencyKey: 'key' }, false);
    rows.length = 0;
    expect([...validated.slices(10)].flat()).toEqual([{ n: 2, key: 'a' }, { n: 1, key: 'b' }]);
  });

  it('a row changed to a bad value after validation fails the pass that writes it, naming the row', () => {
    const rows = [{ n: 1, key: null }, { n: 2, key: null }] as { n: unknown; key: null }[];
    const validated = validateRows('rows', rows, countingValidator().requireRow, {}, false);
    rows[1]!.n = 'two';
    expect(() => [...validated.slices(1)]).toThrow('rows[1].n: expected a number.');
  });

  it("a row whose key changed after validation fails the pass that writes it: the order and the repeat check were the old key's", () => {
    const rows: { n: number; key: string | null }[] = [{ n: 1, key: 'a' }, { n: 2, key: 'b' }, { n: 3, key: null }];
    const validated = validateRows('rows', rows, countingValidator().requireRow, { idempotencyKey: 'key' }, false);
    rows[1]!.key = 'a';
    expect(() => [...validated.slices(10)]).toThrow('rows[1].key: changed while the batch was being written');
    rows[1]!.key = 'b';
    rows[2]!.key = 'c';
    expect(() => [...validated.slices(10)]).toThrow('rows[2].key: changed while the batch was being written');
  });

  it('keys validated into new objects on each pass (Decimal, Date) are the same key when their values are', () => {
    // A conflict target (scale, key) whose first field is a numeric column: each pass builds a new Decimal.
    const requireRow = (_path: string, value: unknown) => {
      const row = value as { scale: string; at: Date; key: string };
      return { scale: new Prisma.Decimal(row.scale), at: new Date(row.at.getTime()), key: row.key };
    };
    const rows = [{ scale: '1.50', at: new Date(0), key: 'b' }, { scale: '1.5', at: new Date(0), key: 'a' }];
    for (const conflictTarget of [['scale', 'key'], ['at', 'key']]) {
      const validated = validateRows('rows', rows, requireRow, { idempotencyKey: 'key', conflictTarget }, false);
      expect([...validated.slices(10)].flat().map((row) => row.key)).toEqual(['a', 'b']);
    }
    const validated = validateRows('rows', rows, requireRow, { idempotencyKey: 'key', conflictTarget: ['scale', 'key'] }, false);
    rows[0]!.scale = '1.6';
    expect(() => [...validated.slices(10)]).toThrow('rows[0].scale: changed while the batch was being written');
  });

  it('refuses holes and repeated keys before handing out anything', () => {
    const { requireRow } = countingValidator();
    expect(() => validateRows('rows', [{ n: 1, key: null }, , { n: 3, key: null }], requireRow, {}, false)).toThrow('rows[1]: is an empty slot');
    expect(() => validateRows('rows', [{ n: 1, key: 'x' }, { n: 2, key: 'x' }], requireRow, { idempotencyKey: 'key' }, false)).toThrow(
      'rows[1].key: repeats the key of rows[0]',
    );
  });
});
