import * as Prisma from '../prisma-runtime.ts';
import { columnInfo, columnRef, type FieldOf, type ModelName } from './catalog.ts';
import { fieldExpr, fieldSqlType, outputExprSql } from './expression.ts';

/**
 * True for a `timestamptz` column. Prisma's default `DateTime` (no `@db` attribute) is `timestamp(3)` without a
 * zone, which no session setting can shift.
 */
export function isInstantField(model: string, field: string): boolean {
  const info = columnInfo(model, field);
  return info.type === 'DateTime' && info.nativeType?.[0] === 'Timestamptz';
}

/**
 * How a column is read into a result row. A `timestamptz` is read as `("col" AT TIME ZONE INTERVAL '+00:00')`:
 * PostgreSQL prints a `timestamptz` in the session's zone, and @prisma/adapter-pg drops that offset and reads the digits as
 * UTC, so on a session not in UTC every instant would come back shifted by the offset. The UTC wall time it reads
 * instead is the same instant whatever the session's zone. An enum is read as its values' names (`enumNamesSql`).
 */
export function outputColumnSql(model: string, field: string): Prisma.Sql {
  // The same rule as every output: a `timetz` too is read at offset +00, as the driver drops its offset.
  return outputExprSql(fieldExpr(model as ModelName, field as FieldOf<ModelName>));
}

/**
 * The stored values of `fields` as one `text[]`, exactly as PostgreSQL holds them: `to_json` prints times in
 * ISO 8601 with every stored microsecond and an explicit offset (whatever `DateStyle` says), numerics with all
 * their digits, text unchanged, floats as `exactValueText` does. Cast back to the column's type, each element is
 * the stored value again — the round trip a keyset position needs, which a JavaScript `Date` (milliseconds)
 * cannot make.
 * ```sql
 * ARRAY[to_json("accountId") #>> '{}', to_json("createdAt") #>> '{}']
 * -- {"1","2026-01-01T00:00:00.000500+00:00"}
 * ```
 */
export function exactTextSql(model: string, fields: readonly string[]): Prisma.Sql {
  return exactTextArray(fields.map((field) => ({ sql: columnRef(model, field), type: fieldSqlType(model, field) })));
}

/** `exactTextSql` of any values (fields or expressions) of known SQL types: `ARRAY[to_json(v1) #>> '{}', ...]::text[]`. */
export function exactTextArray(values: readonly { readonly sql: Prisma.Sql; readonly type: string }[]): Prisma.Sql {
  return Prisma.sql`ARRAY[${Prisma.join(
    values.map((value) => exactValueText(value.sql, value.type)),
    ', ',
  )}]::text[]`;
}

/**
 * One value as text that casts back to the same value. A float is printed by `to_char` with 17 significant digits
 * (`3.3333333333333331e-01`), enough for every double: its own output prints 15 when `extra_float_digits` is 0 or
 * less (a session or database may set it), text that reads back as another float, and a keyset position would
 * then repeat or skip rows. A `real` widens to a double exactly; `+ 0` makes -0 the 0 it equals, so peers print
 * alike; NaN and ±Infinity print the same under every setting.
 * ```sql
 * to_json("createdAt") #>> '{}'
 * CAST("region" AS text)
 * CASE WHEN CAST("value" AS float8) - CAST("value" AS float8) = 0 THEN btrim(to_char(CAST("value" AS float8) + 0, '9.9999999999999999EEEE')) ELSE CAST(CAST("value" AS float8) AS text) END
 * ```
 */
export function exactValueText(value: Prisma.Sql, type: string): Prisma.Sql {
  // Text as text: a `char(n)` value's JSON keeps its padding, which bound back as text no longer equals the column
  // (PostgreSQL compares char(n) with text without it), and a keyset resumed past the whole partition.
  if (type === 'text') return Prisma.sql`CAST(${value} AS text)`;
  if (type !== 'float4' && type !== 'float8') return Prisma.sql`to_json(${value}) #>> '{}'`;
  const double = Prisma.sql`CAST(${value} AS float8)`;
  return Prisma.sql`CASE WHEN ${double} - ${double} = 0 THEN btrim(to_char(${double} + 0, '9.9999999999999999EEEE')) ELSE CAST(${double} AS text) END`;
}
