import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { BUCKETS, requireTimeZone, UTC_ZONE, type Bucket } from '../validation/bucket-options.ts';
import { requireOptions } from '../validation/batch.ts';
import { describe } from '../validation/dates.ts';
import { aliasRef, type FieldOf, type ModelName } from './catalog.ts';
import { dateBucketSql, firstInstantOfHourKeySql, firstInstantOfLabelSql, hourKeySql, instantBucketSql, localBucketSql, localLabelSql } from './calendar-bucket.ts';
import { requireCondition, type Condition } from './conditions.ts';
import {
  arithmeticType,
  isNumericType,
  widenedType,
  CALENDAR_TYPES,
  CAST_TYPES,
  castTo,
  constantType,
  fieldExpr,
  kindOf,
  makeExpr,
  scopeOf,
  requireNumericOperand,
  requireOperand,
  requireType,
  typedConstant,
  type AnyExpr,
  type ArithmeticType,
  type CalendarSqlType,
  type CastType,
  type Expr,
  type FieldNullable,
  type FieldSqlType,
  type NamedWindows,
  type NumericOperand,
  type Operand,
  type OperandNullable,
  type OperandType,
  type NumericSqlType,
  type SqlType,
} from './expression.ts';
import type { WindowFunction } from './functions.ts';
import { renderOver } from './over-clause.ts';
import { textValue } from './parameters.ts';
import type { WindowSpec } from './window-spec.ts';

type Or<A, B> = A extends false ? (B extends false ? false : true) : true;
type ConstantSqlType<V> = V extends Prisma.Decimal ? 'numeric' : V extends bigint ? 'int8' : V extends number ? (number extends V ? 'int4' | 'float8' : `${V}` extends `${bigint}` ? 'int4' : 'float8') : V extends string ? 'text' : V extends boolean ? 'bool' : V extends Date ? 'timestamptz' : never;
/** The type `bucket` / `dateTrunc` give a calendar value: an instant stays an instant, a date a date. */
type BucketType<K extends SqlType> = K extends 'timestamptz' ? 'timestamptz' : K extends 'date' ? 'date' : 'timestamp';
type CalendarOperand<M extends ModelName> = { [F in FieldOf<M>]: FieldSqlType<M, F> extends CalendarSqlType ? F : never }[FieldOf<M>] | Expr<M, CalendarSqlType, boolean>;

type TemporalOperand<M extends ModelName> =
  | { [F in FieldOf<M>]: FieldSqlType<M, F> extends 'timestamptz' | 'timestamp' | 'date' | 'time' ? F : never }[FieldOf<M>]
  | Expr<M, 'timestamptz' | 'timestamp' | 'date' | 'time', boolean>;
type ShiftableOperand<M extends ModelName> =
  | { [F in FieldOf<M>]: FieldSqlType<M, F> extends 'timestamptz' | 'timestamp' | 'time' | 'timetz' ? F : never }[FieldOf<M>]
  | Expr<M, 'timestamptz' | 'timestamp' | 'time' | 'timetz' | 'interval', boolean>;
/** `end - start`: an interval, or a number of days between dates. */
type ElapsedType<K extends SqlType> = K extends 'date' ? 'int4' : 'interval';

/** The one type operands of one kind are rendered in (`coalesce`, `caseWhen`): numbers widened as arithmetic does. */
type CommonType<A extends SqlType, B extends SqlType> = [A | B] extends [NumericSqlType] ? ArithmeticType<A, B> : A;

// Casts PostgreSQL has whose result does not depend on the session: numbers among themselves, anything to text (but
// an instant or an interval, printed in the session's zone or IntervalStyle), text to anything but an instant,
// booleans and integers, dates and timestamps.
function castAllowed(from: SqlType, to: SqlType): boolean {
  if (from === to) return true;
  const numeric = ['int4', 'int8', 'numeric', 'float4', 'float8'];
  if (numeric.includes(from) && numeric.includes(to)) return true;
  if (to === 'text') return !['timestamptz', 'interval', 'other'].includes(from);
  // Text to a date or time is read by the session's DateStyle and zone ('03/04/2026', 'today'): refused.
  if (from === 'text') return ['int4', 'int8', 'numeric', 'float4', 'float8', 'bool'].includes(to);
  if ((from === 'bool' && to === 'int4') || (from === 'int4' && to === 'bool')) return true;
  return (from === 'date' && to === 'timestamp') || (from === 'timestamp' && to === 'date');
}

