import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { requireOptions } from '../validation/batch.ts';
import type { CatalogEnum, ModelName } from './catalog.ts';
import {
  isExpr,
  isUuidFieldExpr,
  enumOfExpr,
  enumListOfExpr,
  meanType,
  readAsDate,
  requireNumericOperand,
  requireOperand,
  sumType,
  typedConstant,
  type AnyExpr,
  type MeanSqlType,
  type NumericOperand,
  type Operand,
  type OperandType,
  type OperandValue,
  type SqlType,
  type SqlValue,
  type SumSqlType,
} from './expression.ts';
import { enumNamesSql, hasRenamedValues } from './enum-output.ts';
import { enumValue, numericValue, textValue, typedColumnValue, uuidValue } from './parameters.ts';
import { requireUuid } from '../validation/keys.ts';
import { requireCondition, type Condition } from './conditions.ts';
import type { Frame } from './frame.ts';
import type { TemporalFieldOf } from './types.ts';
import { atUtc } from './utc-sql.ts';

/** What `stddev` / `variance` return: `number` (float8) for a float operand, else `Prisma.Decimal` (numeric). */
export type SpreadValue<M extends ModelName, X> = SqlValue<MeanSqlType<OperandType<M, X>>>;

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
 * One window function call, typed by its result `T` (what a row holds for it after `$queryRaw`) and its
 * PostgreSQL type `K`.
 *
 * Built by the functions below; placed into a query with `windowQuery(...).add(alias, fn, over)`, or into an
 * expression with `expressions(model).over(fn, over)`.
 */
export interface WindowFunction<M extends ModelName, T, K extends SqlType = SqlType> {
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
   * A plain aggregate (`sum`, `avg`, `count`, `min`, `max`, the spreads, `boolAnd` / `boolOr` / `every`, a named
   * aggregate): it can also aggregate the rows of a group (`GroupedQuery.aggregate`), rendered without `OVER`.
   */
  readonly aggregate: boolean;
  /**
   * The result's PostgreSQL type (`other` when the library cannot know it, e.g. `array_agg` or a named aggregate
   * without `returns`): an instant (`timestamptz`) is read as its UTC wall time, like a field; arithmetic on the
   * result (`expressions(model).over`) is typed by it.
   */
  readonly resultType: K;
  /**
   * The result is a uuid: a uuid field's (or grouped column's) value passed through by `lag`, `lead`, `firstValue`,
   * `lastValue` or `nthValue`. Its type is `other`, but it compares, orders and partitions as a uuid.
   */
  readonly uuid?: boolean | undefined;
  /**
   * The result is a value of this stored enum (passed through by `lag`, `lead`, `firstValue`, `lastValue`,
   * `nthValue`, `min` or `max`): it orders in the enum's declared order and is read as the value's name.
   */
  readonly enum?: CatalogEnum | undefined;
  /** The result is a list of this stored enum's values (an enum list passed through): read as names. */
  readonly enumList?: CatalogEnum | undefined;
  /** Renders the call given its complete `OVER ...` clause. */
  render(over: Prisma.Sql): Prisma.Sql;
  /** Phantom: the result type. Never set at run time. */
  readonly __result?: T | undefined;
}

interface Spec {
  readonly name: string;
  readonly resultType: SqlType;
  readonly peerSensitive?: boolean | undefined;
  readonly aggregate?: boolean | undefined;
  readonly ignoresFrame?: boolean | undefined;
  readonly picksRow?: boolean | undefined;
  readonly frame?: Frame | undefined;
  readonly uuid?: boolean | undefined;
  readonly enum?: CatalogEnum | undefined;
  readonly enumList?: CatalogEnum | undefined;
  readonly render: (over: Prisma.Sql) => Prisma.Sql;
}

