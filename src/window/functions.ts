import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { requireOptions } from '../validation/batch.ts';
import { columnInfo, columnRef, type FieldOf, type ModelName } from './catalog.ts';
import { numericValue, typedColumnValue } from './parameters.ts';
import { requireCondition, type Condition } from './conditions.ts';
import type { Frame } from './frame.ts';
import type { FieldValue, NumericFieldOf, SumValue, TemporalFieldOf, NonNullFieldValue } from './types.ts';

/**
 * One window function call, typed by its result `T` (what a row holds for it after `$queryRaw`).
 *
 * Built by the functions below; placed into a query with `windowQuery(...).add(alias, fn, over)`.
 */
export interface WindowFunction<M extends ModelName, T> {
  readonly model: M;
  /** Function name for messages (`sum`, `rank`, ...). */
  readonly name: string;
  /**
   * Result depends on peers (rows with equal ORDER BY keys): `rank`, `dense_rank`, `percent_rank`. Rendered
   * without the id tiebreaker, which would make every row its own peer.
   */
  readonly peerSensitive: boolean;
  /** PostgreSQL ignores the frame for this function (ranking, lag/lead, ntile); the frame is not rendered. */
  readonly ignoresFrame: boolean;
  /**
   * The result is one row's value or position (`row_number`, `ntile`, `lag`, `lead`, `first_value`,
   * `last_value`): among peers, which row that is would be left to the physical row order, so the window's
   * ORDER BY must end with the id (see `renderOver`).
   */
  readonly picksRow: boolean;
  /** A frame this function needs regardless of the window's own (moving averages, share of total). */
  readonly frame?: Frame | undefined;
  /**
   * The field whose value (and type) the result is, for functions that return one of a field's values (`min`,
   * `max`, `first_value`, `last_value`, `lag`, `lead`): an instant is then read the way the field itself is.
   */
  readonly valueField?: string | undefined;
  /** Renders the call given its complete `OVER ...` clause. */
  render(over: Prisma.Sql): Prisma.Sql;
  /** Phantom: the result type. Never set at run time. */
  readonly __result?: T | undefined;
}

interface Spec {
  readonly name: string;
  readonly peerSensitive?: boolean | undefined;
  readonly ignoresFrame?: boolean | undefined;
  readonly picksRow?: boolean | undefined;
  readonly frame?: Frame | undefined;
  readonly valueField?: string | undefined;
  readonly render: (over: Prisma.Sql) => Prisma.Sql;
}

function make<M extends ModelName, T>(model: M, spec: Spec): WindowFunction<M, T> {
  return Object.freeze({
    model,
    name: spec.name,
    peerSensitive: spec.peerSensitive ?? false,
    ignoresFrame: spec.ignoresFrame ?? false,
    picksRow: spec.picksRow ?? false,
    ...(spec.frame && { frame: spec.frame }),
    ...(spec.valueField !== undefined && { valueField: spec.valueField }),
    render: spec.render,
  });
}

function requireNumeric(model: string, field: string, fn: string): void {
  const { type } = columnInfo(model, field);
  if (!['Int', 'BigInt', 'Decimal', 'Float'].includes(type)) {
    throw new WindowSpecError(`${fn}(${model}.${field}): ${type} is not numeric; use a Decimal, Int, BigInt or Float field.`);
  }
}

// `FILTER (WHERE ...)` of an aggregate; the options object and its condition are checked before any SQL exists.
function filterSql<M extends ModelName>(model: M, fn: string, options: unknown, extraKeys: readonly string[] = []): Prisma.Sql {
  const { filter } = requireOptions(`${fn} options`, options, ['filter', ...extraKeys]);
  return filter === undefined ? Prisma.empty : Prisma.sql` FILTER (WHERE ${requireCondition(model, filter, `${fn} filter`).sql})`;
}

// Counts are printed into the SQL (PostgreSQL wants constants there), so only validated integers get there; the
// functions that take them (ntile, lag, lead) take an `integer`.
const INT4_MAX = 2_147_483_647;

function requireCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > INT4_MAX) {
    throw new WindowSpecError(`${name} must be an integer ≥ ${min} (at most ${INT4_MAX}), got ${String(value)}.`);
  }
  return value;
}

export interface AggregateOptions<M extends ModelName> {
  /** `FILTER (WHERE ...)`: only rows matching the condition are aggregated. */
  readonly filter?: Condition<M> | undefined;
}

