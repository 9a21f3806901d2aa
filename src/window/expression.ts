import * as Prisma from '../prisma-runtime.ts';
import { ValidationError, WindowSpecError } from '../errors.ts';
import type { Bucket } from '../validation/bucket-options.ts';
import { describe, timeOf } from '../validation/dates.ts';
import { columnInfo, columnRef, enumOf, isUuidField, scalarTypeOf, storedEnumListOf, storedEnumOf, type CatalogEnum, type FieldOf, type ModelName } from './catalog.ts';
import { enumListNamesSql, enumNamesSql, isEnumListField } from './enum-output.ts';
import { requireInterval } from './frame.ts';
import { formatUtcDate, formatUtcTimestamp } from './parameters.ts';
import type { ColumnOf, FieldValue } from './types.ts';
import { atUtc } from './utc-sql.ts';

/**
 * The PostgreSQL type of an expression, as the builder tracks it (both at run time and in the types): what a value
 * is bound as, how two values combine, and what a row holds for it. `other` is any type the builder does not
 * compute with (enums, Json, Bytes, lists): such a field can be selected, partitioned and ordered by, nothing more;
 * an enum also groups, is passed through by window functions and is compared in conditions (`conditions(model)`).
 */
export type SqlType =
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'float4'
  | 'float8'
  | 'text'
  | 'bool'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'timetz'
  | 'interval'
  | 'other';

/** Types arithmetic works on. */
export type NumericSqlType = 'int4' | 'int8' | 'numeric' | 'float4' | 'float8';
/** Types with a calendar: what `bucket` and `dateTrunc` work on. */
export type CalendarSqlType = 'timestamptz' | 'timestamp' | 'date';

/** What a row holds for a value of SQL type `K`, as @prisma/adapter-pg reads it. */
export type SqlValue<K> = K extends 'int4' | 'float4' | 'float8'
  ? number
  : K extends 'int8'
    ? bigint
    : K extends 'numeric'
      ? Prisma.Decimal
      : K extends 'text'
        ? string
        : K extends 'bool'
          ? boolean
          : K extends 'timestamptz' | 'timestamp' | 'date' | 'time' | 'timetz'
            ? Date
            : K extends 'interval'
              ? string
              : unknown;

type NativeName<C> = C extends { readonly nativeType: readonly [infer N, ...unknown[]] } ? N : null;
type PrismaSqlType<T, N> = string extends T
  ? SqlType
  : T extends 'Int'
    ? 'int4'
    : T extends 'BigInt'
      ? 'int8'
      : T extends 'Decimal'
        ? 'numeric'
        : T extends 'Float'
          ? N extends 'Real'
            ? 'float4'
            : 'float8'
          : T extends 'String'
            ? N extends 'Uuid'
              ? 'other'
              : 'text'
            : T extends 'Boolean'
              ? 'bool'
              : T extends 'DateTime'
                ? N extends 'Timestamptz'
                  ? 'timestamptz'
                  : N extends 'Date'
                    ? 'date'
                    : N extends 'Time'
                      ? 'time'
                      : N extends 'Timetz'
                        ? 'timetz'
                        : 'timestamp'
                : 'other';

/** The SQL type of a field, read from the generated catalog (`'numeric'` for `Decimal @db.Decimal(14, 2)`). */
export type FieldSqlType<M extends ModelName, F extends FieldOf<M>> = ColumnOf<M, F> extends { readonly type: infer T }
  ? PrismaSqlType<T, NativeName<ColumnOf<M, F>>>
  : SqlType;

/** Whether a field may be NULL, from the catalog. */
export type FieldNullable<M extends ModelName, F extends FieldOf<M>> = ColumnOf<M, F> extends { readonly nullable: infer N extends boolean } ? N : boolean;

type FloatSqlType = 'float4' | 'float8';

/**
 * The type of `a + b` (and `-`, `*`, `/`): numeric with numeric or an integer; float8 with any float or integer
 * (float4 only with float4); int8 with integers; int4 otherwise. numeric with a float is refused (`never` here, a
 * `WindowSpecError` at run time): exact money must not pass through a float.
 */