function make<M extends ModelName, T, K extends SqlType = SqlType>(model: M, spec: Spec): WindowFunction<M, T, K> {
  return Object.freeze({
    model,
    name: spec.name,
    peerSensitive: spec.peerSensitive ?? false,
    ignoresFrame: spec.ignoresFrame ?? false,
    picksRow: spec.picksRow ?? false,
    aggregate: spec.aggregate ?? false,
    ...(spec.frame && { frame: spec.frame }),
    ...(spec.uuid === true && { uuid: true }),
    ...(spec.enum !== undefined && { enum: spec.enum }),
    ...(spec.enumList !== undefined && { enumList: spec.enumList }),
    resultType: spec.resultType as K,
    render: spec.render,
  });
}

// A function's value argument: a field or an expression without window functions (they cannot nest).
const argument = <M extends ModelName>(model: M, value: unknown, fn: string): AnyExpr<M> => requireOperand(model, value, fn);
const numericArgument = <M extends ModelName>(model: M, value: unknown, fn: string): AnyExpr<M> => requireNumericOperand(model, value, fn);

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

/** `row_number()` over `model`'s rows: `windowFunctions(model).rowNumber()`, without building the other functions. */
export function rowNumberOf<M extends ModelName>(model: M) {
  return make<M, bigint, 'int8'>(model, {
    name: 'row_number',
    resultType: 'int8',
    ignoresFrame: true,
    picksRow: true,
    render: (over) => Prisma.sql`row_number() ${over}`,
  });
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
  return {
    /** `SUM(x) [FILTER (WHERE ...)] OVER (...)` of a numeric field or expression. NULL when the frame holds no non-NULL value. */
    sum<X extends NumericOperand<M>>(x: X, options: AggregateOptions<M> = {}) {
      const value = numericArgument(model, x, 'sum');
      const filter = filterSql(model, 'sum', options);
      return make<M, SqlValue<SumSqlType<OperandType<M, X>>> | null, SumSqlType<OperandType<M, X>>>(model, {
        name: 'sum', aggregate: true,
        resultType: sumType(value.sqlType),
        render: (over) => Prisma.sql`SUM(${value.render()})${filter} ${over}`,
      });
    },
    /** `AVG(x) OVER (...)`: numeric → `Prisma.Decimal`, float → `number`; NULL for an empty frame. */
    avg<X extends NumericOperand<M>>(x: X, options: AggregateOptions<M> = {}) {
      const value = numericArgument(model, x, 'avg');
      const filter = filterSql(model, 'avg', options);
      return make<M, SqlValue<MeanSqlType<OperandType<M, X>>> | null, MeanSqlType<OperandType<M, X>>>(model, {
        name: 'avg', aggregate: true,
        resultType: meanType(value.sqlType),
        render: (over) => Prisma.sql`AVG(${value.render()})${filter} ${over}`,
      });
    },
    /** `COUNT(*)`, or `COUNT(x)` (non-NULL values) with `field`. Counts are `bigint` (PostgreSQL's int8). */
    count(options: AggregateOptions<M> & { readonly field?: Operand<M> | undefined } = {}) {
      const filter = filterSql(model, 'count', options, ['field']);
      const target = options.field === undefined ? Prisma.raw('*') : argument(model, options.field, 'count').render();
      return make<M, bigint, 'int8'>(model, {
        name: 'count', aggregate: true,
        resultType: 'int8',
        render: (over) => Prisma.sql`COUNT(${target})${filter} ${over}`,
      });
    },
    /** `MIN(x) OVER (...)`, typed like the field or expression, NULL for an empty frame. */
    min<X extends Operand<M>>(x: X, options: AggregateOptions<M> = {}) {
      return extremum(model, 'MIN', x, options);
    },
    /** `MAX(x) OVER (...)`, typed like the field or expression, NULL for an empty frame. */
    max<X extends Operand<M>>(x: X, options: AggregateOptions<M> = {}) {
      return extremum(model, 'MAX', x, options);
    },
    /** `row_number()`: 1, 2, 3 … in window order (ties broken by id). `bigint`. */
    rowNumber() {
      return rowNumberOf(model);
    },
    /** `rank()`: peers share a rank, gaps follow. `bigint`. */
    rank() {
      return make<M, bigint, 'int8'>(model, { name: 'rank', resultType: 'int8', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`rank() ${over}` });
    },
    /** `dense_rank()`: peers share a rank, no gaps. `bigint`. */
    denseRank() {
      return make<M, bigint, 'int8'>(model, { name: 'dense_rank', resultType: 'int8', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`dense_rank() ${over}` });
    },
    /** `percent_rank()`: (rank - 1) / (rows - 1), a float in [0, 1]. `number`. */
    percentRank() {
      return make<M, number, 'float8'>(model, { name: 'percent_rank', resultType: 'float8', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`percent_rank() ${over}` });
    },
    /** `cume_dist()`: the share of rows up to and including the current row's peers, a float in (0, 1]. `number`. */
    cumeDist() {
      return make<M, number, 'float8'>(model, { name: 'cume_dist', resultType: 'float8', peerSensitive: true, ignoresFrame: true, render: (over) => Prisma.sql`cume_dist() ${over}` });
    },
    /** `ntile(n)`: bucket 1..n, as even as possible. `number`. */
    ntile(buckets: number) {
      const n = requireCount('ntile buckets', buckets, 1);
      return make<M, number, 'int4'>(model, { name: 'ntile', resultType: 'int4', ignoresFrame: true, picksRow: true, render: (over) => Prisma.sql`ntile(${Prisma.raw(String(n))}) ${over}` });
    },
    /**
     * `lag(x, offset[, default])`: the value `offset` rows before (NULL before the first row unless `default` is
     * given). Typed `| null` either way. `offset` is a count, or an integer field or expression of the current row
     * (`{ offset: 'level' }`: a per-row distance).
     */
    lag<X extends Operand<M>>(x: X, options: { readonly offset?: number | Operand<M> | undefined; readonly default?: NonNullable<OperandValue<M, X>> | undefined } = {}) {
      return offsetFunction<M, X>(model, 'lag', x, options);
    },
    /** `lead(x, offset[, default])`: the value `offset` rows after. */
    lead<X extends Operand<M>>(x: X, options: { readonly offset?: number | Operand<M> | undefined; readonly default?: NonNullable<OperandValue<M, X>> | undefined } = {}) {
      return offsetFunction<M, X>(model, 'lead', x, options);
    },
    /** `first_value(x)` over the frame. */
    firstValue<X extends Operand<M>>(x: X) {
      const value = argument(model, x, 'firstValue');
      return make<M, OperandValue<M, X>, OperandType<M, X>>(model, { name: 'first_value', resultType: value.sqlType, ...passedOn(value, 'firstValue'), picksRow: true, render: (over) => Prisma.sql`first_value(${value.render()}) ${over}` });
    },
    /**
     * `last_value(x)` over the frame. With the default running frame that is the current row; use
     * `.rows('UNBOUNDED PRECEDING', 'UNBOUNDED FOLLOWING')` on the window for the partition's last value.
     */
    lastValue<X extends Operand<M>>(x: X) {
      const value = argument(model, x, 'lastValue');
      return make<M, OperandValue<M, X>, OperandType<M, X>>(model, { name: 'last_value', resultType: value.sqlType, ...passedOn(value, 'lastValue'), picksRow: true, render: (over) => Prisma.sql`last_value(${value.render()}) ${over}` });
    },

    /** `nth_value(x, n)`: the value of the frame's n-th row (1-based), NULL while the frame has fewer rows. */
    nthValue<X extends Operand<M>>(x: X, n: number) {
      const value = argument(model, x, 'nthValue');
      const position = requireCount('nthValue n', n, 1);
      return make<M, OperandValue<M, X> | null, OperandType<M, X>>(model, {
        name: 'nth_value',
        resultType: value.sqlType,
        ...passedOn(value, 'nthValue'),
        picksRow: true,
        render: (over) => Prisma.sql`nth_value(${value.render()}, ${Prisma.raw(String(position))}) ${over}`,
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
     * `array_agg(x)` over the frame, in the window's order: the values of the frame's rows, NULLs included.
     * Instants are collected as their UTC wall time and dates as their midnight, like every such output.
     */
    arrayAgg<X extends Operand<M>>(x: X, options: AggregateOptions<M> = {}) {
      const filter = filterSql(model, 'arrayAgg', options);
      const arg = argument(model, x, 'arrayAgg');
      refuseEnumList(arg, 'arrayAgg');
      // An enum's values as their names, in a `text[]` (the driver reads no array of an enum type).
      const stored = enumOfExpr(arg);
      const value = stored === undefined ? readAsDate(arg.sqlType, arg.render()) : Prisma.sql`CAST(${enumNamesSql(stored, arg.render())} AS text)`;
      return make<M, OperandValue<M, X>[] | null, 'other'>(model, {
        name: 'array_agg',
        resultType: 'other',
        picksRow: true,
        render: (over) => Prisma.sql`array_agg(${value})${filter} ${over}`,
      });
    },
    /** `string_agg(x::text, separator)` over the frame, in the window's order; NULL values are skipped. */
    stringAgg<X extends Operand<M>>(x: X, separator: string, options: AggregateOptions<M> = {}) {
      const arg = argument(model, x, 'stringAgg');
      refuseEnumList(arg, 'stringAgg');
      if (typeof separator !== 'string' || separator.includes('\0')) {
        throw new WindowSpecError(`stringAgg(${arg.label}) needs a separator string without NUL, got ${String(separator)}.`);
      }
      const filter = filterSql(model, 'stringAgg', options);
      const stored = enumOfExpr(arg);
      const text = stored === undefined ? arg.render() : enumNamesSql(stored, arg.render());
      const value = Prisma.sql`${arg.sqlType === 'timestamptz' ? atUtc(text) : text}::text`;
      return make<M, string | null, 'text'>(model, {
        name: 'string_agg',
        resultType: 'text',
        picksRow: true,
        render: (over) => Prisma.sql`string_agg(${value}, ${textValue(separator)})${filter} ${over}`,
      });
    },
    /**
     * Any aggregate PostgreSQL knows — built in, from an extension, or your own `CREATE AGGREGATE` — by name
     * (`'my_schema.my_agg'`), over one field or expression, typed by you: `f.aggregate<Prisma.Decimal | null>('median_agg', 'amount')`.
     * The name is checked to be a plain (optionally schema-qualified) identifier and quoted; whether the function
     * exists is PostgreSQL's to say (`QueryFailedError`). Its result is taken as frame-aggregate, not order-dependent.
     * `returns` names its SQL type when you want to compute with it in an expression.
     */
    aggregate<T, K extends SqlType = 'other'>(name: string, x: Operand<M>, options: AggregateOptions<M> & { readonly returns?: K | undefined } = {}) {
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        throw new WindowSpecError(`aggregate name ${JSON.stringify(name)}: use an identifier such as "my_agg" or "ext.my_agg".`);
      }
      const quoted = Prisma.raw(name.split('.').map((part) => `"${part}"`).join('.'));
      const filter = filterSql(model, 'aggregate', options, ['returns']);
      const value = argument(model, x, name);
      return make<M, T, K>(model, { name, aggregate: true, resultType: options.returns ?? 'other', render: (over) => Prisma.sql`${quoted}(${value.render()})${filter} ${over}` });
    },

    // ── composites ────────────────────────────────────────────────────────────────────────────────────────
    /**
     * Running total: `SUM(COALESCE(x, 0))` over the window's frame (by default ROWS from the partition start to
     * the current row). Never NULL: NULL amounts add zero (`nullsAsZero: false` sums the raw column, for queries
     * that filter NULL rows out).
     *
     * `carry` adds an opening amount, exactly, inside PostgreSQL: `(CAST($1 AS numeric) + SUM(...) OVER (...))`,
     * or only on rows matching `carry.where` (`CASE WHEN ... THEN CAST($1 AS numeric) ELSE 0 END + ...`). Keyset
     * chunks and pages use it to continue a total where the previous chunk stopped.
     */
    runningTotal<X extends NumericOperand<M>>(
      x: X,
      options: { readonly nullsAsZero?: boolean | undefined; readonly carry?: { readonly amount: Prisma.Decimal; readonly where?: Condition<M> | undefined } } = {},
    ) {
      const arg = numericArgument(model, x, 'runningTotal');
      const opts = requireOptions('runningTotal options', options, ['nullsAsZero', 'carry']);
      if (opts.nullsAsZero !== undefined && typeof opts.nullsAsZero !== 'boolean') {
        throw new WindowSpecError(`runningTotal nullsAsZero must be a boolean, got ${String(opts.nullsAsZero)}.`);
      }
      const coalesce = (options.nullsAsZero ?? true) && arg.nullable;
      const value = coalesce ? Prisma.sql`COALESCE(${arg.render()}, 0)` : arg.render();
      const carry = opts.carry === undefined ? undefined : requireCarry(model, opts.carry);
      const opening = !carry
        ? Prisma.empty
        : carry.where
          ? Prisma.sql`CASE WHEN ${carry.where.sql} THEN ${numericValue(carry.amount)} ELSE 0 END + `
          : Prisma.sql`${numericValue(carry.amount)} + `;
      return make<M, SqlValue<SumSqlType<OperandType<M, X>>>, SumSqlType<OperandType<M, X>>>(model, {
        name: 'runningTotal',
        resultType: carry ? 'numeric' : sumType(arg.sqlType),
        render: (over) => (carry ? Prisma.sql`(${opening}SUM(${value}) ${over})` : Prisma.sql`SUM(${value}) ${over}`),
      });
    },
    /**
     * Moving average of the last `rows` rows (`ROWS BETWEEN rows-1 PRECEDING AND CURRENT ROW`), or of an
     * `interval` of the (single, date/time) order column (`RANGE BETWEEN interval PRECEDING AND CURRENT ROW`).
     * NULL values are ignored, like `AVG`.
     */
    movingAverage<X extends NumericOperand<M>>(x: X, over: { readonly rows: number } | { readonly interval: string }) {
      const arg = numericArgument(model, x, 'movingAverage');
      if (typeof over !== 'object' || over === null || ('rows' in over) === ('interval' in over)) {
        throw new WindowSpecError("movingAverage needs { rows: n } or { interval: '7 days' } (exactly one of them).");
      }
      const frame: Frame =
        'rows' in over
          ? { mode: 'ROWS', start: { preceding: requireCount('movingAverage rows', over.rows, 1) - 1 }, end: 'CURRENT ROW' }
          : { mode: 'RANGE', start: { preceding: { interval: over.interval } }, end: 'CURRENT ROW' };
      return make<M, SqlValue<MeanSqlType<OperandType<M, X>>> | null, MeanSqlType<OperandType<M, X>>>(model, {
        name: 'movingAverage',
        resultType: meanType(arg.sqlType),
        frame,
        render: (o) => Prisma.sql`AVG(${arg.render()}) ${o}`,
      });
    },
    /** `x - lag(x)`: change from the previous row in window order; NULL on each partition's first row. */
    differenceFromPrevious<X extends NumericOperand<M>>(x: X) {
      const arg = numericArgument(model, x, 'differenceFromPrevious');
      return make<M, SqlValue<OperandType<M, X>> | null, OperandType<M, X>>(model, {
        name: 'differenceFromPrevious',
        resultType: arg.sqlType,
        ignoresFrame: true,
        picksRow: true,
        render: (over) => Prisma.sql`(${arg.render()} - lag(${arg.render()}) ${over})`,
      });
    },
    /**
     * `x / SUM(x)` over the whole partition: this row's share of its partition total (a Decimal fraction).
     * NULL when the partition total is zero or the value is NULL.
     */
    shareOfPartition<X extends NumericOperand<M>>(x: X) {
      const arg = numericArgument(model, x, 'shareOfPartition');
      const whole: Frame = { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'UNBOUNDED FOLLOWING' };
      return make<M, Prisma.Decimal | null, 'numeric'>(model, {
        name: 'shareOfPartition',
        resultType: 'numeric',
        frame: whole,
        render: (over) => Prisma.sql`(CAST(${arg.render()} AS numeric) / NULLIF(SUM(${arg.render()}) ${over}, 0))`,
      });
    },
  };
}

// What a function that passes a row's value on (lag, lead, firstValue, lastValue, nthValue) keeps of it: a uuid,
// an enum's values, a list of them. A list of enum values is read as text, whose renamed labels could only be
// turned back into names by a subquery over the result, where PostgreSQL allows no window function: refused.
function passedOn(value: AnyExpr, what: string): Pick<Spec, 'uuid' | 'enum' | 'enumList'> {
  const list = enumListOfExpr(value);
  if (list !== undefined && hasRenamedValues(list)) {
    throw new WindowSpecError(`${what}(${value.label}): a list of enum values stored under other labels (@map) is not passed on by a window function; select the field itself.`);
  }
  return { uuid: isUuidFieldExpr(value), enum: enumOfExpr(value), enumList: list };
}

// Lists of an enum's values are read as arrays of names; aggregated into an array or text they would be labels.
function refuseEnumList(value: AnyExpr, what: string): void {
  if (enumListOfExpr(value) !== undefined) throw new WindowSpecError(`${what}(${value.label}): a list of enum values cannot be aggregated here; aggregate its elements.`);
}

function extremum<M extends ModelName, X extends Operand<M>>(model: M, name: 'MIN' | 'MAX', x: X, options: AggregateOptions<M>) {
  const value = argument(model, x, name.toLowerCase());
  // PostgreSQL orders uuids (an index, ORDER BY) but has no min or max of them, nor of booleans (bool_and / bool_or).
  if (isUuidFieldExpr(value)) throw new WindowSpecError(`${name.toLowerCase()}(${value.label}): a uuid has no ${name.toLowerCase()} in PostgreSQL.`);
  // Nor of Json (jsonb, json) or bytes; an enum has one, in its declared order.
  if (value.sqlType === 'other' && enumOfExpr(value) === undefined) {
    throw new WindowSpecError(`${name.toLowerCase()}(${value.label}): only numbers, text, times, dates and enums have a ${name.toLowerCase()} here.`);
  }
  if (value.sqlType === 'bool') {
    throw new WindowSpecError(`${name.toLowerCase()}(${value.label}): a boolean has no ${name.toLowerCase()} in PostgreSQL; use ${name === 'MIN' ? 'boolAnd' : 'boolOr'}.`);
  }
  const filter = filterSql(model, name.toLowerCase(), options);
  return make<M, NonNullable<OperandValue<M, X>> | null, OperandType<M, X>>(model, {
    name: name.toLowerCase(),
    aggregate: true,
    resultType: value.sqlType,
    enum: enumOfExpr(value),
    render: (over) => Prisma.sql`${Prisma.raw(name)}(${value.render()})${filter} ${over}`,
  });
}

// stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop: numeric for integers and numeric, float8 for floats.
function spreadFunctions<M extends ModelName>(model: M) {
  const spread =
    (sqlName: (typeof SPREADS)[keyof typeof SPREADS]) =>
    <X extends NumericOperand<M>>(x: X, options: AggregateOptions<M> = {}) => {
      const value = numericArgument(model, x, sqlName);
      const filter = filterSql(model, sqlName, options);
      return make<M, SpreadValue<M, X> | null, MeanSqlType<OperandType<M, X>>>(model, {
        name: sqlName,
        aggregate: true,
        resultType: meanType(value.sqlType),
        render: (over) => Prisma.sql`${Prisma.raw(sqlName)}(${value.render()})${filter} ${over}`,
      });
    };
  return {
    /** `stddev(x)` (= `stddev_samp`): sample standard deviation over the frame; NULL for fewer than 2 values. */
    stddev: spread(SPREADS.stddev),
    stddevSamp: spread(SPREADS.stddevSamp),
    /** Population standard deviation; 0 for one value. */
    stddevPop: spread(SPREADS.stddevPop),
    /** `variance(x)` (= `var_samp`). */
    variance: spread(SPREADS.variance),
    varSamp: spread(SPREADS.varSamp),
    varPop: spread(SPREADS.varPop),
  };
}

function boolFunction<M extends ModelName>(model: M, name: 'bool_and' | 'bool_or' | 'every', condition: Condition<M>, options: AggregateOptions<M>) {
  const predicate = requireCondition(model, condition, name);
  const filter = filterSql(model, name, options);
  return make<M, boolean | null, 'bool'>(model, { name, aggregate: true, resultType: 'bool', render: (over) => Prisma.sql`${Prisma.raw(name)}(${predicate.sql})${filter} ${over}` });
}

function offsetFunction<M extends ModelName, X extends Operand<M>>(
  model: M,
  name: 'lag' | 'lead',
  x: X,
  options: { readonly offset?: number | Operand<M> | undefined; readonly default?: unknown | undefined },
) {
  const value = argument(model, x, name);
  const opts = requireOptions(`${name} options`, options, ['offset', 'default']);
  // A count is printed (validated); a field or expression is the row's own offset, and must be an integer.
  const offset = typeof opts.offset === 'string' || isExpr(opts.offset) ? offsetOperand(model, name, opts.offset) : Prisma.raw(String(requireCount(`${name} offset`, opts.offset ?? 1, 0)));
  // The default is checked against the value's type now: a mismatch would otherwise fail only in PostgreSQL.
  // NULL is lag/lead's own default, so `null` means the same as no default.
  const args =
    opts.default === undefined || opts.default === null
      ? Prisma.sql`${value.render()}, ${offset}`
      : Prisma.sql`${value.render()}, ${offset}, ${defaultValue(`${name}(${value.label}).default`, model, value, opts.default)}`;
  return make<M, OperandValue<M, X> | null, OperandType<M, X>>(model, {
    name,
    resultType: value.sqlType,
    ...passedOn(value, name),
    ignoresFrame: true,
    picksRow: true,
    render: (over) => Prisma.sql`${Prisma.raw(name)}(${args}) ${over}`,
  });
}

// A field's default is checked as a value of that column (its scale, its range); an expression's by its type; a
// uuid's as a uuid, bound as one; an enum's as one of its names, bound as its label.
function defaultValue(path: string, model: ModelName, value: AnyExpr, given: unknown): Prisma.Sql {
  if (isUuidFieldExpr(value)) return uuidValue(requireUuid(path, given));
  const stored = enumOfExpr(value);
  if (stored !== undefined) return enumValue(path, value.label, stored, given);
  return value.field !== undefined && value.sqlType !== 'other' ? typedColumnValue(path, model, value.field, given) : typedConstant(path, given, value.sqlType);
}

// lag / lead take an `integer` offset: an int4 field or expression as it is, an int8 one cast (PostgreSQL has no
// int8 variant).
function offsetOperand<M extends ModelName>(model: M, name: string, value: unknown): Prisma.Sql {
  const offset = requireOperand(model, value, `${name} offset`);
  if (offset.sqlType !== 'int4' && offset.sqlType !== 'int8') {
    throw new WindowSpecError(`${name} offset ${offset.label} is ${offset.sqlType}; a row offset is an integer field or expression.`);
  }
  return offset.sqlType === 'int4' ? offset.render() : Prisma.sql`CAST(${offset.render()} AS int4)`;
}

// The carried amount is printed as exact decimal text (or NaN, ±Infinity); its condition must belong to the same model.
function requireCarry<M extends ModelName>(model: M, value: unknown): { readonly amount: string; readonly where?: Condition<M> | undefined } {
  const carry = requireOptions('runningTotal carry', value, ['amount', 'where']);
  const amount = carry.amount;
  if (!Prisma.Decimal.isDecimal(amount)) {
    throw new WindowSpecError(`runningTotal carry.amount must be a Prisma.Decimal, got ${String(amount)}.`);
  }
  return {
    // NaN and ±Infinity too: a total that reached them (a stored NaN amount) carries on as PostgreSQL's numeric does.
    amount: amount.isFinite() ? amount.toFixed() : amount.toString(),
    ...(carry.where !== undefined && { where: requireCondition(model, carry.where, 'runningTotal carry.where') }),
  };
}

/** Result type carried by a window function. */
export type WindowFunctionResult<Fn> = Fn extends WindowFunction<ModelName, infer T> ? T : never;

/** Fields usable as RANGE-interval order keys (re-exported for builder users). */
export type { TemporalFieldOf };
