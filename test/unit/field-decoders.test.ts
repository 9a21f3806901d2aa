// The pgPool paths read fields from the bytes the server sends. Each fast decoder must give exactly what the
// general rule gives on the same text: Decimal's own constructor, BigInt(), the Date the text names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { decimalFastPathActive, decimalFromAscii } from '../../src/executor/exact-decimal.ts';
import { fieldDecoder, instantFromText, TYPE_OIDS } from '../../src/executor/field-decoders.ts';
import { propertyRuns } from '../support/property-seed.ts';

/** Decodes `text` as a field placed inside other bytes, so offsets are exercised too. */
function decode(decoder: (buf: Buffer, start: number, end: number) => unknown, text: string): unknown {
  const buf = Buffer.from(`\t${text}\n`, 'utf8');
  return decoder(buf, 1, buf.length - 1);
}

const decimalOf = (text: string) => decode((b, s, e) => decimalFromAscii(b, s, e), text) as Prisma.Decimal;

/** What decimal.js holds, field by field: equal Decimals with different fields would compute differently later. */
const fields = (x: Prisma.Decimal) => {
  const { s, e, d } = x as unknown as { s: number; e: number; d: number[] | null };
  return { keys: Object.keys(x), s, e, d, proto: Object.getPrototypeOf(x) as unknown, ctor: x.constructor };
};

/** numeric text as PostgreSQL writes it: optional minus, integer digits, optional point and scale digits. */
const numericText = fc
  .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,40})$/), fc.option(fc.stringMatching(/^[0-9]{1,30}$/)))
  .map(([negative, integer, scale]) => `${negative ? '-' : ''}${integer}${scale === null ? '' : `.${scale}`}`);

describe('exact decimals built from the digits', () => {
  it('the fast path is active with the decimal.js Prisma ships', () => {
    expect(decimalFastPathActive()).toBe(true);
  });

  it('is field for field the Decimal the constructor builds, for any numeric text', () => {
    fc.assert(
      fc.property(numericText, (text) => {
        const built = decimalOf(text);
        const parsed = new Prisma.Decimal(text);
        expect(fields(built)).toEqual(fields(parsed));
        expect(built.toFixed()).toBe(parsed.toFixed());
        // Arithmetic on the built value is the constructor's arithmetic.
        expect(built.plus(parsed).toFixed()).toBe(parsed.times(2).toFixed());
      }),
      propertyRuns(2000),
    );
  });

  it.each([
    '0', '0.00', '-0.000', '1', '-1', '9999999', '10000000', '1234567.1234567', '0.0000001', '0.00000001',
    '-0.00000000000000000000000001', '100000000000000000000000000000.5', '131072.0', '79228162514264337593543950335',
  ])('%s', (text) => {
    expect(fields(decimalOf(text))).toEqual(fields(new Prisma.Decimal(text)));
  });

  it.each(['NaN', 'Infinity', '-Infinity'])('%s (numeric special values) goes through the constructor', (text) => {
    const built = decimalOf(text);
    expect(built).toBeInstanceOf(Prisma.Decimal);
    expect(built.toString()).toBe(new Prisma.Decimal(text).toString());
  });
});