export type ArithmeticType<A extends SqlType, B extends SqlType> = 'numeric' extends A | B
  ? [Extract<A | B, FloatSqlType>] extends [never]
    ? 'numeric'
    : never
  : 'float8' extends A | B
    ? 'float8'
    : 'float4' extends A | B
      ? [A, B] extends ['float4', 'float4']
        ? 'float4'
        : 'float8'
      : 'int8' extends A | B
        ? 'int8'
        : 'int4';

/** `SUM` of a value of type `K`: int4 sums to int8, int8 and numeric to numeric, floats to themselves. */
export type SumSqlType<K extends SqlType> = K extends 'int4' ? 'int8' : K extends 'int8' | 'numeric' ? 'numeric' : K extends FloatSqlType ? K : never;
/** `AVG`, `stddev`, `variance` of `K`: numeric for integers and numeric, float8 for floats. */
export type MeanSqlType<K extends SqlType> = K extends FloatSqlType ? 'float8' : K extends 'int4' | 'int8' | 'numeric' ? 'numeric' : never;

/** What a named window stands for when an expression holding a window function is rendered. */
export type NamedWindows = ReadonlyMap<string, object>;

/**
 * One typed SQL expression over a model's row: a field, a bound constant, arithmetic, a cast, `COALESCE`, `CASE`,
 * a calendar bucket, or a window function's result (`over`). Immutable; built with `expressions(model)`.
 * `K` is its PostgreSQL type, `N` whether it can be NULL; a row holds `SqlValue<K>` (`| null` when `N`).
 */
export interface Expr<M extends ModelName, K extends SqlType = SqlType, N extends boolean = boolean> {
  readonly model: M;
  readonly sqlType: K;
  readonly nullable: N;
  /** The field, when the expression is one field as it is stored. */
  readonly field: string | undefined;
  /** Holds a window function call: usable in the select list only, never inside another window function. */
  readonly windowed: boolean;
  /** Named windows (`WINDOW "w" AS ...`) it refers to. */
  readonly windowNames: readonly string[];
  /**
   * The query whose own columns it reads — a grouped query's group columns (`GroupedQuery.column`) or a window
   * query's joined fields (`joinedField`) — and in which alone it can be used; `undefined` over a model's rows.
   */
  readonly scope: symbol | undefined;
  /** Set on a calendar bucket (`bucket` / `dateTrunc`): how to bucket another value the same way (gap fill). */
  readonly calendar?: CalendarBucket | undefined;
  /** A uuid (of type `other`): a uuid field, or a grouped query's column of one; it compares with another uuid. */
  readonly uuid?: boolean | undefined;
  /**
   * An enum's values (of type `other`), for a column of them that is not the model's own field (a group column, a
   * joined field, another query's output): they order in the enum's declared order and are read as its names.
   */
  readonly enum?: CatalogEnum | undefined;
  /** A list of an enum's values (an enum list field, passed on by `lag`, a join, another query): read as names. */
  readonly enumList?: CatalogEnum | undefined;
  /** How messages name it: `amount * 2`, `bucket(week, saleDate)`. */
  readonly label: string;
  /** Its SQL; `windows` resolves the named windows a window function in it refers to. */
  render(windows?: NamedWindows): Prisma.Sql;
  /** Phantom: what a row holds for it. */
  readonly __value?: SqlValue<K> | (N extends false ? never : null);
}

/** Any expression over model `M`. */
export type AnyExpr<M extends ModelName = ModelName> = Expr<M, SqlType, boolean>;

/** What a row holds for an expression. */
export type ExprValue<X> = X extends Expr<ModelName, infer K, infer N> ? SqlValue<K> | (N extends false ? never : null) : never;

/** A field name or an expression: what window functions, partitions and orders take. */
export type Operand<M extends ModelName> = FieldOf<M> | AnyExpr<M>;

