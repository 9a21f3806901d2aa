import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { requireOptions } from '../validation/batch.ts';
import { columnInfo, columnRef, type FieldOf, type ModelName } from './catalog.ts';
import { isInstantField } from './instant-output.ts';
import { numericValue, textValue, typedColumnValue } from './parameters.ts';
import { requireCondition, type Condition } from './conditions.ts';
import type { Frame } from './frame.ts';
import type { ColumnOf, FieldValue, NumericFieldOf, SumValue, TemporalFieldOf, NonNullFieldValue } from './types.ts';

/** What `stddev` / `variance` return: `number` (float8) for a Float field, else `Prisma.Decimal` (numeric). */
export type SpreadValue<M extends ModelName, F extends FieldOf<M>> = ColumnOf<M, F> extends { readonly type: 'Float' } ? number : Prisma.Decimal;

const SPREADS = {
  stddev: 'stddev',
  stddevSamp: 'stddev_samp',
  stddevPop: 'stddev_pop',
  variance: 'variance',
  varSamp: 'var_samp',
  varPop: 'var_pop',
} as const;

// A schema-qualified or plain SQL function name: letters, digits and underscores, so it can be quoted safely.
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

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
    /** `cume_dist()`: the share of rows up to and including the current row's peers, a float in (0, 1]. `number`. */
    cumeDist() {
      return make<M, number>(model, { name: 'cume_dist', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`cume_dist() ${over}` });
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

    /** `nth_value(f, n)`: the value of the frame's n-th row (1-based), NULL while the frame has fewer rows. */
    nthValue<F extends FieldOf<M>>(field: F, n: number) {
      const column = col(field);
      const position = requireCount('nthValue n', n, 1);
      return make<M, FieldValue<M, F> | null>(model, {
        name: 'nth_value',
        picksRow: true,
        valueField: field,
        render: (over) => Prisma.sql`nth_value(${column}, ${Prisma.raw(String(position))}) ${over}`,
      });
    },
    ...spreadFunctions(model),
    /**
     * `bool_and(condition)` over the frame: true when the condition holds on every row of the frame (NULL for an
     * empty frame). Written with a condition, so it works on any column: `f.boolAnd(c.compare('amount', '>', 0))`.
     */
    boolAnd(condition: Condition<M>, options: AggregateOptions<M> = {}) {
      return boolFunction(model, 'bool_and', condition, options);
    },
    /** `bool_or(condition)` over the frame: true when the condition holds on some row of the frame. */
    boolOr(condition: Condition<M>, options: AggregateOptions<M> = {}) {
      return boolFunction(model, 'bool_or', condition, options);
    },
    /** `every(condition)`: the SQL-standard name of `bool_and`. */
    every(condition: Condition<M>, options: AggregateOptions<M> = {}) {
      return boolFunction(model, 'every', condition, options);
    },
    /**
     * `array_agg(f)` over the frame, in the window's order: the values of the frame's rows, NULLs included.
     * Instants are collected as their UTC wall time, like every instant output.
     */
    arrayAgg<F extends FieldOf<M>>(field: F, options: AggregateOptions<M> = {}) {
      const filter = filterSql(model, 'arrayAgg', options);
      const value = isInstantField(model, field) ? Prisma.sql`(${col(field)} AT TIME ZONE 'UTC')` : col(field);
      return make<M, FieldValue<M, F>[] | null>(model, {
        name: 'array_agg',
        picksRow: true,
        render: (over) => Prisma.sql`array_agg(${value})${filter} ${over}`,
      });
    },
    /** `string_agg(f::text, separator)` over the frame, in the window's order; NULL values are skipped. */
    stringAgg<F extends FieldOf<M>>(field: F, separator: string, options: AggregateOptions<M> = {}) {
      if (typeof separator !== 'string' || separator.includes('\0')) {
        throw new WindowSpecError(`stringAgg(${field}) needs a separator string without NUL, got ${String(separator)}.`);
      }
      const filter = filterSql(model, 'stringAgg', options);
      const value = isInstantField(model, field) ? Prisma.sql`(${col(field)} AT TIME ZONE 'UTC')::text` : Prisma.sql`${col(field)}::text`;
      return make<M, string | null>(model, {
        name: 'string_agg',
        picksRow: true,
        render: (over) => Prisma.sql`string_agg(${value}, ${textValue(separator)})${filter} ${over}`,
      });
    },
    /**
     * Any aggregate PostgreSQL knows — built in, from an extension, or your own `CREATE AGGREGATE` — by name
     * (`'my_schema.my_agg'`), over one field, typed by you: `f.aggregate<Prisma.Decimal | null>('median_agg', 'amount')`.
     * The name is checked to be a plain (optionally schema-qualified) identifier and quoted; whether the function
     * exists is PostgreSQL's to say (`QueryFailedError`). Its result is taken as frame-aggregate, not order-dependent.
     */
    aggregate<T>(name: string, field: FieldOf<M>, options: AggregateOptions<M> = {}) {
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        throw new WindowSpecError(`aggregate name ${JSON.stringify(name)}: use an identifier such as "my_agg" or "ext.my_agg".`);
      }
      const quoted = Prisma.raw(name.split('.').map((part) => `"${part}"`).join('.'));
      const filter = filterSql(model, 'aggregate', options);
      return make<M, T>(model, { name, render: (over) => Prisma.sql`${quoted}(${col(field)})${filter} ${over}` });
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

// stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop: numeric for Int, BigInt and Decimal fields.
function spreadFunctions<M extends ModelName>(model: M) {
  const spread =
    (sqlName: (typeof SPREADS)[keyof typeof SPREADS]) =>
    <F extends NumericFieldOf<M>>(field: F, options: AggregateOptions<M> = {}) => {
      requireNumeric(model, field, sqlName);
      const filter = filterSql(model, sqlName, options);
      return make<M, SpreadValue<M, F> | null>(model, {
        name: sqlName,
        render: (over) => Prisma.sql`${Prisma.raw(sqlName)}(${columnRef(model, field)})${filter} ${over}`,
      });
    };
  return {
    /** `stddev(f)` (= `stddev_samp`): sample standard deviation over the frame; NULL for fewer than 2 values. */
    stddev: spread(SPREADS.stddev),
    stddevSamp: spread(SPREADS.stddevSamp),
    /** Population standard deviation; 0 for one value. */
    stddevPop: spread(SPREADS.stddevPop),
    /** `variance(f)` (= `var_samp`). */
    variance: spread(SPREADS.variance),
    varSamp: spread(SPREADS.varSamp),
    varPop: spread(SPREADS.varPop),
  };
}

function boolFunction<M extends ModelName>(model: M, name: 'bool_and' | 'bool_or' | 'every', condition: Condition<M>, options: AggregateOptions<M>) {
  const predicate = requireCondition(model, condition, name);
  const filter = filterSql(model, name, options);
  return make<M, boolean | null>(model, { name, render: (over) => Prisma.sql`${Prisma.raw(name)}(${predicate.sql})${filter} ${over}` });
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
