import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { intervalValue } from './parameters.ts';

export type FrameMode = 'ROWS' | 'RANGE' | 'GROUPS';

/**
 * One end of a window frame. Offsets are rows (ROWS), peer groups (GROUPS) or a value distance (RANGE); an
 * `interval` string such as `'7 days'` is a RANGE offset on a date/timestamp order column.
 */
export type FrameBound =
  | 'UNBOUNDED PRECEDING'
  | 'CURRENT ROW'
  | 'UNBOUNDED FOLLOWING'
  | { readonly preceding: FrameOffset }
  | { readonly following: FrameOffset };

/**
 * A row / peer-group count (ROWS, GROUPS, or RANGE over a numeric column), or a RANGE interval such as `'7 days'`.
 * A `bigint` counts beyond `Number.MAX_SAFE_INTEGER`, up to PostgreSQL's int8 (bound as a parameter).
 */
export type FrameOffset = number | bigint | { readonly interval: string };

/** The largest frame offset PostgreSQL takes for ROWS and GROUPS (their offset is an int8). */
const MAX_INT8 = 9_223_372_036_854_775_807n;

export type FrameExclusion = 'CURRENT ROW' | 'GROUP' | 'TIES' | 'NO OTHERS';

export interface Frame {
  readonly mode: FrameMode;
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude?: FrameExclusion | undefined;
}

/**
 * The default frame of every running total: `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`. Each row's total
 * includes exactly the rows before it in window order, so rows with equal timestamps get distinct, id-ordered totals.
 * ```ts
 * windowSpec('Transaction').orderBy('createdAt').frame(RUNNING_ROWS).toSql()
 * // ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 * ```
 */