/** The SQL type of an operand. */
export type OperandType<M extends ModelName, X> = X extends FieldOf<M> ? FieldSqlType<M, X> : X extends Expr<M, infer K, boolean> ? K : never;
/** Whether an operand may be NULL. */
export type OperandNullable<M extends ModelName, X> = X extends FieldOf<M> ? FieldNullable<M, X> : X extends Expr<M, SqlType, infer N> ? N : never;
/**
 * What a row holds for an operand's value. A field of a type expressions do not compute with (`other`: an enum, a
 * uuid, Json, a list) holds what the field holds (`'CREDIT' | 'DEBIT'`, `string`, ...), as when it is selected.
 */
export type OperandValue<M extends ModelName, X> = X extends FieldOf<M>
  ? FieldSqlType<M, X> extends 'other'
    ? FieldValue<M, X>
    : SqlValue<OperandType<M, X>> | (OperandNullable<M, X> extends false ? never : null)
  : SqlValue<OperandType<M, X>> | (OperandNullable<M, X> extends false ? never : null);

/** Operands of a numeric type. */
export type NumericOperand<M extends ModelName> =
  | { [F in FieldOf<M>]: FieldSqlType<M, F> extends NumericSqlType ? F : never }[FieldOf<M>]
  | Expr<M, NumericSqlType, boolean>;

const NUMERIC: readonly SqlType[] = ['int4', 'int8', 'numeric', 'float4', 'float8'];
const CALENDAR: readonly SqlType[] = ['timestamptz', 'timestamp', 'date'];
const TEMPORAL: readonly SqlType[] = ['timestamptz', 'timestamp', 'date', 'time', 'timetz', 'interval'];

export const isNumericType = (type: SqlType): type is NumericSqlType => NUMERIC.includes(type);
export const isCalendarType = (type: SqlType): type is CalendarSqlType => CALENDAR.includes(type);

/** The kind two values must share to be compared or coalesced: numbers, text, booleans, or one temporal type. */
export function kindOf(type: SqlType): string {
  if (isNumericType(type)) return 'number';
  if (TEMPORAL.includes(type)) return type;
  return type;
}

export interface ExprParts<M extends ModelName, K extends SqlType, N extends boolean> {
  readonly model: M;
  readonly sqlType: K;
  readonly nullable: N;
  readonly label: string;
  readonly field?: string | undefined;
  readonly windowed?: boolean | undefined;
  readonly windowNames?: readonly string[] | undefined;
  readonly scope?: symbol | undefined;
  readonly calendar?: CalendarBucket | undefined;
  readonly uuid?: boolean | undefined;
  readonly enum?: CatalogEnum | undefined;
  readonly enumList?: CatalogEnum | undefined;
  readonly render: (windows?: NamedWindows) => Prisma.Sql;
}

/** A bucket expression's recipe: the unit, the type it buckets, and the bucket of any value of that type. */
export interface CalendarBucket {
  readonly unit: Bucket;
  readonly source: CalendarSqlType;
  readonly of: (value: Prisma.Sql) => Prisma.Sql;
  /** The IANA zone (bound) an instant is bucketed in: RANGE frames along the bucket count that zone's calendar. */
  readonly zone?: Prisma.Sql | undefined;
  /**
   * Of an instant: the label of the expression's own value (days and longer: its local start; hours: the local hour
   * with its offset), cheap per row, and the first instant of a label. A grouped query groups rows by the label and
   * computes the first instant once per group, instead of once per row.
   */
  readonly labelled?: { readonly label: () => Prisma.Sql; readonly first: (label: Prisma.Sql) => Prisma.Sql } | undefined;
}