const ARITHMETIC = { add: '+', sub: '-', mul: '*', div: '/' } as const;

/**
 * Typed expressions over one model's row, for the select list (`windowQuery(...).selectExpr`), window function
 * arguments (`f.sum(e.mul('price', 'quantity'))`), `PARTITION BY` and `ORDER BY` (`windowSpec(...).orderBy(e.bucket(...))`).
 * Fields are checked against the catalog, constants are bound, and every expression knows its PostgreSQL type:
 * mixing numeric with a float, or comparing a date with a number, is a `WindowSpecError` before any SQL.
 *
 * ```ts
 * const e = expressions('Transaction');
 * e.mul('amount', e.value(new Prisma.Decimal('1.19')))         // ("amount" * CAST($1 AS numeric))     numeric
 * e.coalesce('amount', e.value(new Prisma.Decimal(0)))          // COALESCE("amount", CAST($1 AS numeric))
 * e.bucket('createdAt', 'week', { timeZone: 'Europe/Berlin' })  // (CASE WHEN ... THEN date_trunc('week', "createdAt", CAST($4 AS text)) ELSE ... END)
 * e.sub('amount', e.over(f.lag('amount'), w))                   // ("amount" - lag("amount", 1) OVER (...))
 * ```
 */
export function expressions<M extends ModelName>(model: M) {
  const operand = (value: unknown, what: string, windowed = true) => requireOperand(model, value, what, windowed);
  const windowNames = (...parts: AnyExpr<M>[]) => [...new Set(parts.flatMap((p) => p.windowNames))];
  const arithmetic =
    <Op extends keyof typeof ARITHMETIC>(op: Op) =>
    <A extends NumericOperand<M>, B extends NumericOperand<M>>(a: A, b: B): Expr<M, ArithmeticType<OperandType<M, A>, OperandType<M, B>>, Or<OperandNullable<M, A>, OperandNullable<M, B>>> => {
      const symbol = ARITHMETIC[op];
      const left = requireNumericOperand(model, a, `e.${op}`, true);
      const right = requireNumericOperand(model, b, `e.${op}`, true);
      const type = arithmeticType(left, right, symbol);
      return makeExpr({
        model,
        sqlType: type as ArithmeticType<OperandType<M, A>, OperandType<M, B>>,
        nullable: (left.nullable || right.nullable) as Or<OperandNullable<M, A>, OperandNullable<M, B>>,
        label: `${left.label} ${symbol} ${right.label}`,
        windowed: left.windowed || right.windowed,
        windowNames: windowNames(left, right),
        scope: scopeOf([left, right]),
        render: (w) => Prisma.sql`(${castTo(left, type, w)} ${Prisma.raw(symbol)} ${castTo(right, type, w)})`,
      });
    };

  return {
    /** A field as stored: `"amount"`. */
    field<F extends FieldOf<M>>(field: F): Expr<M, FieldSqlType<M, F>, FieldNullable<M, F>> {
      return fieldExpr(model, field);
    },
    /**
     * A constant, bound as a parameter and typed by its JavaScript type: `Prisma.Decimal` → numeric, `bigint` → int8,
     * an integer → int4 (beyond int4's range, pass a `bigint`), any other finite number → float8, `string` → text,
     * `boolean` → bool, `Date` → timestamptz.
     * ```ts
     * e.value(new Prisma.Decimal('0.5')) // CAST($1 AS numeric)
     * ```
     */
    value<V extends Prisma.Decimal | bigint | number | string | boolean | Date>(value: V): Expr<M, ConstantSqlType<V>, false> {
      const type = constantType('e.value', value);
      const sql = typedConstant('e.value', value, type);
      const label = Prisma.Decimal.isDecimal(value) ? value.toFixed() : value instanceof Date ? value.toISOString() : typeof value === 'string' ? JSON.stringify(value) : String(value);
      return makeExpr({ model, sqlType: type as ConstantSqlType<V>, nullable: false, label, render: () => sql });
    },
    /** `(a + b)`. Operands of different numeric types are cast explicitly to the result's type. */
    add: arithmetic('add'),
    /** `(a - b)`. */
    sub: arithmetic('sub'),
    /** `(a * b)`. */
    mul: arithmetic('mul'),
    /**
     * `(a / b)`. Between integers this is PostgreSQL's integer division (it truncates): cast one side to numeric
     * for the exact quotient. Division by zero fails in PostgreSQL (`QueryFailedError`); guard it with `nullIf`.
     */
    div: arithmetic('div'),
    /**
     * `CAST(x AS type)`, to `int4`, `int8`, `numeric`, `float4`, `float8`, `text`, `bool`, `timestamptz`,
     * `timestamp` or `date`. Casting an instant to `timestamp` or `date` would use the session's zone: use
     * `bucket` / `dateTrunc` with a time zone instead (refused here).
     * ```ts
     * e.cast('level', 'numeric') // CAST("level" AS numeric)
     * ```
     */
    cast<X extends Operand<M>, T extends CastType>(x: X, type: T): Expr<M, T, OperandNullable<M, X>> {
      const source = operand(x, 'e.cast');
      if (!(CAST_TYPES as readonly string[]).includes(type)) throw new WindowSpecError(`e.cast: unknown type ${describe(type)}; use one of ${CAST_TYPES.join(', ')}.`);
      const zoned = (a: SqlType, b: SqlType) => (a === 'timestamptz' && ['timestamp', 'date', 'text'].includes(b)) || (b === 'timestamptz' && ['timestamp', 'date', 'text'].includes(a));
      if (zoned(source.sqlType, type)) {
        throw new WindowSpecError(`e.cast(${source.label}, '${type}'): between an instant and a wall-clock type or text the session's TimeZone decides the result; use e.bucket or e.dateTrunc with a timeZone.`);
      }
      if (!castAllowed(source.sqlType, type)) {
        throw new WindowSpecError(`e.cast(${source.label}, '${type}'): PostgreSQL has no cast from ${source.sqlType} to ${type} (or its result would depend on the session).`);
      }
      return makeExpr({
        model,
        sqlType: type,
        nullable: source.nullable as OperandNullable<M, X>,
        label: `${source.label}::${type}`,
        windowed: source.windowed,
        windowNames: source.windowNames,
        scope: source.scope,
        render: (w) => castTo(source, type, w),
      });
    },
    /**
     * `COALESCE(a, b, ...)`: the first non-NULL value. Operands must be of one kind (numbers with numbers, ...);
     * numbers of different types are cast to a common one. NULL only when every operand can be.
     */
    coalesce<X extends Operand<M>, Y extends Operand<M>>(first: X, ...rest: [Y, ...Y[]]): Expr<M, CommonType<OperandType<M, X>, OperandType<M, Y>>, OperandNullable<M, Y>> {
      const parts = [first, ...rest].map((x, i) => operand(x, `e.coalesce argument ${i + 1}`));
      const type = commonType(parts, 'e.coalesce');
      return makeExpr({
        model,
        sqlType: type as CommonType<OperandType<M, X>, OperandType<M, Y>>,
        nullable: parts.every((p) => p.nullable) as OperandNullable<M, Y>,
        label: `coalesce(${parts.map((p) => p.label).join(', ')})`,
        windowed: parts.some((p) => p.windowed),
        windowNames: windowNames(...parts),
        scope: scopeOf(parts),
        render: (w) => Prisma.sql`COALESCE(${Prisma.join(parts.map((p) => castTo(p, type, w)), ', ')})`,
      });
    },
    /** `NULLIF(a, b)`: NULL where `a = b`, else `a` — e.g. a divisor that may be zero. */
    nullIf<X extends Operand<M>>(a: X, b: Operand<M>): Expr<M, OperandType<M, X>, true> {
      const left = operand(a, 'e.nullIf');
      const right = operand(b, 'e.nullIf');
      const type = commonType([left, right], 'e.nullIf');
      return makeExpr({
        model,
        sqlType: left.sqlType as OperandType<M, X>,
        nullable: true,
        label: `nullif(${left.label}, ${right.label})`,
        windowed: left.windowed || right.windowed,
        windowNames: windowNames(left, right),
        scope: scopeOf([left, right]),
        render: (w) => (type === left.sqlType ? Prisma.sql`NULLIF(${left.render(w)}, ${castTo(right, type, w)})` : Prisma.sql`CAST(NULLIF(${castTo(left, type, w)}, ${castTo(right, type, w)}) AS ${Prisma.raw(left.sqlType)})`),
      });
    },
    /**
     * `round(x, digits)` of a numeric value (half away from zero, PostgreSQL's numeric rounding).
     * ```ts
     * e.round(e.mul('amount', e.value(new Prisma.Decimal('1.19'))), 2) // round(("amount" * CAST($1 AS numeric)), 2)
     * ```
     */
    round<X extends Operand<M>>(x: X, digits = 0): Expr<M, 'numeric', OperandNullable<M, X>> {
      const source = requireNumericOperand(model, x, 'e.round', true);
      if (!Number.isSafeInteger(digits) || Math.abs(digits) > 1000) throw new WindowSpecError(`e.round digits must be an integer in -1000..1000, got ${describe(digits)}.`);
      return makeExpr({
        model,
        sqlType: 'numeric',
        nullable: source.nullable as OperandNullable<M, X>,
        label: `round(${source.label}, ${digits})`,
        windowed: source.windowed,
        windowNames: source.windowNames,
        scope: source.scope,
        render: (w) => Prisma.sql`round(${castTo(source, 'numeric', w)}, ${Prisma.raw(String(digits))})`,
      });
    },
    /**
     * An interval constant, validated like a frame offset (`'90 minutes'`, `'1 day 2 hours'`, `'3 months'`) and
     * bound: `CAST($1 AS interval)`. A row reads an interval as an ISO 8601 duration (`'P0Y0M0DT1H30M0S'`).
     */
    interval(text: string): Expr<M, 'interval', false> {
      const sql = typedConstant('e.interval', text, 'interval');
      return makeExpr({ model, sqlType: 'interval', nullable: false, label: `interval ${JSON.stringify(text)}`, render: () => sql });
    },
    /**
     * The time from `start` to `end`, `(end - start)`: an interval between two instants, two wall-clock timestamps or
     * two times of day (of one type), a whole number of days between two dates.
     * ```ts
     * r.elapsed(r.over(g.lag('takenAt'), w), 'takenAt') // ("taken_at" - lag("taken_at", 1) OVER (...))  interval
     * ```
     */
    elapsed<A extends TemporalOperand<M>, B extends TemporalOperand<M>>(start: A, end: B): Expr<M, ElapsedType<OperandType<M, A>>, Or<OperandNullable<M, A>, OperandNullable<M, B>>> {
      const from = operand(start, 'e.elapsed');
      const to = operand(end, 'e.elapsed');
      requireType(from, ['timestamptz', 'timestamp', 'date', 'time'] as SqlType[], 'e.elapsed');
      if (to.sqlType !== from.sqlType) throw new WindowSpecError(`e.elapsed(${from.label}, ${to.label}): both must be of one type (got ${from.sqlType} and ${to.sqlType}).`);
      const type: SqlType = from.sqlType === 'date' ? 'int4' : 'interval';
      return makeExpr({
        model,
        sqlType: type as ElapsedType<OperandType<M, A>>,
        nullable: (from.nullable || to.nullable) as Or<OperandNullable<M, A>, OperandNullable<M, B>>,
        label: `${to.label} - ${from.label}`,
        windowed: from.windowed || to.windowed,
        windowNames: windowNames(from, to),
        scope: scopeOf([from, to]),
        render: (w) => Prisma.sql`(${to.render(w)} - ${from.render(w)})`,
      });
    },
    /**
     * `x + by` (or `x - by` with `back`): an instant, wall-clock timestamp, time of day or interval moved by an
     * interval, keeping its type. An instant moves along the calendar of `timeZone` (an IANA name, default `UTC`):
     * a day is 23 or 25 hours across a DST change there, never the session's idea of it. (A date moved by an
     * interval would become a timestamp: bucket or cast it first.)
     * ```ts
     * e.shift('createdAt', e.interval('1 day')) // ((("createdAt" AT TIME ZONE CAST($1 AS text)) + CAST($2 AS interval)) AT TIME ZONE CAST($3 AS text))
     * ```
     */
    shift<X extends ShiftableOperand<M>, Y extends Operand<M>>(
      x: X,
      by: Y,
      options: { readonly back?: boolean | undefined; readonly timeZone?: string | undefined } = {},
    ): Expr<M, OperandType<M, X>, Or<OperandNullable<M, X>, OperandNullable<M, Y>>> {
      const source = operand(x, 'e.shift');
      const distance = operand(by, 'e.shift');
      requireType(source, ['timestamptz', 'timestamp', 'time', 'timetz', 'interval'] as SqlType[], 'e.shift');
      requireType(distance, ['interval'] as SqlType[], 'e.shift');
      const { back, timeZone } = requireOptions('e.shift options', options, ['back', 'timeZone']);
      if (back !== undefined && typeof back !== 'boolean') throw new WindowSpecError(`e.shift options.back must be a boolean, got ${describe(back)}.`);
      if (timeZone !== undefined && source.sqlType !== 'timestamptz') throw new WindowSpecError(`e.shift(${source.label}): a ${source.sqlType} has no time zone; drop timeZone.`);
      const zone = textValue(timeZone === undefined ? UTC_ZONE : requireTimeZone('e.shift options.timeZone', timeZone));
      const sign = Prisma.raw(back ? '-' : '+');
      // An instant plus an interval counts days and months in the session's zone: moved in `zone`'s calendar instead.
      const moved = (w?: NamedWindows) =>
        source.sqlType === 'timestamptz'
          ? Prisma.sql`(((${source.render(w)} AT TIME ZONE ${zone}) ${sign} ${distance.render(w)}) AT TIME ZONE ${zone})`
          : Prisma.sql`(${source.render(w)} ${sign} ${distance.render(w)})`;
      return makeExpr({
        model,
        sqlType: source.sqlType as OperandType<M, X>,
        nullable: (source.nullable || distance.nullable) as Or<OperandNullable<M, X>, OperandNullable<M, Y>>,
        label: `${source.label} ${back ? '-' : '+'} ${distance.label}`,
        windowed: source.windowed || distance.windowed,
        windowNames: windowNames(source, distance),
        scope: scopeOf([source, distance]),
        render: moved,
      });
    },
    /**
     * `CASE WHEN c1 THEN v1 ... ELSE otherwise END`. Conditions come from `conditions(model)`; the values must be
     * of one kind. Without `otherwise` the ELSE is NULL.
     * ```ts
     * e.caseWhen([[c.compare('amount', '<', new Prisma.Decimal(0)), e.value(new Prisma.Decimal(0))]], 'amount')
     * // CASE WHEN "amount" < $1 THEN CAST($2 AS numeric) ELSE "amount" END
     * ```
     */
    caseWhen<X extends Operand<M>, Y extends Operand<M> | undefined = undefined>(
      branches: readonly (readonly [Condition<M>, X])[],
      otherwise?: Y,
    ): Expr<M, Y extends Operand<M> ? CommonType<OperandType<M, X>, OperandType<M, Y>> : CommonType<OperandType<M, X>, OperandType<M, X>>, Y extends Operand<M> ? Or<OperandNullable<M, X>, OperandNullable<M, Y>> : true> {
      if (!Array.isArray(branches) || branches.length === 0) throw new WindowSpecError('e.caseWhen needs at least one [condition, value] branch.');
      const whens = branches.map((branch, i) => {
        if (!Array.isArray(branch) || branch.length !== 2) throw new WindowSpecError(`e.caseWhen branch ${i + 1}: expected [condition, value].`);
        return { when: requireCondition(model, branch[0], `e.caseWhen branch ${i + 1}`), then: operand(branch[1], `e.caseWhen branch ${i + 1}`) };
      });
      const fallback = otherwise === undefined ? undefined : operand(otherwise, 'e.caseWhen otherwise');
      const values = [...whens.map((b) => b.then), ...(fallback ? [fallback] : [])];
      const type = commonType(values, 'e.caseWhen');
      const elseSql = (w?: NamedWindows) => (fallback ? Prisma.sql` ELSE ${castTo(fallback, type, w)}` : Prisma.empty);
      return makeExpr({
        model,
        sqlType: type as never,
        nullable: (!fallback || values.some((v) => v.nullable)) as Y extends Operand<M> ? Or<OperandNullable<M, X>, OperandNullable<M, Y>> : true,
        label: `case(${values.map((v) => v.label).join(', ')})`,
        windowed: values.some((v) => v.windowed),
        windowNames: windowNames(...values),
        scope: scopeOf(values),
        render: (w) => Prisma.sql`CASE ${Prisma.join(whens.map((b) => Prisma.sql`WHEN ${b.when.sql} THEN ${castTo(b.then, type, w)}`), ' ')}${elseSql(w)} END`,
      });
    },
    /**
     * The start of the calendar bucket (`hour`, `day`, `week` (ISO, Monday), `month`, `quarter`, `year`) holding a
     * date/time value — the expression `bucketTotals` groups by, for your own bucketed windows. An instant
     * (`timestamptz`) is bucketed in `timeZone` (an IANA name, default `UTC`; DST days have 23 or 25 hours) and stays
     * an instant, the first instant of its bucket (a midnight that happened twice starts the day at the first; an
     * hour whose offset changed within it starts at the change); a `timestamp` is bucketed as the wall-clock time it is, a `date` as the calendar day it is (both
     * refuse a `timeZone`, which could not apply to them; a date has no hours).
     * ```ts
     * e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' })
     * // (CASE WHEN date_trunc('day', date_trunc('day', "createdAt", CAST($1 AS text)) - interval '1 microsecond', CAST($2 AS text))
     * //   < date_trunc('day', "createdAt", CAST($3 AS text)) THEN date_trunc('day', "createdAt", CAST($4 AS text))
     * //   ELSE LEAST(..., (SELECT min(q) FROM generate_series(...) AS q WHERE ...)) END)
     * e.bucket('saleDate', 'week') // CAST(date_trunc('week', CAST("saleDate" AS timestamp)) AS date)
     * ```
     */
    bucket<X extends CalendarOperand<M>>(x: X, unit: Bucket, options: { readonly timeZone?: string | undefined } = {}): Expr<M, BucketType<OperandType<M, X>>, OperandNullable<M, X>> {
      return bucketExpr(model, operand(x, 'e.bucket', false), unit, options) as Expr<M, BucketType<OperandType<M, X>>, OperandNullable<M, X>>;
    },
    /** `date_trunc` by another name: the same as `bucket`. */
    dateTrunc<X extends CalendarOperand<M>>(unit: Bucket, x: X, options: { readonly timeZone?: string | undefined } = {}): Expr<M, BucketType<OperandType<M, X>>, OperandNullable<M, X>> {
      return bucketExpr(model, operand(x, 'e.dateTrunc', false), unit, options) as Expr<M, BucketType<OperandType<M, X>>, OperandNullable<M, X>>;
    },
    /**
     * A window function's result as a value inside an expression, over an inline spec or a named window (declared
     * on the query with `.window(name, spec)`): `amount - lag(amount)`, `100 * amount / sum(amount) OVER w`. Such an
     * expression goes into the select list (`selectExpr`); PostgreSQL allows window functions nowhere else. The
     * same determinism rules as `add` apply (row-picking functions get the id tiebreaker).
     * ```ts
     * e.sub('amount', e.over(f.lag('amount'), 'w')) // ("amount" - lag("amount", 1) OVER "w")
     * ```
     */
    over<K extends SqlType, T>(fn: WindowFunction<M, T, K>, over: WindowSpec<M, true> | string): Expr<M, K, true> {
      if (fn?.model !== model) throw new WindowSpecError(`e.over: the window function was built for ${String(fn?.model)}, not ${model}.`);
      if (typeof over === 'string') aliasRef(over);
      else {
        if (over?.model !== model) throw new WindowSpecError(`e.over: the window was built for ${String(over?.model)}, not ${model}.`);
        renderOver(fn as WindowFunction<M, unknown>, over, undefined); // validate now
      }
      return makeExpr({
        model,
        sqlType: fn.resultType as K,
        nullable: true,
        label: `${fn.name}() over ${typeof over === 'string' ? over : '(...)'}`,
        windowed: true,
        ...(fn.uuid === true && { uuid: true }),
        enum: fn.enum,
        enumList: fn.enumList,
        windowNames: typeof over === 'string' ? [over] : [],
        scope: typeof over === 'string' ? undefined : (over.groupScope ?? over.keyScopes[0]),
        render: (w) => fn.render(renderOver(fn as WindowFunction<M, unknown>, over, w as ReadonlyMap<string, WindowSpec<M, true>> | undefined)),
      });
    },
  };
}