/**
 * Window functions of one model. Every function checks its fields against Prisma's data model.
 *
 * ```ts
 * const f = windowFunctions('Transaction');
 * f.sum('amount')                          // SUM("amount") OVER (...)           → Prisma.Decimal | null
 * f.count({ filter: c.isNull('amount') })  // COUNT(*) FILTER (WHERE ...) OVER   → bigint
 * f.rowNumber()                            // row_number() OVER (...)            → bigint
 * f.lag('amount', { offset: 2 })           // lag("amount", 2) OVER (...)        → Prisma.Decimal | null
 * f.runningTotal('amount')                 // SUM(COALESCE("amount", 0)) OVER    → Prisma.Decimal
 * ```
 */
export function windowFunctions<M extends ModelName>(model: M) {
  const col = (field: string) => columnRef(model, field);
  return {
    /** `SUM(f) [FILTER (WHERE ...)] OVER (...)`. NULL when the frame holds no non-NULL value. */
    sum<F extends NumericFieldOf<M>>(field: F, options: AggregateOptions<M> = {}) {
      requireNumeric(model, field, 'sum');
      const filter = filterSql(model, 'sum', options);
      return make<M, SumValue<NonNullFieldValue<M, F>> | null>(model, {
        name: 'sum',
        render: (over) => Prisma.sql`SUM(${col(field)})${filter} ${over}`,
      });
    },
    /** `AVG(f) OVER (...)`: numeric → `Prisma.Decimal`, NULL for an empty frame. */
    avg<F extends NumericFieldOf<M>>(field: F, options: AggregateOptions<M> = {}) {
      requireNumeric(model, field, 'avg');
      const filter = filterSql(model, 'avg', options);
      return make<M, Prisma.Decimal | null>(model, {
        name: 'avg',
        render: (over) => Prisma.sql`AVG(${col(field)})${filter} ${over}`,
      });
    },
    /** `COUNT(*)`, or `COUNT(f)` (non-NULL values) with `field`. Counts are `bigint` (PostgreSQL's int8). */
    count(options: AggregateOptions<M> & { readonly field?: FieldOf<M> | undefined } = {}) {
      const filter = filterSql(model, 'count', options, ['field']);
      const target = options.field === undefined ? Prisma.raw('*') : col(options.field);
      return make<M, bigint>(model, {
        name: 'count',
        render: (over) => Prisma.sql`COUNT(${target})${filter} ${over}`,
      });
    },
    /** `MIN(f) OVER (...)`, typed like the field, NULL for an empty frame. */
    min<F extends FieldOf<M>>(field: F, options: AggregateOptions<M> = {}) {
      const column = col(field);
      const filter = filterSql(model, 'min', options);
      return make<M, NonNullFieldValue<M, F> | null>(model, {
        name: 'min',
        valueField: field,
        render: (over) => Prisma.sql`MIN(${column})${filter} ${over}`,
      });
    },
    /** `MAX(f) OVER (...)`, typed like the field, NULL for an empty frame. */
    max<F extends FieldOf<M>>(field: F, options: AggregateOptions<M> = {}) {
      const column = col(field);
      const filter = filterSql(model, 'max', options);
      return make<M, NonNullFieldValue<M, F> | null>(model, {
        name: 'max',
        valueField: field,
        render: (over) => Prisma.sql`MAX(${column})${filter} ${over}`,
      });
    },
    /** `row_number()`: 1, 2, 3 … in window order (ties broken by id). `bigint`. */
    rowNumber() {
      return make<M, bigint>(model, { name: 'row_number', ignoresFrame: true, picksRow: true, render: (over) => Prisma.sql`row_number() ${over}` });
    },
    /** `rank()`: peers share a rank, gaps follow. `bigint`. */
    rank() {
      return make<M, bigint>(model, { name: 'rank', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`rank() ${over}` });
    },
    /** `dense_rank()`: peers share a rank, no gaps. `bigint`. */
    denseRank() {
      return make<M, bigint>(model, { name: 'dense_rank', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`dense_rank() ${over}` });
    },
    /** `percent_rank()`: (rank - 1) / (rows - 1), a float in [0, 1]. `number`. */
    percentRank() {
      return make<M, number>(model, { name: 'percent_rank', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`percent_rank() ${over}` });
    },
    /** `ntile(n)`: bucket 1..n, as even as possible. `number`. */
    ntile(buckets: number) {
      const n = requireCount('ntile buckets', buckets, 1);
      return make<M, number>(model, { name: 'ntile', ignoresFrame: true, picksRow: true, render: (over) => Prisma.sql`ntile(${Prisma.raw(String(n))}) ${over}` });
    },
    /**
     * `lag(f, offset[, default])`: the value `offset` rows before (NULL before the first row unless `default` is
     * given). Typed `| null` either way.
     */
    lag<F extends FieldOf<M>>(field: F, options: { readonly offset?: number | undefined; readonly default?: NonNullFieldValue<M, F> | undefined } = {}) {
      return offsetFunction<M, F>(model, 'lag', field, options);
    },
    /** `lead(f, offset[, default])`: the value `offset` rows after. */
    lead<F extends FieldOf<M>>(field: F, options: { readonly offset?: number | undefined; readonly default?: NonNullFieldValue<M, F> | undefined } = {}) {
      return offsetFunction<M, F>(model, 'lead', field, options);
    },
    /** `first_value(f)` over the frame. */
    firstValue<F extends FieldOf<M>>(field: F) {
      const column = col(field);
      return make<M, FieldValue<M, F>>(model, { name: 'first_value', picksRow: true, valueField: field, render: (over) => Prisma.sql`first_value(${column}) ${over}` });
    },
    /**
     * `last_value(f)` over the frame. With the default running frame that is the current row; use
     * `.rows('UNBOUNDED PRECEDING', 'UNBOUNDED FOLLOWING')` on the window for the partition's last value.
     */
    lastValue<F extends FieldOf<M>>(field: F) {
      const column = col(field);
      return make<M, FieldValue<M, F>>(model, { name: 'last_value', picksRow: true, valueField: field, render: (over) => Prisma.sql`last_value(${column}) ${over}` });
    },

    // ── composites ────────────────────────────────────────────────────────────────────────────────────────
    /**
     * Running total: `SUM(COALESCE(f, 0))` over the window's frame (by default ROWS from the partition start to
     * the current row). Never NULL: NULL amounts add zero (`nullsAsZero: false` sums the raw column, for queries
     * that filter NULL rows out).
     *
     * `carry` adds an opening amount, exactly, inside PostgreSQL: `(CAST($1 AS numeric) + SUM(...) OVER (...))`,
     * or only on rows matching `carry.where` (`CASE WHEN ... THEN CAST($1 AS numeric) ELSE 0 END + ...`). Keyset
     * chunks and pages use it to continue a total where the previous chunk stopped.
     */
    runningTotal<F extends NumericFieldOf<M>>(
      field: F,
      options: { readonly nullsAsZero?: boolean | undefined; readonly carry?: { readonly amount: Prisma.Decimal; readonly where?: Condition<M> | undefined } } = {},
    ) {
      requireNumeric(model, field, 'runningTotal');
      const opts = requireOptions('runningTotal options', options, ['nullsAsZero', 'carry']);
      if (opts.nullsAsZero !== undefined && typeof opts.nullsAsZero !== 'boolean') {
        throw new WindowSpecError(`runningTotal nullsAsZero must be a boolean, got ${String(opts.nullsAsZero)}.`);
      }
      const coalesce = (options.nullsAsZero ?? true) && columnInfo(model, field).nullable;
      const value = coalesce ? Prisma.sql`COALESCE(${col(field)}, 0)` : col(field);
      const carry = opts.carry === undefined ? undefined : requireCarry(model, opts.carry);
      const opening = !carry
        ? Prisma.empty
        : carry.where
          ? Prisma.sql`CASE WHEN ${carry.where.sql} THEN ${numericValue(carry.amount)} ELSE 0 END + `
          : Prisma.sql`${numericValue(carry.amount)} + `;
      return make<M, SumValue<NonNullFieldValue<M, F>>>(model, {
        name: 'runningTotal',
        render: (over) => (carry ? Prisma.sql`(${opening}SUM(${value}) ${over})` : Prisma.sql`SUM(${value}) ${over}`),
      });
    },
    /**
     * Moving average of the last `rows` rows (`ROWS BETWEEN rows-1 PRECEDING AND CURRENT ROW`), or of an
     * `interval` of the (single, date/time) order column (`RANGE BETWEEN interval PRECEDING AND CURRENT ROW`).
     * NULL values are ignored, like `AVG`.
     */
    movingAverage<F extends NumericFieldOf<M>>(field: F, over: { readonly rows: number } | { readonly interval: string }) {
      requireNumeric(model, field, 'movingAverage');
      if (typeof over !== 'object' || over === null || ('rows' in over) === ('interval' in over)) {
        throw new WindowSpecError("movingAverage needs { rows: n } or { interval: '7 days' } (exactly one of them).");
      }
      const frame: Frame =
        'rows' in over
          ? { mode: 'ROWS', start: { preceding: requireCount('movingAverage rows', over.rows, 1) - 1 }, end: 'CURRENT ROW' }
          : { mode: 'RANGE', start: { preceding: { interval: over.interval } }, end: 'CURRENT ROW' };
      return make<M, Prisma.Decimal | null>(model, { name: 'movingAverage', frame, render: (o) => Prisma.sql`AVG(${col(field)}) ${o}` });
    },
    /** `f - lag(f)`: change from the previous row in window order; NULL on each partition's first row. */
    differenceFromPrevious<F extends NumericFieldOf<M>>(field: F) {
      requireNumeric(model, field, 'differenceFromPrevious');
      return make<M, SumValue<NonNullFieldValue<M, F>> | null>(model, {
        name: 'differenceFromPrevious',
        ignoresFrame: true,
        picksRow: true,
        render: (over) => Prisma.sql`(${col(field)} - lag(${col(field)}) ${over})`,
      });
    },
    /**
     * `f / SUM(f)` over the whole partition: this row's share of its partition total (a Decimal fraction).
     * NULL when the partition total is zero or the value is NULL.
     */
    shareOfPartition<F extends NumericFieldOf<M>>(field: F) {
      requireNumeric(model, field, 'shareOfPartition');
      const whole: Frame = { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'UNBOUNDED FOLLOWING' };
      return make<M, Prisma.Decimal | null>(model, {
        name: 'shareOfPartition',
        frame: whole,
        render: (over) => Prisma.sql`(CAST(${col(field)} AS numeric) / NULLIF(SUM(${col(field)}) ${over}, 0))`,
      });
    },
  };
}