/** Freezes an expression node; the one constructor every expression goes through. */
export function makeExpr<M extends ModelName, K extends SqlType, N extends boolean>(parts: ExprParts<M, K, N>): Expr<M, K, N> {
  return Object.freeze({
    model: parts.model,
    sqlType: parts.sqlType,
    nullable: parts.nullable,
    field: parts.field,
    windowed: parts.windowed ?? false,
    windowNames: Object.freeze([...(parts.windowNames ?? [])]),
    scope: parts.scope,
    ...(parts.calendar && { calendar: parts.calendar }),
    ...(parts.uuid === true && { uuid: true }),
    ...(parts.enum !== undefined && { enum: parts.enum }),
    ...(parts.enumList !== undefined && { enumList: parts.enumList }),
    label: parts.label,
    render: parts.render,
  });
}

/**
 * The scope of an expression made of `parts`: the grouped query their group columns belong to, if any. Columns of
 * two grouped queries cannot meet in one expression.
 */
export function scopeOf(parts: readonly AnyExpr[]): symbol | undefined {
  const scopes = [...new Set(parts.map((p) => p.scope).filter((s): s is symbol => s !== undefined))];
  if (scopes.length > 1) throw new WindowSpecError(`${parts.map((p) => p.label).join(', ')}: columns of two different grouped queries cannot be combined.`);
  return scopes[0];
}

/** True for a value built by `makeExpr` (any model). */
export function isExpr(value: unknown): value is AnyExpr {
  const candidate = value as Partial<AnyExpr> | null;
  return typeof value === 'object' && value !== null && typeof candidate?.render === 'function' && typeof candidate.sqlType === 'string' && typeof candidate.label === 'string';
}

/** The SQL type of a stored field, at run time (`other` for enums, Json, Bytes, lists and uuids). */
export function fieldSqlType(model: string, field: string): SqlType {
  const info = columnInfo(model, field);
  if (info.isList || info.kind !== 'scalar') return 'other';
  try {
    const type = scalarTypeOf(model, field);
    // A uuid compares only with a uuid: no expression of this module makes one, so it is `other`.
    return type === 'uuid' ? 'other' : (type as SqlType);
  } catch {
    return 'other';
  }
}

/** A field as an expression: `"amount"`, typed and nullable as the catalog says. */
export function fieldExpr<M extends ModelName, F extends FieldOf<M>>(model: M, field: F): Expr<M, FieldSqlType<M, F>, FieldNullable<M, F>> {
  const ref = columnRef(model, field);
  return makeExpr({
    model,
    sqlType: fieldSqlType(model, field) as FieldSqlType<M, F>,
    nullable: columnInfo(model, field).nullable as FieldNullable<M, F>,
    label: field,
    field,
    render: () => ref,
  });
}

/**
 * A field name or an expression of `model`, as an expression; `what` names the argument in messages. A windowed
 * expression is refused unless `allowWindowed` (window functions cannot nest, and partitions and orders cannot
 * hold them).
 */
export function requireOperand<M extends ModelName>(model: M, value: unknown, what: string, allowWindowed = false): AnyExpr<M> {
  if (typeof value === 'string') return fieldExpr(model, value as FieldOf<M>);
  if (!isExpr(value)) throw new WindowSpecError(`${what}: expected a field name or an expression built with expressions('${model}'), got ${describe(value)}.`);
  if (value.model !== model) throw new WindowSpecError(`${what}: the expression ${value.label} was built for ${value.model}, not ${model}.`);
  if (value.windowed && !allowWindowed) {
    throw new WindowSpecError(`${what}: ${value.label} holds a window function, which PostgreSQL allows only in the select list (.selectExpr).`);
  }
  return value as AnyExpr<M>;
}

/** Like `requireOperand`, and of a numeric type. */
export function requireNumericOperand<M extends ModelName>(model: M, value: unknown, what: string, allowWindowed = false): AnyExpr<M> {
  const operand = requireOperand(model, value, what, allowWindowed);
  if (!isNumericType(operand.sqlType)) {
    throw new WindowSpecError(`${what}(${model}.${operand.label}): ${operand.sqlType} is not numeric; use a Decimal, Int, BigInt or Float field or expression.`);
  }
  return operand;
}