// The one type a list of operands is rendered in: all of one kind; numbers widened like arithmetic does.
function commonType(parts: readonly AnyExpr[], what: string): SqlType {
  const first = parts[0]!;
  for (const part of parts) {
    if (kindOf(part.sqlType) !== kindOf(first.sqlType) || part.sqlType === 'other') {
      throw new WindowSpecError(`${what}: ${parts.map((p) => `${p.label} (${p.sqlType})`).join(', ')} are not of one kind.`);
    }
  }
  return isNumericType(first.sqlType) ? widenedType(parts.map((p) => p.sqlType as NumericSqlType), parts.map((p) => p.label).join(', ')) : first.sqlType;
}

function bucketExpr<M extends ModelName>(model: M, source: AnyExpr<M>, unit: unknown, options: unknown): AnyExpr<M> {
  requireType(source, CALENDAR_TYPES as readonly SqlType[], 'e.bucket');
  if (typeof unit !== 'string' || !(BUCKETS as readonly string[]).includes(unit)) {
    throw new WindowSpecError(`e.bucket: unknown bucket ${describe(unit)}; use one of ${BUCKETS.join(', ')}.`);
  }
  const bucket = unit as Bucket;
  const { timeZone } = requireOptions('e.bucket options', options, ['timeZone']);
  const label = `bucket(${bucket}, ${source.label})`;
  const common = { model, nullable: source.nullable, label, windowNames: [], scope: source.scope };
  if (source.sqlType === 'timestamptz') {
    const zone = textValue(timeZone === undefined ? UTC_ZONE : requireTimeZone('e.bucket options.timeZone', timeZone));
    const of = (value: Prisma.Sql) => instantBucketSql(bucket, value, zone);
    const labelled =
      bucket === 'hour'
        ? { label: () => hourKeySql(source.render(), zone), first: (key: Prisma.Sql) => firstInstantOfHourKeySql(key, zone) }
        : { label: () => localLabelSql(bucket, source.render(), zone), first: (label: Prisma.Sql) => firstInstantOfLabelSql(bucket, label, zone) };
    return makeExpr({ ...common, sqlType: 'timestamptz', calendar: { unit: bucket, source: 'timestamptz', of, zone, labelled }, render: () => of(source.render()) });
  }
  if (timeZone !== undefined) {
    throw new WindowSpecError(`e.bucket(${source.label}): a ${source.sqlType} is already local time, so a timeZone cannot apply; drop it.`);
  }
  if (source.sqlType === 'date') {
    if (bucket === 'hour') throw new WindowSpecError(`e.bucket(${source.label}, 'hour'): a date has no hours.`);
    const of = (value: Prisma.Sql) => dateBucketSql(bucket, value);
    return makeExpr({ ...common, sqlType: 'date', calendar: { unit: bucket, source: 'date', of }, render: () => of(source.render()) });
  }
  const of = (value: Prisma.Sql) => localBucketSql(bucket, value);
  return makeExpr({ ...common, sqlType: 'timestamp', calendar: { unit: bucket, source: 'timestamp', of }, render: () => of(source.render()) });
}
