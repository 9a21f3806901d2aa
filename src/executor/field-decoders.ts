import pg from 'pg';
import { decimalFromAscii } from './exact-decimal.ts';

/** Turns one field's text, `buf[start, end)` as PostgreSQL sent it, into the value a row holds. */
export type FieldDecoder = (buf: Buffer, start: number, end: number) => unknown;

/**
 * What a column becomes, as `$queryRaw` would return it for the model field behind it: `decimal` (exact
 * `Prisma.Decimal`), `bigint`, `date` (a `date` column: UTC midnight), `time` (a `time` or `timetz` column: that
 * clock on 1970-01-01 UTC, the offset dropped as @prisma/adapter-pg drops it). Columns without a kind are read by
 * their type: integers and floats as numbers, instants as `Date`s, text as strings, the rest as node-postgres
 * parses it.
 */
export type ColumnKind = 'decimal' | 'bigint' | 'date' | 'time';

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, text: 25, float4: 700, float8: 701, varchar: 1043, date: 1082, timestamp: 1114, numeric: 1700 } as const;

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

/**
 * Whether `YYYY-MM-DD` sits at `start` with a four-digit year from 0100 (`Date.UTC` maps years 0–99 to
 * 1900–1999). Checked, then read with `digitsValue`: no object per value on the hot path.
 */
function isIsoDay(buf: Buffer, start: number): boolean {
  return (
    buf[start + 4] === MINUS &&
    buf[start + 7] === MINUS &&
    allDigits(buf, start, start + 4) &&
    allDigits(buf, start + 5, start + 7) &&
    allDigits(buf, start + 8, start + 10) &&
    digitsValue(buf, start, start + 4) >= 100
  );
}

/** Milliseconds since the epoch of the UTC day at `start` (already checked by `isIsoDay`). */
function isoDayUtc(buf: Buffer, start: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  return Date.UTC(digitsValue(buf, start, start + 4), digitsValue(buf, start + 5, start + 7) - 1, digitsValue(buf, start + 8, start + 10), hours, minutes, seconds, ms);
}

/**
 * A `timestamp` (how the library selects instants: `col AT TIME ZONE 'Etc/UTC'`) as the UTC instant it holds, to the
 * millisecond like every JavaScript `Date` (microseconds are cut, never rounded up into the next millisecond).
 * ISO `DateStyle` text (`2024-03-10 02:30:00.123456`); anything else (BC, infinity, five-digit years) is read by
 * the same rule from its text.
 */
const decodeInstant: FieldDecoder = (buf, start, end) => {
  const length = end - start;
  const shaped = length >= 19 && length <= 26 && buf[start + 10] === 32 && buf[start + 13] === 58 && buf[start + 16] === 58;
  if (!shaped || !isIsoDay(buf, start) || !allDigits(buf, start + 11, start + 13) || !allDigits(buf, start + 14, start + 16) || !allDigits(buf, start + 17, start + 19)) {
    return instantFromText(buf.toString('latin1', start, end));
  }
  let ms = 0;
  if (length > 19) {
    if (buf[start + 19] !== 46 || !allDigits(buf, start + 20, end)) return instantFromText(buf.toString('latin1', start, end));
    const digits = Math.min(3, length - 20);
    ms = digitsValue(buf, start + 20, start + 20 + digits) * 10 ** (3 - digits);
  }
  const hours = digitsValue(buf, start + 11, start + 13);
  const minutes = digitsValue(buf, start + 14, start + 16);
  const seconds = digitsValue(buf, start + 17, start + 19);
  return new Date(isoDayUtc(buf, start, hours, minutes, seconds, ms));
};

/** The rule for any timestamp text: UTC wall time as written, the way @prisma/adapter-pg reads it. */
export function instantFromText(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}+00:00`);
}

/** A `date` as Prisma returns it: UTC midnight of that day. */
const decodeDate: FieldDecoder = (buf, start, end) => {
  if (end - start !== 10 || !isIsoDay(buf, start)) return dateFromText(buf.toString('latin1', start, end));
  return new Date(isoDayUtc(buf, start));
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

/** node-postgres's own parser for the type, on the field's text: what a plain `pool.query` would return. */
function driverDecoder(oid: number): FieldDecoder {
  const parse = pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;
  return (buf, start, end) => parse(buf.toString('utf8', start, end));
}

const BY_KIND: Record<ColumnKind, FieldDecoder> = { decimal: decodeDecimal, bigint: decodeBigInt, date: decodeDate, time: decodeTime };

/**
 * The decoder of one result column: by the kind the caller knows it as, else by its type. `date` columns without
 * a kind stay text (node-postgres would read local midnight), `timestamp` columns are UTC instants.
 */
export function fieldDecoder(typeOid: number, kind: ColumnKind | undefined): FieldDecoder {
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