/** The runtime counterpart of `ArithmeticType`; throws for numeric with a float. */
export function arithmeticType(a: AnyExpr, b: AnyExpr, operator: string): NumericSqlType {
  if (!isNumericType(a.sqlType) || !isNumericType(b.sqlType)) {
    throw new WindowSpecError(`${a.label} ${operator} ${b.label}: both sides must be numeric (got ${a.sqlType} and ${b.sqlType}).`);
  }
  return widenedType([a.sqlType, b.sqlType], `${a.label} ${operator} ${b.label}`);
}

/**
 * The one numeric type values of `types` combine in (see `ArithmeticType`); `what` names them in the error for
 * numeric with a float.
 */
export function widenedType(types: readonly NumericSqlType[], what: string): NumericSqlType {
  const has = (t: SqlType) => (types as readonly SqlType[]).includes(t);
  if (has('numeric')) {
    if (has('float4') || has('float8')) {
      throw new WindowSpecError(
        `${what}: numeric with a float would round exact values through binary floating point; ` +
          "cast one side explicitly (e.cast(x, 'numeric') or e.cast(x, 'float8')), or use a Prisma.Decimal constant.",
      );
    }
    return 'numeric';
  }
  if (has('float8')) return 'float8';
  if (has('float4')) return types.every((t) => t === 'float4') ? 'float4' : 'float8';
  return has('int8') ? 'int8' : 'int4';
}

/** `SUM`'s result type at run time (see `SumSqlType`). */
export function sumType(type: SqlType): SqlType {
  return type === 'int4' ? 'int8' : type === 'int8' ? 'numeric' : type;
}

/** `AVG`'s result type at run time (see `MeanSqlType`). */
export function meanType(type: SqlType): SqlType {
  return type === 'float4' || type === 'float8' ? 'float8' : 'numeric';
}

/** An operand converted to `type`, explicitly, when it is not of it already. */
export function castTo(expr: AnyExpr, type: SqlType, windows?: NamedWindows): Prisma.Sql {
  return expr.sqlType === type ? expr.render(windows) : Prisma.sql`CAST(${expr.render(windows)} AS ${Prisma.raw(type)})`;
}

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/**
 * A JavaScript value bound as a constant of SQL type `type`, checked first: a `ValidationError` before any SQL.
 * Decimals as exact text, bigints and integers as they are, dates as UTC text (an instant with its `+00` offset; a
 * wall-clock `timestamp`, `date` or `time` as the UTC reading of the `Date`, which is how Prisma writes them).
 * ```ts
 * typedConstant('e.value', new Prisma.Decimal('0.10'), 'numeric') // CAST($1 AS numeric)
 * ```
 */
export function typedConstant(path: string, value: unknown, type: SqlType): Prisma.Sql {
  return Prisma.sql`CAST(${constantParam(path, value, type)} AS ${Prisma.raw(type)})`;
}

/**
 * A column of JavaScript values bound as one array of SQL type `type`, each checked like `typedConstant` (NULL
 * refused): `CAST($1 AS numeric[])`, whatever the number of values.
 */
export function typedArray(path: string, values: readonly unknown[], type: SqlType): Prisma.Sql {
  const params = values.map((value, i) => constantParam(`${path}[${i}]`, value, type));
  return Prisma.sql`CAST(${params} AS ${Prisma.raw(`${type}[]`)})`;
}

