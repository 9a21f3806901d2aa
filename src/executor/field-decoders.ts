import pg from 'pg';
import { decimalFromAscii } from './exact-decimal.ts';

/** Turns one field's text, `buf[start, end)` as PostgreSQL sent it, into the value a row holds. */
export type FieldDecoder = (buf: Buffer, start: number, end: number) => unknown;

/**
 * What a column becomes, as `$queryRaw` would return it for the model field behind it: `decimal` (exact
 * `Prisma.Decimal`), `bigint`, `date` (a `date` column: UTC midnight), `time` (a `time` or `timetz` column: that
 * clock on 1970-01-01 UTC, the offset dropped as @prisma/adapter-pg drops it); or `sparse-text`, the server's text
 * of the value as it is, for a column the caller parses itself when it needs it (`textArrayFromText`), which a row
 * where it is NULL does not get at all (a column only a few rows fill, such as the position a keyset chunk resumes
 * after: no store and no later `delete` on every other row). Columns without a kind are read by their type:
 * integers and floats as numbers, instants as `Date`s, text as strings, the rest as node-postgres parses it.
 */
export type ColumnKind = 'decimal' | 'bigint' | 'date' | 'time' | 'sparse-text';

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, text: 25, float4: 700, float8: 701, textArray: 1009, varchar: 1043, date: 1082, timestamp: 1114, numeric: 1700 } as const;

const MINUS = 45;
const ZERO = 48;
const NINE = 57;
/** Integers of at most this many digits are exact as a double on the way to a `bigint`. */
const SAFE_DIGITS = 15;

function digitsValue(buf: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (buf[i]! - ZERO);
  return value;
}

function allDigits(buf: Buffer, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

/** An optionally signed integer of at most `SAFE_DIGITS` digits, exactly; undefined for any other text. */
function smallInteger(buf: Buffer, start: number, end: number): number | undefined {
  const negative = buf[start] === MINUS;
  const from = negative ? start + 1 : start;
  if (end - from > SAFE_DIGITS || !allDigits(buf, from, end)) return undefined;
  const value = digitsValue(buf, from, end);
  return negative ? -value : value;
}

const decodeInteger: FieldDecoder = (buf, start, end) => smallInteger(buf, start, end) ?? Number(buf.toString('latin1', start, end));

const decodeBigInt: FieldDecoder = (buf, start, end) => {
  const value = smallInteger(buf, start, end);
  return value === undefined ? BigInt(buf.toString('latin1', start, end)) : BigInt(value);
};

const decodeDecimal: FieldDecoder = (buf, start, end) => decimalFromAscii(buf, start, end);

/** Days from 1970-01-01 to a proleptic Gregorian day, counting years from March so the leap day comes last. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

/** The offsets of the digits in `YYYY-MM-DD hh:mm:ss`; the first eight are those of `YYYY-MM-DD`. */
const WALL_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] as const;
const DAY_DIGITS = 8;

/** Negative when a byte at one of the first `count` offsets after `start` is not a digit: `d` or `9 - d` is. */
function notDigits(buf: Buffer, start: number, count: number): number {
  let outside = 0;
  for (let i = 0; i < count; i++) {
    const d = buf[start + WALL_DIGITS[i]!]! - ZERO;
    outside |= d | (9 - d);
  }
  return outside;
}

const twoDigits = (buf: Buffer, at: number): number => (buf[at]! - ZERO) * 10 + buf[at + 1]! - ZERO;

/** Days since 1970-01-01 of the `YYYY-MM-DD` at `start` (digits checked), or NaN for year 0 or a month past 12. */
function isoDay(buf: Buffer, start: number): number {
  const year = twoDigits(buf, start) * 100 + twoDigits(buf, start + 2);
  const month = twoDigits(buf, start + 5);
  return year === 0 || month < 1 || month > 12 ? Number.NaN : daysFromCivil(year, month, twoDigits(buf, start + 8));
}

/**
 * A `timestamp` (how the library selects instants: `col AT TIME ZONE INTERVAL '+00:00'`) as the UTC instant it
 * holds, to the millisecond like every JavaScript `Date` (microseconds are cut, never rounded up into the next
 * millisecond). ISO `DateStyle` text (`2024-03-10 02:30:00.123456`) is read by arithmetic on its digits (a read
 * decodes one per row; `Date.UTC` took half of that time); anything else (BC, infinity, five-digit years) is read
 * by the same rule from its text.
 */