export const RUNNING_ROWS: Frame = Object.freeze({ mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' });

/**
 * `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`: rows whose ORDER BY keys are equal (peers) share one total,
 * the total after all of them. Only meaningful when the window is not ordered by a unique key; no id is appended.
 * ```ts
 * windowSpec('Transaction').orderBy('createdAt').frame(RUNNING_RANGE).toSql()
 * // ORDER BY "createdAt" ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 * ```
 */
export const RUNNING_RANGE: Frame = Object.freeze({ mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' });

const MODES: readonly FrameMode[] = ['ROWS', 'RANGE', 'GROUPS'];
const NAMED_BOUNDS = ['UNBOUNDED PRECEDING', 'CURRENT ROW', 'UNBOUNDED FOLLOWING'] as const;
const EXCLUSIONS: readonly FrameExclusion[] = ['CURRENT ROW', 'GROUP', 'TIES', 'NO OTHERS'];

// An interval PostgreSQL reads the same way whatever its IntervalStyle: unsigned quantities with unit names. Each
// unit once, and no fraction of a second beside milliseconds or microseconds (PostgreSQL refuses '1 year 2 years'
// and '1.5 seconds 1 millisecond': the fraction fills the smaller fields). At most 8 parts of at most 6 integer
// digits each keep every interval inside PostgreSQL's range (months and days are 32-bit). A key moved by it may
// still leave the range of timestamps (4713 BC to 294276 AD): PostgreSQL says so when the query runs.
const INTERVAL_UNIT = '(microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)';
const INTERVAL_PART = new RegExp(`^(\\d{1,6}(?:\\.\\d{1,6})?)\\s+${INTERVAL_UNIT}$`, 'i');
const MAX_INTERVAL_PARTS = 8;
// The fields a fraction of each unit fills, which the interval may then not name.
const FILLED_BY_FRACTION: Readonly<Record<string, readonly string[]>> = {
  second: ['millisecond', 'microsecond'],
  millisecond: ['microsecond'],
};

function describeBound(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

const BOUND_HELP =
  "use 'UNBOUNDED PRECEDING', 'CURRENT ROW', 'UNBOUNDED FOLLOWING', { preceding: n }, { following: n }, " +
  "or, for RANGE over a date/time column, { preceding: { interval: '7 days' } }";

// The parts of an interval text, one quantity and its unit each: '1 hour 30 minutes' → ['1 hour', '30 minutes'].
const intervalParts = (text: string): string[] => text.trim().split(/\s+(?=\d)/);

/** A validated interval text (`'7 days'`, `'1 hour 30 minutes'`): frame offsets and interval constants. */
export function requireInterval(value: unknown): string {
  const parts = typeof value === 'string' ? intervalParts(value) : [];
  const matches = parts.map((part) => INTERVAL_PART.exec(part));
  const units = matches.map((match) => match?.[2]?.toLowerCase().replace(/s$/, ''));
  const filled = matches.flatMap((match, i) => (match?.[1]?.includes('.') ? (FILLED_BY_FRACTION[units[i]!] ?? []) : []));
  if (
    typeof value !== 'string' ||
    parts.length > MAX_INTERVAL_PARTS ||
    matches.some((match) => match === null) ||
    new Set(units).size !== units.length ||
    units.some((unit) => filled.includes(unit!))
  ) {
    throw new WindowSpecError(
      `Invalid interval ${describeBound(value)}: write it like '7 days', '1 hour 30 minutes' or '3 months' ` +
        `(at most ${MAX_INTERVAL_PARTS} parts of at most 6 digits, each unit once, no fraction of a second beside milliseconds or microseconds).`,
    );
  }
  return parts.map((part) => part.replace(/\s+/g, ' ')).join(' ');
}

function requireOffset(mode: FrameMode, offset: unknown): FrameOffset {
  if (typeof offset === 'number') {
    // RANGE measures a distance along the order key, which can be fractional (a float or numeric key); ROWS and
    // GROUPS count rows and peer groups.
    // Infinity is a distance PostgreSQL measures along numeric and float keys (checked against the key later).
    const valid =
      mode === 'RANGE' ? (Number.isFinite(offset) || offset === Number.POSITIVE_INFINITY) && offset >= 0 : Number.isSafeInteger(offset) && offset >= 0;
    if (!valid) {
      throw new WindowSpecError(
        `Frame offset must be a non-negative ${mode === 'RANGE' ? 'number (or Infinity)' : 'integer'}, got ${String(offset)}.`,
      );
    }
    return offset;
  }
  if (typeof offset === 'bigint') {
    if (offset < 0n || offset > MAX_INT8) {
      throw new WindowSpecError(`Frame offset must be a non-negative int8 (at most ${MAX_INT8}n), got ${offset}n.`);
    }
    return offset;
  }
  if (typeof offset !== 'object' || offset === null || !('interval' in offset) || Object.keys(offset).length !== 1) {
    throw new WindowSpecError(`Frame offset must be a non-negative integer or { interval: '7 days' }, got ${describeBound(offset)}.`);
  }
  if (mode !== 'RANGE') {
    throw new WindowSpecError(`Interval offsets only work with RANGE frames (got ${mode}); use a row count instead.`);
  }
  return Object.freeze({ interval: requireInterval(offset.interval) });
}

function requireBound(mode: FrameMode, bound: unknown, end: 'start' | 'end'): FrameBound {
  if (typeof bound === 'string') {
    if ((NAMED_BOUNDS as readonly string[]).includes(bound)) return bound as FrameBound;
    throw new WindowSpecError(`Unknown frame ${end} ${describeBound(bound)}: ${BOUND_HELP}.`);
  }
  if (typeof bound !== 'object' || bound === null || Array.isArray(bound)) {
    throw new WindowSpecError(`Invalid frame ${end} ${describeBound(bound)}: ${BOUND_HELP}.`);
  }
  const keys = Object.keys(bound);
  if (keys.length !== 1 || (keys[0] !== 'preceding' && keys[0] !== 'following')) {
    throw new WindowSpecError(`Invalid frame ${end} with keys [${keys.join(', ')}]: ${BOUND_HELP}.`);
  }
  const offset = requireOffset(mode, (bound as Record<string, unknown>)[keys[0]]);
  return Object.freeze(keys[0] === 'preceding' ? { preceding: offset } : { following: offset });
}

/**
 * Checks a frame against PostgreSQL's grammar and returns a frozen copy built from values read once, so what is
 * rendered is exactly what was checked (a getter cannot change a bound afterwards). Modes, named bounds and
 * exclusions come from closed sets; offsets are non-negative integers (printed) or intervals (bound).
 *
 * ```ts
 * requireFrame({ mode: 'ROWS', start: { preceding: 6 }, end: 'CURRENT ROW' }); // the same frame, frozen
 * requireFrame({ mode: 'ROWS', start: 'CURRENT ROW; DROP TABLE x', end: 'CURRENT ROW' }); // throws WindowSpecError
 * requireFrame({ mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW', exclude: 'TIES' }); // throws: ROWS has no peers
 * ```
 */
export function requireFrame(frame: unknown): Frame {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw new WindowSpecError(`A frame is an object { mode, start, end }, got ${describeBound(frame)}.`);
  }
  const raw = frame as Record<string, unknown>;
  const mode = raw.mode;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw new WindowSpecError(`Unknown frame mode ${describeBound(mode)}: use ROWS, RANGE or GROUPS.`);
  }
  const start = requireBound(mode as FrameMode, raw.start, 'start');
  const end = requireBound(mode as FrameMode, raw.end, 'end');
  if (start === 'UNBOUNDED FOLLOWING') {
    throw new WindowSpecError('A frame cannot start at UNBOUNDED FOLLOWING.');
  }
  if (end === 'UNBOUNDED PRECEDING') {
    throw new WindowSpecError('A frame cannot end at UNBOUNDED PRECEDING.');
  }
  if (boundRank(start) > boundRank(end)) {
    throw new WindowSpecError('A frame cannot start after it ends: order the bounds PRECEDING → CURRENT ROW → FOLLOWING.');
  }
  const exclude = raw.exclude;
  if (exclude !== undefined && (typeof exclude !== 'string' || !(EXCLUSIONS as readonly string[]).includes(exclude))) {
    throw new WindowSpecError(`Unknown frame exclusion ${describeBound(exclude)}: use ${EXCLUSIONS.map((e) => `'${e}'`).join(', ')}.`);
  }
  // Every ROWS window ends its ORDER BY with a unique tiebreaker, so no row has peers there: PostgreSQL would run
  // EXCLUDE TIES as NO OTHERS and EXCLUDE GROUP as CURRENT ROW, silently, and sums would include the peers meant out.
  if (mode === 'ROWS' && (exclude === 'TIES' || exclude === 'GROUP')) {
    throw new WindowSpecError(
      `EXCLUDE ${exclude} on a ROWS frame excludes no peers: a ROWS window ends its order with a unique tiebreaker (the id), ` +
        `so no two rows are peers. Use a RANGE or GROUPS frame to exclude the rows that tie on the order keys.`,
    );
  }
  return Object.freeze({ mode: mode as FrameMode, start, end, ...(exclude !== undefined && { exclude: exclude as FrameExclusion }) });
}

/**
 * True when a bound has a value offset (`{ preceding: ... }` / `{ following: ... }`).
 * ```ts
 * hasOffset({ preceding: 3 }); // true
 * hasOffset('CURRENT ROW');    // false
 * ```
 */
export function hasOffset(bound: FrameBound): boolean {
  return typeof bound === 'object';
}

/**
 * True when a bound's offset is an interval (a RANGE distance in time).
 * ```ts
 * hasIntervalOffset({ preceding: { interval: '7 days' } }); // true
 * hasIntervalOffset({ preceding: 3 });                      // false
 * ```
 */
export function hasIntervalOffset(bound: FrameBound): boolean {
  return typeof offsetOf(bound) === 'object';
}

// A bound's offset, on whichever side; undefined for the named bounds.
function offsetOf(bound: FrameBound): FrameOffset | undefined {
  if (typeof bound !== 'object') return undefined;
  return 'preceding' in bound ? bound.preceding : bound.following;
}

/**
 * A frame whose interval offsets have a fixed length: days and weeks written as hours, so that a RANGE along an
 * instant (`timestamptz`) key measures the same whatever the session's zone (PostgreSQL adds days in the session's
 * calendar). Undefined when an offset counts months or years, which have no fixed length.
 * ```ts
 * fixedLengthFrame({ mode: 'RANGE', start: { preceding: { interval: '7 days' } }, end: 'CURRENT ROW' })
 * // { mode: 'RANGE', start: { preceding: { interval: '168 hours' } }, end: 'CURRENT ROW' }
 * ```
 */
export function fixedLengthFrame(frame: Frame): Frame | undefined {
  const fixed = (bound: FrameBound): FrameBound | undefined => {
    const offset = offsetOf(bound);
    if (typeof offset !== 'object') return bound;
    const side = 'preceding' in (bound as object) ? 'preceding' : 'following';
    // Weeks, days and hours become one count of hours (an interval names each unit once); the rest stays.
    let hours = new Prisma.Decimal(0);
    const rest: string[] = [];
    for (const part of intervalParts(offset.interval)) {
      const [amount, unit] = part.trim().split(/\s+/) as [string, string];
      const lower = unit.toLowerCase();
      if (lower.startsWith('month') || lower.startsWith('year')) return undefined;
      const perUnit = lower.startsWith('day') ? 24 : lower.startsWith('week') ? 168 : lower.startsWith('hour') ? 1 : undefined;
      if (perUnit === undefined) rest.push(part);
      else hours = hours.add(new Prisma.Decimal(amount).mul(perUnit));
    }
    const interval = [...(hours.isZero() ? [] : [`${hours.toFixed()} hours`]), ...rest].join(' ') || '0 hours';
    return Object.freeze({ [side]: Object.freeze({ interval }) }) as FrameBound;
  };
  const start = fixed(frame.start);
  const end = fixed(frame.end);
  return start === undefined || end === undefined ? undefined : Object.freeze({ ...frame, start, end });
}

/** True when a bound's offset is `Infinity` (a RANGE distance along a numeric or float key). */
export function hasInfiniteOffset(bound: FrameBound): boolean {
  return offsetOf(bound) === Number.POSITIVE_INFINITY;
}

/** True when a bound's offset is a `bigint` (an int8 count or distance). */
export function hasBigintOffset(bound: FrameBound): boolean {
  return typeof offsetOf(bound) === 'bigint';
}

function offsetSql(offset: FrameOffset): Prisma.Sql {
  // A validated number is printed: PostgreSQL types a numeric literal by its look (integer or numeric), which suits
  // each order column's offset type. A bigint is bound, as an int8 (ROWS, GROUPS, and RANGE over integer keys).
  if (offset === Number.POSITIVE_INFINITY) return Prisma.raw("'Infinity'");
  if (typeof offset === 'number') return Prisma.raw(String(offset));
  if (typeof offset === 'bigint') return Prisma.sql`CAST(${offset.toString()} AS int8)`;
  return intervalValue(offset.interval);
}

function boundSql(bound: FrameBound): Prisma.Sql {
  if (typeof bound === 'string') return Prisma.raw(bound);
  if ('preceding' in bound) return Prisma.sql`${offsetSql(bound.preceding)} PRECEDING`;
  return Prisma.sql`${offsetSql(bound.following)} FOLLOWING`;
}

// PostgreSQL's rule: a frame cannot start after it ends (e.g. start at CURRENT ROW, end 1 PRECEDING).
function boundRank(bound: FrameBound): number {
  if (bound === 'UNBOUNDED PRECEDING') return 0;
  if (bound === 'CURRENT ROW') return 2;
  if (bound === 'UNBOUNDED FOLLOWING') return 4;
  return 'preceding' in bound ? 1 : 3;
}

/**
 * Checks a frame (`requireFrame`) and renders `ROWS BETWEEN ... AND ... [EXCLUDE ...]`.
 *
 * ```ts
 * frameSql(RUNNING_ROWS); // ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 * ```
 */
export function frameSql(frame: Frame): Prisma.Sql {
  return checkedFrameSql(requireFrame(frame));
}

/**
 * Renders a frame already checked, or derived from a checked one (`fixedLengthFrame`, whose count of hours may
 * have more digits than a caller may write).
 */
export function checkedFrameSql(checked: Frame): Prisma.Sql {
  const body = Prisma.sql`${Prisma.raw(checked.mode)} BETWEEN ${boundSql(checked.start)} AND ${boundSql(checked.end)}`;
  return checked.exclude ? Prisma.sql`${body} EXCLUDE ${Prisma.raw(checked.exclude)}` : body;
}