/** The parameter a checked constant of SQL type `type` is bound as (then cast to `type`). */
export function constantParam(path: string, value: unknown, type: SqlType): string | number | boolean {
  const fail = (expected: string): never => {
    throw new ValidationError(path, `expected ${expected} for a ${type} value, got ${describe(value)}.`);
  };
  switch (type) {
    case 'numeric':
      // PostgreSQL's numeric holds NaN and ±Infinity (14+): a Decimal of them binds as that text.
      if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).isFinite() ? (value as Prisma.Decimal).toFixed() : (value as Prisma.Decimal).toString();
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      return fail('a Prisma.Decimal, a bigint or a safe integer');
    case 'int4':
      if (typeof value === 'number' && Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX) return value;
      return fail('an integer within int4');
    case 'int8':
      if (typeof value === 'bigint' && value >= -(2n ** 63n) && value < 2n ** 63n) return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      return fail('a bigint or a safe integer');
    case 'float4':
    case 'float8':
      // Bound as text so that NaN and ±Infinity reach PostgreSQL as the float values they are.
      if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
      return fail('a number');
    case 'interval':
      try {
        return requireInterval(value);
      } catch (error) {
        throw new ValidationError(path, (error as Error).message);
      }
    case 'text':
      if (typeof value === 'string' && !value.includes('\0')) return value;
      return fail('a string without NUL');
    case 'bool':
      if (typeof value === 'boolean') return value;
      return fail('a boolean');
    case 'timestamptz':
    case 'timestamp':
    case 'date':
    case 'time':
    case 'timetz': {
      const time = timeOf(value);
      if (time === undefined || Number.isNaN(time)) return fail('a valid Date');
      const date = new Date(time!);
      if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return fail('a Date in years 1..9999');
      const stamp = formatUtcTimestamp(date);
      return type === 'timestamptz' ? stamp : type === 'timestamp' ? stamp.slice(0, -3) : type === 'date' ? formatUtcDate(date) : type === 'time' ? stamp.slice(11, -3) : stamp.slice(11);
    }
    default:
      throw new WindowSpecError(`${path}: constants of type ${type} cannot be bound; use a field of that type.`);
  }
}

/** The SQL type a JavaScript constant is bound as by `e.value(...)`. */
export function constantType(path: string, value: unknown): SqlType {
  if (Prisma.Decimal.isDecimal(value)) return 'numeric';
  if (typeof value === 'bigint') return 'int8';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'float8'; // NaN and ±Infinity too
    if (value >= INT4_MIN && value <= INT4_MAX) return 'int4';
    throw new ValidationError(path, `${value} is an integer beyond int4: pass it as a bigint (${value}n is bound as int8).`);
  }
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'bool';
  if (timeOf(value) !== undefined) return 'timestamptz';
  throw new ValidationError(path, `cannot bind ${describe(value)}: use a Prisma.Decimal, bigint, number, string, boolean or Date.`);
}

/** SQL type names `cast` accepts, by the type they produce. */
export const CAST_TYPES = ['int4', 'int8', 'numeric', 'float4', 'float8', 'text', 'bool', 'timestamptz', 'timestamp', 'date'] as const;
export type CastType = (typeof CAST_TYPES)[number];

/**
 * How an expression is read into a row. An instant (`timestamptz`) is read as its UTC wall time (`x AT TIME ZONE
 * INTERVAL '+00:00'`): PostgreSQL prints a `timestamptz` in the session's zone and the driver would read those digits as UTC.
 * An enum's values are read as their names, a list of them as an array of names.
 */
export function outputExprSql(expr: AnyExpr, windows?: NamedWindows): Prisma.Sql {
  const sql = expr.render(windows);
  // An enum list field of a catalog without its enum's entry too: an array of the stored labels, not its text.
  const list = expr.sqlType === 'other' && (expr.enumList !== undefined || (expr.field !== undefined && isEnumListField(expr.model, expr.field)));
  if (list) return enumListNamesSql(enumListOfExpr(expr), sql);
  const stored = enumOfExpr(expr);
  return stored === undefined ? readAs(expr.sqlType, sql) : enumNamesSql(stored, sql);
}

/** The stored enum of a list of its values an expression holds (an enum list field, or a column of one), if any. */
export function enumListOfExpr(expr: AnyExpr): CatalogEnum | undefined {
  if (expr.sqlType !== 'other') return undefined;
  return expr.enumList ?? (expr.field === undefined ? undefined : storedEnumListOf(expr.model, expr.field));
}

/**
 * The stored enum whose values an expression holds (an enum field, or a column of one), if any: undefined for any
 * other value, and for an enum of a catalog written before enums were bound.
 */