function offsetFunction<M extends ModelName, F extends FieldOf<M>>(
  model: M,
  name: 'lag' | 'lead',
  field: F,
  options: { readonly offset?: number | undefined; readonly default?: unknown | undefined },
) {
  const column = columnRef(model, field);
  const opts = requireOptions(`${name} options`, options, ['offset', 'default']);
  const offset = requireCount(`${name} offset`, opts.offset ?? 1, 0);
  // The default is checked against the column's type now: a mismatch would otherwise fail only in PostgreSQL.
  // NULL is lag/lead's own default, so `null` means the same as no default.
  const args =
    opts.default === undefined || opts.default === null
      ? Prisma.sql`${column}, ${Prisma.raw(String(offset))}`
      : Prisma.sql`${column}, ${Prisma.raw(String(offset))}, ${typedColumnValue(`${name}(${field}).default`, model, field, opts.default)}`;
  return make<M, FieldValue<M, F> | null>(model, { name, ignoresFrame: true, picksRow: true, valueField: field, render: (over) => Prisma.sql`${Prisma.raw(name)}(${args}) ${over}` });
}

// The carried amount is printed as exact decimal text; its condition must belong to the same model.
function requireCarry<M extends ModelName>(model: M, value: unknown): { readonly amount: string; readonly where?: Condition<M> | undefined } {
  const carry = requireOptions('runningTotal carry', value, ['amount', 'where']);
  const amount = carry.amount;
  if (!Prisma.Decimal.isDecimal(amount) || !amount.isFinite()) {
    throw new WindowSpecError(`runningTotal carry.amount must be a finite Prisma.Decimal, got ${String(amount)}.`);
  }
  return {
    amount: amount.toFixed(),
    ...(carry.where !== undefined && { where: requireCondition(model, carry.where, 'runningTotal carry.where') }),
  };
}

/** Result type carried by a window function. */
export type WindowFunctionResult<Fn> = Fn extends WindowFunction<ModelName, infer T> ? T : never;

/** Fields usable as RANGE-interval order keys (re-exported for builder users). */
export type { TemporalFieldOf };
