import * as Prisma from '../prisma-runtime.ts';

/**
 * Builds an exact `Prisma.Decimal` from the ASCII text PostgreSQL sends for a numeric (`-123.4500`), straight from
 * the bytes: no intermediate string, no regular expression. decimal.js documents an instance as three fields (`d`,
 * base 1e7 words; `e`, the exponent of the first significant digit; `s`, the sign), which this fills the way its
 * own string parser does. `FAST_PATH` checks that layout once against the constructor, and any text outside plain
 * digits (`NaN`, `Infinity`, an exponent) goes through the constructor.
 */
export function decimalFromAscii(buf: Buffer, start: number, end: number): Prisma.Decimal {
  return FAST_PATH ? fromDigits(buf, start, end) : new Prisma.Decimal(buf.toString('latin1', start, end));
}

/**
 * The same for a plain decimal string already checked to be `-?digits[.digits]` (validated input): exactly
 * `new Prisma.Decimal(text)`, built from its digits.
 */
export function decimalFromPlainText(text: string): Prisma.Decimal {
  return FAST_PATH ? fromDigits(text, 0, text.length) : new Prisma.Decimal(text);
}

const WORD_DIGITS = 7;
const MINUS = 45;
const POINT = 46;
const ZERO = 48;
const NINE = 57;

interface DecimalFields {
  constructor: unknown;
  s: number;
  e: number;
  d: number[];
}

function withFields(s: number, e: number, d: number[]): Prisma.Decimal {
  const x = Object.create(Prisma.Decimal.prototype) as DecimalFields;
  // Same own fields, in the same order, as the constructor sets: the same hidden class as any other Decimal.
  x.constructor = Prisma.Decimal;
  x.s = s;
  x.e = e;
  x.d = d;
  return x as unknown as Prisma.Decimal;
}

/** Text as bytes or as a string: the digits are read the same way from either. */
type Source = Uint8Array | string;

const codeAt = (source: Source, i: number): number => (typeof source === 'string' ? source.charCodeAt(i) : source[i]!);

const textOf = (source: Source, start: number, end: number): string =>
  typeof source === 'string' ? source.slice(start, end) : Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('latin1', start, end);

function fromDigits(buf: Source, start: number, end: number): Prisma.Decimal {
  let i = start;
  const s = codeAt(buf, i) === MINUS ? -1 : 1;
  if (s < 0) i += 1;
  let point = -1;
  let first = -1;
  let last = -1;
  for (let j = i; j < end; j++) {
    const c = codeAt(buf, j);
    if (c === POINT) {
      if (point >= 0) return new Prisma.Decimal(textOf(buf, start, end));
      point = j;
    } else if (c >= ZERO && c <= NINE) {
      if (c !== ZERO) {
        if (first < 0) first = j;
        last = j;
      }
    } else {
      return new Prisma.Decimal(textOf(buf, start, end));
    }
  }
  if (i === end || (point === i && end === i + 1)) return new Prisma.Decimal(textOf(buf, start, end));
  if (first < 0) return withFields(s, 0, [0]);
  if (point < 0) point = end;
  const e = first < point ? point - first - 1 : point - first;
  // The first word holds the digits down to the next multiple of 7 below the exponent; later words hold 7 each,
  // the last one padded with zeros on the right.
  let width = (e + 1) % WORD_DIGITS;
  if (e < 0) width += WORD_DIGITS;
  if (width === 0) width = WORD_DIGITS;
  // Sized up front: an array grown by push reserves room for 17 words, and a read keeps millions of these.
  const digits = last - first + 1 - (first < point && point < last ? 1 : 0);
  const d = new Array<number>(digits <= width ? 1 : 1 + Math.ceil((digits - width) / WORD_DIGITS));
  let at = 0;
  let word = 0;
  let count = 0;
  for (let j = first; j <= last; j++) {
    const c = codeAt(buf, j);
    if (c === POINT) continue;
    word = word * 10 + (c - ZERO);
    count += 1;
    if (count === width) {
      d[at++] = word;
      word = 0;
      count = 0;
      width = WORD_DIGITS;
    }
  }
  if (count > 0) {
    for (; count < width; count++) word *= 10;
    d[at++] = word;
  }
  return withFields(s, e, d);
}

const LAYOUT_SAMPLES = ['0', '-0.000', '1', '-7', '1000000', '12345678', '-123.4500', '0.00123', '0.1234567', '9999999.9999999', '-0.00000000012345678901'];

function sameLayout(a: object, b: object): boolean {
  const fa = a as DecimalFields;
  const fb = b as DecimalFields;
  return (
    Object.keys(a).join() === Object.keys(b).join() &&
    fa.constructor === fb.constructor &&
    Object.getPrototypeOf(a) === Object.getPrototypeOf(b) &&
    fa.s === fb.s &&
    fa.e === fb.e &&
    Array.isArray(fa.d) &&
    fa.d.join() === fb.d.join()
  );
}

/** True when directly built values are indistinguishable from the constructor's for every sample. */
const FAST_PATH = LAYOUT_SAMPLES.every((text) => {
  const parsed = new Prisma.Decimal(text);
  return [fromDigits(Buffer.from(text, 'latin1'), 0, text.length), fromDigits(text, 0, text.length)].every(
    (built) => sameLayout(built, parsed) && built.equals(parsed) && built.toFixed() === parsed.toFixed(),
  );
});

/** Whether decimals are built from their digits (true with every decimal.js this was checked against). */
export function decimalFastPathActive(): boolean {
  return FAST_PATH;
}