export function enumOfExpr(expr: AnyExpr): CatalogEnum | undefined {
  if (expr.sqlType !== 'other') return undefined;
  return expr.enum ?? (expr.field === undefined ? undefined : storedEnumOf(expr.model, expr.field));
}

/**
 * A value of SQL type `type` as a row reads it, the same in every session:
 * - `timestamptz` as its UTC wall time, and `timetz` as its UTC clock (`x AT TIME ZONE INTERVAL '+00:00'`): the
 *   driver drops the offset PostgreSQL prints, which would shift the value by the session's (or the stored)
 *   offset;
 * - `interval` as an ISO 8601 duration, `P1Y2M3DT4H5M6.5S` (the driver cannot read intervals, and their text
 *   depends on the session's IntervalStyle);
 * - anything else as it is.
 */
export function readAs(type: SqlType, sql: Prisma.Sql): Prisma.Sql {
  if (type === 'timestamptz' || type === 'timetz') return atUtc(sql);
  // A date as the timestamp of its midnight, the same `Date`: Prisma reads a date's text as JavaScript does, so
  // under a DateStyle with the day first ('SQL, DMY', 'German') 02/01/2026 would come back as February 1st,
  // silently; a timestamp's text in any style but ISO reads as an Invalid Date, which every read refuses.
  if (type === 'date') return Prisma.sql`CAST(${sql} AS timestamp)`;
  if (type === 'interval') {
    // Each field read from the value itself (no subquery: the value may be a window function's result).
    const part = (field: string) => Prisma.sql`extract(${Prisma.raw(field)} FROM ${sql})::text`;
    return Prisma.sql`('P' || ${part('year')} || 'Y' || ${part('month')} || 'M' || ${part('day')} || 'DT' || ${part('hour')} || 'H' || ${part('minute')} || 'M' || trim_scale(extract(second FROM ${sql}))::text || 'S')`;
  }
  return sql;
}

/**
 * `readAs` for the values a row holds as a `Date` read from their text (`timestamptz`, `date`); any other value as
 * it is. For values kept in their own type elsewhere: partition keys bucket pages resume after (a `timetz` read at
 * +00 would merge keys that differ only in offset), and array elements (`arrayAgg`).
 */
export function readAsDate(type: SqlType, sql: Prisma.Sql): Prisma.Sql {
  return type === 'timestamptz' || type === 'date' ? readAs(type, sql) : sql;
}

/** Refuses a type that `kind` cannot be ordered or compared by (`other`, bar uuids and enums). */
export function requireComparableType(expr: AnyExpr, what: string): void {
  if (expr.sqlType === 'other' && !isUuidFieldExpr(expr) && enumOfExpr(expr) === undefined) {
    // An enum of a catalog written before enums were bound: the error asks for `prisma generate`.
    if (expr.field !== undefined) enumOf(expr.model, expr.field);
    throw new WindowSpecError(`${what}: ${expr.label} has a type the builder does not compare (Json, Bytes or list).`);
  }
}

/**
 * A `String @db.Uuid` field as it is, or a grouped query's column of one: no expression makes a uuid (so its type is
 * `other`), but such a value groups, orders and joins another uuid like any key.
 */
export function isUuidFieldExpr(expr: AnyExpr): boolean {
  return expr.uuid === true || (expr.field !== undefined && isUuidField(expr.model, expr.field));
}

/** Checks that an expression's type is one of `types`; `what` names the argument. */
export function requireType<T extends SqlType>(expr: AnyExpr, types: readonly T[], what: string): void {
  if (!types.includes(expr.sqlType as T)) {
    throw new WindowSpecError(`${what}: ${expr.label} is ${expr.sqlType}; expected ${types.join(' or ')}.`);
  }
}

export { CALENDAR as CALENDAR_TYPES, NUMERIC as NUMERIC_TYPES, TEMPORAL as TEMPORAL_TYPES };