describe('instants (timestamp text of UTC wall time)', () => {
  const instant = fieldDecoder(TYPE_OIDS.timestamp, undefined);

  /** Wall time text with 0..6 fraction digits, years 0001..9999 and every day of the month (29 February too). */
  const wallTime = fc
    .tuple(
      fc.integer({ min: 1, max: 9999 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.stringMatching(/^[0-9]{0,6}$/),
    )
    .map(([y, mo, day, h, mi, s, fraction]) => {
      const two = (n: number) => String(n).padStart(2, '0');
      // Clamped to the month's last day: day 0 of the next month, by the calendar's own rule.
      const lastDay = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
      const d = Math.min(day, lastDay);
      return `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}${fraction ? `.${fraction}` : ''}`;
    });

  it('is the instant the text names, to the millisecond, microseconds cut', () => {
    fc.assert(
      fc.property(wallTime, (text) => {
        const decoded = decode(instant, text) as Date;
        expect(decoded.getTime()).toBe(instantFromText(text).getTime());
        const [, fraction = ''] = text.split('.');
        expect(decoded.getUTCMilliseconds()).toBe(Number(fraction.padEnd(3, '0').slice(0, 3)));
      }),
      propertyRuns(2000),
    );
  });

  it.each([
    ['2024-02-29 23:59:59.999999', '2024-02-29T23:59:59.999Z'],
    ['0099-12-31 23:59:59', '0099-12-31T23:59:59.000Z'],
    ['0001-01-01 00:00:00', '0001-01-01T00:00:00.000Z'],
    ['0004-02-29 12:00:00.000999', '0004-02-29T12:00:00.000Z'],
    ['1900-03-01 00:00:00', '1900-03-01T00:00:00.000Z'],
    ['2000-02-29 00:00:00.001', '2000-02-29T00:00:00.001Z'],
    ['9999-12-31 23:59:59.999999', '9999-12-31T23:59:59.999Z'],
    ['1969-12-31 23:59:59.5', '1969-12-31T23:59:59.500Z'],
  ])('%s → %s', (text, iso) => {
    expect((decode(instant, text) as Date).toISOString()).toBe(iso);
  });

  it.each(['infinity', '-infinity', '2024-01-01 00:00:00 BC', '10000-01-01 00:00:00'])('%s is an invalid Date, as on the Prisma path', (text) => {
    const decoded = decode(instant, text) as Date;
    expect(decoded).toBeInstanceOf(Date);
    expect(Number.isNaN(decoded.getTime())).toBe(true);
  });

  it('any day of years 0001..9999 is its UTC midnight', () => {
    const date = fieldDecoder(TYPE_OIDS.date, 'date');
    const firstDay = Date.UTC(2000, 0, 1) / 86_400_000 - 730_119; // 0001-01-01: Date.UTC reads years 0..99 as 19xx
    fc.assert(
      fc.property(fc.integer({ min: firstDay, max: Date.UTC(9999, 11, 31) / 86_400_000 }), (day) => {
        const text = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect((decode(date, text) as Date).getTime()).toBe(day * 86_400_000);
      }),
      propertyRuns(2000),
    );
  });

  it('dates of a `date` column are UTC midnight', () => {
    const date = fieldDecoder(TYPE_OIDS.date, 'date');
    for (const text of ['2024-02-29', '0100-01-01', '9999-12-31', '0050-06-15', '0001-01-01', '0004-02-29', '1900-02-28', '1900-03-01']) {
      expect((decode(date, text) as Date).toISOString()).toBe(new Date(`${text}T00:00:00Z`).toISOString());
    }
    expect(String(decode(date, 'infinity'))).toBe('Invalid Date');
    expect((decode(date, '10000-01-01') as Date).toISOString()).toBe('+010000-01-01T00:00:00.000Z');
  });

  it('times of a `time` or `timetz` column are that clock on 1970-01-01 UTC, the offset dropped', () => {
    const time = fieldDecoder(1083, 'time');
    const cases = [
      ['12:34:56.123456', '1970-01-01T12:34:56.123Z'],
      ['00:00:00', '1970-01-01T00:00:00.000Z'],
      ['23:59:59.9', '1970-01-01T23:59:59.900Z'],
      ['06:30:00+05:30', '1970-01-01T06:30:00.000Z'],
      ['06:30:00.5-03', '1970-01-01T06:30:00.500Z'],
    ];
    for (const [text, iso] of cases) expect((decode(time, text!) as Date).toISOString(), text).toBe(iso);
  });
});

describe('integers', () => {
  const bigint = fieldDecoder(TYPE_OIDS.int8, 'bigint');
  const int4 = fieldDecoder(TYPE_OIDS.int4, undefined);

  it('int8 text is the bigint it names, across the whole range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        expect(decode(bigint, value.toString())).toBe(value);
      }),
      propertyRuns(2000),
    );
    for (const value of [0n, -1n, 999_999_999_999_999n, 1_000_000_000_000_000n, -(2n ** 63n), 2n ** 63n - 1n]) {
      expect(decode(bigint, value.toString())).toBe(value);
    }
  });

  it('int4 text is the number it names', () => {
    for (const value of [0, -1, 2147483647, -2147483648, 42]) expect(decode(int4, String(value))).toBe(value);
  });

  it('int8 without a kind stays text, as node-postgres returns it', () => {
    expect(decode(fieldDecoder(TYPE_OIDS.int8, undefined), '9223372036854775807')).toBe('9223372036854775807');
  });
});

describe('other columns', () => {
  it('text is UTF-8, tabs and newlines included', () => {
    const text = fieldDecoder(TYPE_OIDS.text, undefined);
    expect(decode(text, 'Zürich\tÅ 🌍\nend')).toBe('Zürich\tÅ 🌍\nend');
  });

  it('floats, booleans and unknown types read as node-postgres reads them', () => {
    const float = fieldDecoder(TYPE_OIDS.float8, undefined);
    expect(decode(float, '0.1')).toBe(0.1);
    expect(decode(float, '-Infinity')).toBe(-Infinity);
    expect(Number.isNaN(decode(float, 'NaN'))).toBe(true);
    expect(decode(fieldDecoder(TYPE_OIDS.bool, undefined), 't')).toBe(true);
    expect(decode(fieldDecoder(TYPE_OIDS.bool, undefined), 'f')).toBe(false);
    const jsonb = 3802;
    expect(decode(fieldDecoder(jsonb, undefined), '{"a": [1, "ü"]}')).toEqual({ a: [1, 'ü'] });
    const int4Array = 1007;
    expect(decode(fieldDecoder(int4Array, undefined), '{1,NULL,-3}')).toEqual([1, null, -3]);
  });
});
