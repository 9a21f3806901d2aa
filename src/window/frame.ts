import { Prisma } from '../generated/prisma/client.ts';
import { WindowSpecError } from '../errors.ts';

export type FrameMode = 'ROWS' | 'RANGE' | 'GROUPS';

/**
 * One end of a window frame. Offsets are rows (ROWS), peer groups (GROUPS) or a value distance (RANGE); an
 * `interval` string such as `'7 days'` is a RANGE offset on a date/timestamp order column.
 */
export type FrameBound =
  | 'UNBOUNDED PRECEDING'
  | 'CURRENT ROW'
  | 'UNBOUNDED FOLLOWING'
  | { readonly preceding: number | { readonly interval: string } }
  | { readonly following: number | { readonly interval: string } };

export type FrameExclusion = 'CURRENT ROW' | 'GROUP' | 'TIES' | 'NO OTHERS';

export interface Frame {
  readonly mode: FrameMode;
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude?: FrameExclusion;
}

/**
 * The default frame of every running total: `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`. Each row's total
 * includes exactly the rows before it in window order, so rows with equal timestamps get distinct, id-ordered totals.
 */
export const RUNNING_ROWS: Frame = Object.freeze({ mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' });

/**
 * `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`: rows whose ORDER BY keys are equal (peers) share one total,
 * the total after all of them. Only meaningful when the window is not ordered by a unique key.
 */
export const RUNNING_RANGE: Frame = Object.freeze({ mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' });

const INTERVAL_PATTERN = /^\s*\d+(\.\d+)?\s+(microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)(\s+\d+(\.\d+)?\s+(microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?))*\s*$/i;

function offsetSql(mode: FrameMode, offset: number | { readonly interval: string }): Prisma.Sql {
  if (typeof offset === 'number') {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new WindowSpecError(`Frame offset must be a non-negative integer, got ${String(offset)}.`);
    }
    // A validated integer is printed, not bound: PostgreSQL needs frame offsets as constants of a known type.
    return Prisma.raw(String(offset));
  }
  if (mode !== 'RANGE') {
    throw new WindowSpecError(`Interval offsets only work with RANGE frames (got ${mode}); use a row count instead.`);
  }
  if (!INTERVAL_PATTERN.test(offset.interval)) {
    throw new WindowSpecError(
      `Invalid interval "${offset.interval}": write it like '7 days', '1 hour 30 minutes' or '3 months'.`,
    );
  }
  return Prisma.sql`CAST(${offset.interval} AS interval)`;
}

function boundSql(mode: FrameMode, bound: FrameBound): Prisma.Sql {
  if (typeof bound === 'string') return Prisma.raw(bound);
  if ('preceding' in bound) return Prisma.sql`${offsetSql(mode, bound.preceding)} PRECEDING`;
  return Prisma.sql`${offsetSql(mode, bound.following)} FOLLOWING`;
}

// PostgreSQL's rule: a frame cannot start after it ends (e.g. start at CURRENT ROW, end 1 PRECEDING).
function boundRank(bound: FrameBound): number {
  if (bound === 'UNBOUNDED PRECEDING') return 0;
  if (bound === 'CURRENT ROW') return 2;
  if (bound === 'UNBOUNDED FOLLOWING') return 4;
  return 'preceding' in bound ? 1 : 3;
}

/** Checks a frame and renders `ROWS BETWEEN ... AND ... [EXCLUDE ...]`. */
export function frameSql(frame: Frame): Prisma.Sql {
  if (frame.mode !== 'ROWS' && frame.mode !== 'RANGE' && frame.mode !== 'GROUPS') {
    throw new WindowSpecError(`Unknown frame mode "${String(frame.mode)}": use ROWS, RANGE or GROUPS.`);
  }
  if (frame.start === 'UNBOUNDED FOLLOWING') {
    throw new WindowSpecError('A frame cannot start at UNBOUNDED FOLLOWING.');
  }
  if (frame.end === 'UNBOUNDED PRECEDING') {
    throw new WindowSpecError('A frame cannot end at UNBOUNDED PRECEDING.');
  }
  if (boundRank(frame.start) > boundRank(frame.end)) {
    throw new WindowSpecError('A frame cannot start after it ends: order the bounds PRECEDING → CURRENT ROW → FOLLOWING.');
  }
  const body = Prisma.sql`${Prisma.raw(frame.mode)} BETWEEN ${boundSql(frame.mode, frame.start)} AND ${boundSql(frame.mode, frame.end)}`;
  if (!frame.exclude) return body;
  if (!['CURRENT ROW', 'GROUP', 'TIES', 'NO OTHERS'].includes(frame.exclude)) {
    throw new WindowSpecError(`Unknown frame exclusion "${String(frame.exclude)}".`);
  }
  return Prisma.sql`${body} EXCLUDE ${Prisma.raw(frame.exclude)}`;
}