const decodeInstant: FieldDecoder = (buf, start, end) => {
  const length = end - start;
  const shaped =
    length >= 19 && length <= 26 && length !== 20 &&
    buf[start + 4] === MINUS && buf[start + 7] === MINUS && buf[start + 10] === 32 && buf[start + 13] === 58 && buf[start + 16] === 58 &&
    (length === 19 || buf[start + 19] === 46);
  if (!shaped) return instantFromText(buf.toString('latin1', start, end));
  let outside = notDigits(buf, start, WALL_DIGITS.length);
  let ms = 0;
  for (let i = start + 20, weight = 100; i < end; i++, weight = Math.floor(weight / 10)) {
    const d = buf[i]! - ZERO;
    outside |= d | (9 - d);
    ms += d * weight;
  }
  const day = outside < 0 ? Number.NaN : isoDay(buf, start);
  if (Number.isNaN(day)) return instantFromText(buf.toString('latin1', start, end));
  return new Date(day * 86_400_000 + twoDigits(buf, start + 11) * 3_600_000 + twoDigits(buf, start + 14) * 60_000 + twoDigits(buf, start + 17) * 1000 + ms);
};

/** The rule for any timestamp text: UTC wall time as written, the way @prisma/adapter-pg reads it. */
export function instantFromText(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}+00:00`);
}

/** A `date` as Prisma returns it: UTC midnight of that day. */
const decodeDate: FieldDecoder = (buf, start, end) => {
  const day = end - start === 10 && buf[start + 4] === MINUS && buf[start + 7] === MINUS && notDigits(buf, start, DAY_DIGITS) >= 0 ? isoDay(buf, start) : Number.NaN;
  return Number.isNaN(day) ? dateFromText(buf.toString('latin1', start, end)) : new Date(day * 86_400_000);
};

/** Years past 9999 too (`10000-01-01`), which JavaScript's date parser only takes as `+010000-01-01`. */
function dateFromText(text: string): Date {
  const long = /^(\d{5,})-(\d\d)-(\d\d)$/.exec(text);
  if (!long) return new Date(`${text}T00:00:00Z`);
  const date = new Date(Date.UTC(2000, Number(long[2]) - 1, Number(long[3])));
  date.setUTCFullYear(Number(long[1]));
  return date;
}

/** A `time` or `timetz` (`12:34:56.123456`, `06:30:00+05:30`) as that clock on 1970-01-01 UTC. */
const decodeTime: FieldDecoder = (buf, start, end) => {
  const text = buf.toString('latin1', start, end);
  const clock = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:[+-]\d\d(?::\d\d){0,2})?$/.exec(text);
  if (!clock) return new Date(`1970-01-01T${text}Z`);
  const ms = clock[4] === undefined ? 0 : Number(clock[4].padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(1970, 0, 1, Number(clock[1]), Number(clock[2]), Number(clock[3]), ms));
};

const decodeText: FieldDecoder = (buf, start, end) => buf.toString('utf8', start, end);

const decodeFloat: FieldDecoder = (buf, start, end) => parseFloat(buf.toString('latin1', start, end));

const decodeBool: FieldDecoder = (buf, start) => buf[start] === 116; // 't'

const driverParser = (oid: number) => pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;

/** node-postgres's own parser for the type, on the field's text: what a plain `pool.query` would return. */
function driverDecoder(oid: number): FieldDecoder {
  const parse = driverParser(oid);
  return (buf, start, end) => parse(buf.toString('utf8', start, end));
}

const BY_KIND: Record<ColumnKind, FieldDecoder> = {
  decimal: decodeDecimal,
  bigint: decodeBigInt,
  date: decodeDate,
  time: decodeTime,
  'sparse-text': decodeText,
};

/** A `text[]` the server printed (`{a,"b c",NULL}`), read as node-postgres and `$queryRaw` read it. */
export function textArrayFromText(text: string): (string | null)[] {
  return driverParser(OID.textArray)(text) as (string | null)[];
}

/**
 * Whether the column is a float, whose text has 15 significant digits (6 for a `real`) on a session whose
 * `extra_float_digits` is 0 or less: read exactly only where the library sets it (`DECODING_SETTINGS_SQL`).
 */
export function decodesFloats(typeOid: number): boolean {
  return typeOid === OID.float4 || typeOid === OID.float8;
}

/** Whether the column's decoder makes `Date`s, which are invalid for text it cannot read (`infinity`, BC). */
export function decodesDates(typeOid: number, kind: ColumnKind | undefined): boolean {
  return kind === 'date' || kind === 'time' || (kind === undefined && typeOid === OID.timestamp);
}

/**
 * The decoder of one result column: by the kind the caller knows it as, else by its type. `date` columns without
 * a kind stay text (node-postgres would read local midnight), `timestamp` columns are UTC instants.
 */
export function fieldDecoder(typeOid: number, kind: ColumnKind | undefined): FieldDecoder {
  // A date field read as the timestamp of its midnight (as every output reads one): the same `Date`.
  if (kind === 'date' && typeOid === OID.timestamp) return decodeInstant;
  if (kind) return BY_KIND[kind];
  switch (typeOid) {
    case OID.int2:
    case OID.int4:
      return decodeInteger;
    case OID.float4:
    case OID.float8:
      return decodeFloat;
    case OID.bool:
      return decodeBool;
    case OID.text:
    case OID.varchar:
    case OID.date:
      return decodeText;
    case OID.timestamp:
      return decodeInstant;
    default:
      return driverDecoder(typeOid);
  }
}

export { OID as TYPE_OIDS };
