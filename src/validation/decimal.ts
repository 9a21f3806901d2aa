import * as Prisma from '../prisma-runtime.ts';
import { ValidationError } from '../errors.ts';
import { decimalFromPlainText } from '../executor/exact-decimal.ts';
import { describe } from './dates.ts';

/** What callers may pass as money: a Prisma `Decimal`, a decimal string (`'12.30'`), or a finite number. */
export type DecimalInput = Prisma.Decimal | string | number;

export interface DecimalColumn {
  /** Total significant digits (`numeric(precision, scale)`). */
  readonly precision: number;
  /** Digits after the decimal point. */
  readonly scale: number;
}

// 10^(precision - scale) per column shape: computed once, not per row (bulk inserts validate millions of values).
const integerLimits = new Map<number, Prisma.Decimal>();
function integerLimit(integerDigits: number): Prisma.Decimal {
  let limit = integerLimits.get(integerDigits);
  if (limit === undefined) {
    limit = new Prisma.Decimal(10).pow(integerDigits);
    integerLimits.set(integerDigits, limit);
  }
  return limit;
}

/**
 * Converts money input to an exact `Prisma.Decimal` that fits the column, or throws a `ValidationError`.
 * Never rounds: a value with more decimals than the column holds is rejected, not silently changed.
 * Numbers are read through their shortest decimal spelling (`0.1` → `"0.1"`), so no binary-float noise gets in.
 */
export function requireDecimal(path: string, value: unknown, column: DecimalColumn): Prisma.Decimal {
  if (typeof value === 'string') {
    const plain = plainDecimal(value, column);
    if (plain) return plain;
  }
  let decimal: Prisma.Decimal;
  if (Prisma.Decimal.isDecimal(value)) {
    decimal = new Prisma.Decimal(value);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(path, `${String(value)} is not a finite amount.`);
    decimal = new Prisma.Decimal(String(value));
  } else if (typeof value === 'string') {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) {
      throw new ValidationError(path, `${describe(value)} is not a decimal number (write e.g. "1234.50").`);
    }
    decimal = new Prisma.Decimal(value.trim());
  } else {
    throw new ValidationError(path, `expected a Decimal, decimal string or number, got ${describe(value)}.`);
  }
  if (!decimal.isFinite()) throw new ValidationError(path, `${decimal.toString()} is not a finite amount.`);
  if (decimal.decimalPlaces() > column.scale) {
    throw new ValidationError(
      path,
      `${decimal.toFixed()} has ${decimal.decimalPlaces()} decimal places; the column holds ${column.scale}. Round it explicitly first.`,
    );
  }
  const integerDigits = column.precision - column.scale;
  if (decimal.abs().greaterThanOrEqualTo(integerLimit(integerDigits))) {
    throw new ValidationError(
      path,
      `${decimal.toFixed()} does not fit numeric(${column.precision}, ${column.scale}): at most ${integerDigits} digits before the point.`,
    );
  }
  return decimal;
}

const MINUS = 45;
const POINT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * The common case of bulk inserts, a plain decimal string that fits (`-1234.50`), checked in one pass over its
 * characters and built without the constructor's parsing. Anything else (exponents, a `+`, spaces, values that do
 * not fit) returns undefined and takes the general path, which words the errors.
 */
function plainDecimal(text: string, column: DecimalColumn): Prisma.Decimal | undefined {
  return isPlainDecimalThatFits(text, column) ? decimalFromPlainText(text) : undefined;
}

/**
 * True when `requireDecimal` accepts `value` on its fast path (a plain decimal string that fits the column): a
 * check that builds nothing, for a pass that only needs to know the rows are valid.
 */
export function acceptsPlainDecimal(value: unknown, column: DecimalColumn): boolean {
  return typeof value === 'string' && isPlainDecimalThatFits(value, column);
}

function isPlainDecimalThatFits(text: string, column: DecimalColumn): boolean {
  const length = text.length;
  let i = length > 0 && text.charCodeAt(0) === MINUS ? 1 : 0;
  const digitsStart = i;
  let point = -1;
  let firstSignificant = -1;
  let lastNonZeroAfterPoint = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === POINT) {
      if (point >= 0) return false;
      point = i;
    } else if (c >= ZERO && c <= NINE) {
      if (c !== ZERO && firstSignificant < 0 && point < 0) firstSignificant = i;
      if (c !== ZERO && point >= 0) lastNonZeroAfterPoint = i;
    } else {
      return false;
    }
  }
  // At least one digit on each side of a point: `.5` and `5.` take the general path.
  if (point === digitsStart || point === length - 1 || length === digitsStart) return false;
  const end = point < 0 ? length : point;
  const integerDigits = firstSignificant < 0 ? 0 : end - firstSignificant;
  const decimalPlaces = lastNonZeroAfterPoint < 0 ? 0 : lastNonZeroAfterPoint - point;
  return decimalPlaces <= column.scale && integerDigits <= column.precision - column.scale;
}
