// Instants and days as UTC text, computed from the time value; the reference reads the Date's own UTC fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatUtcDate, formatUtcTimestamp } from '../../src/validation/utc-text.ts';
import { propertyRuns } from '../support/property-seed.ts';

const MIN = Date.parse('0001-01-01T00:00:00.000Z');
const MAX = Date.parse('9999-12-31T23:59:59.999Z');

function referenceTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}+00`
  );
}

describe('UTC text of instants and days', () => {
  it('equals the Date fields over years 1 to 9999, one instant after another', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: MIN, max: MAX }), { minLength: 1, maxLength: 20 }), (times) => {
        // Several in a row, so a remembered day never answers for another.
        for (const time of times) {
          const date = new Date(time);
          expect(formatUtcTimestamp(date)).toBe(referenceTimestamp(date));
          expect(formatUtcDate(date)).toBe(referenceTimestamp(date).slice(0, 10));
        }
      }),
      propertyRuns(2_000),
    );
  });

  it.each([
    '0001-01-01T00:00:00.000Z',
    '0004-02-29T12:00:00.000Z',
    '0999-12-31T23:59:59.999Z',
    '1000-01-01T00:00:00.000Z',
    '1899-12-31T23:59:59.999Z',
    '1900-03-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00.000Z',
    '2000-02-29T23:59:59.999Z',
    '2024-02-29T00:00:00.001Z',
    '2100-02-28T23:59:59.999Z',
    '2100-03-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ])('%s: month ends, leap days and century years', (iso) => {
    const date = new Date(iso);
    expect(formatUtcTimestamp(date)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`);
    expect(formatUtcDate(date)).toBe(iso.slice(0, 10));
  });

  it('every day of four centuries, in order and out of order', () => {
    const start = Date.parse('1900-01-01T00:00:00Z');
    const days = Array.from({ length: 146_097 }, (_, i) => start + i * 86_400_000 + ((i * 7_919) % 86_400_000));
    const mismatches: string[] = [];
    for (const order of [days, [...days].reverse()]) {
      for (const time of order) {
        const date = new Date(time);
        if (formatUtcTimestamp(date) !== referenceTimestamp(date)) mismatches.push(referenceTimestamp(date));
      }
    }
    expect(mismatches).toEqual([]);
  });
});
