// Batches are written in key order; for text keys that order comes from packed prefixes and a numeric sort. It
// must be exactly the order of a stable comparison sort by `<` (UTF-16 code units), whatever the keys hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { orderByStrings } from '../../src/ingest/string-order.ts';
import { propertyRuns } from '../support/property-seed.ts';

/** The reference: a stable sort of the indexes by `<` on their keys. */
function reference(indexes: readonly number[], keys: readonly string[]): number[] {
  return [...indexes].sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
}

function check(keys: readonly string[], indexes: readonly number[] = keys.map((_, i) => i)): void {
  expect(orderByStrings(indexes, keys)).toEqual(reference(indexes, keys));
}

/** Units that sit on every boundary of the packing: ends of strings, 0, Latin-1's last units, and beyond. */
const unit = fc.constantFrom('\u0000', '\u0001', 'a', 'b', '0', '9', '-', '\u00fd', '\u00fe', '\u00ff', '\u0100', '\u0101', 'Ω', '😀', '\ud800', '\uffff');
const key = (maxLength: number) => fc.array(unit, { maxLength }).map((units) => units.join(''));

describe('text keys in write order', () => {
  it('equals a stable comparison sort for any keys, repeats and sizes', () => {
    fc.assert(
      fc.property(fc.array(key(7), { maxLength: 300 }), (keys) => check(keys)),
      propertyRuns(400),
    );
  });

  it('equals it for keys with a long shared prefix, differing deep inside or only in length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 12 }), fc.array(key(10), { minLength: 1, maxLength: 200 }), (prefix, tails) =>
        check(tails.flatMap((tail) => [`${prefix}${tail}`, `${prefix}${tail}${tail}`, prefix])),
      ),
      propertyRuns(200),
    );
  });

  it('equals it for a subset of the rows (indexes that are not 0..n-1)', () => {
    fc.assert(
      fc.property(fc.array(key(5), { minLength: 1, maxLength: 200 }), fc.array(fc.boolean(), { maxLength: 200 }), (keys, keep) =>
        check(keys, keys.map((_, i) => i).filter((i) => keep[i] ?? true)),
      ),
      propertyRuns(200),
    );
  });

  it.each([
    ['UUIDs', () => crypto.randomUUID()],
    ['sequential ids', (i: number) => `bench-21-${i}`],
    ['one repeated key', () => 'same'],
    ['keys above Latin-1 at the first unit', (i: number) => `${String.fromCharCode(0x400 + (i % 200))}${i}`],
    // Digits past the eleven units a number holds: ties on the packed units, ordered again from there.
    ['zero-padded numbers longer than the packed units', (i: number) => String((i * 7919) % 100_003).padStart(16, '0')],
    // Over 128 units in play: eight bits a unit, five units a number.
    ['a wide alphabet', (i: number) => `${String.fromCharCode(32 + ((i * 31) % 220))}${String.fromCharCode(32 + ((i * 17) % 220))}${i % 97}`],
  ])('%s: 0, 1, 2 and 100,000 keys', (_, make) => {
    for (const n of [0, 1, 2, 17, 100_000]) check(Array.from({ length: n }, (_, i) => make(i)));
  });
});
