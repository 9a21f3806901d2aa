import * as Prisma from '../prisma-runtime.ts';
import { ValidationError, WindowSpecError } from '../errors.ts';
import { requireOptions } from '../validation/batch.ts';
import { aliasRef, columnInfo, columnRef, modelFields, tableNameOf, tableNameRef, tableRef, uniqueKeysOf, type FieldOf, type ModelName } from './catalog.ts';
import { constantParam, fieldExpr, isUuidFieldExpr, kindOf, typedArray, type SqlType } from './expression.ts';

/** The models a window query joins, each with its kind (`'inner'` or `'left'`): what typing its fields needs. */
export type JoinedModels = { readonly [name: string]: 'inner' | 'left' | JoinedValues };

/** A joined list of rows (`joinValues`): its kind and its columns' SQL types. */
export interface JoinedValues {
  readonly kind: 'inner' | 'left';
  readonly columns: { readonly [column: string]: ValueType };
}

/** The column types a `joinValues` list can have. */
export type ValueType = 'int4' | 'int8' | 'numeric' | 'float8' | 'text' | 'bool' | 'timestamptz' | 'date';
const VALUE_TYPES: readonly ValueType[] = ['int4', 'int8', 'numeric', 'float8', 'text', 'bool', 'timestamptz', 'date'];

/** One join of a window query, checked: a model (`join`) or a list of rows (`joinValues`). */
export interface JoinSpec {
  /** A joined model, or the name of a joined list of rows. */
  readonly model: string;
  /** For a list of rows: its columns and their bound arrays (`unnest`). */
  readonly values?: { readonly columns: readonly (readonly [string, ValueType])[]; readonly arrays: readonly Prisma.Sql[] } | undefined;
  readonly kind: 'inner' | 'left';
  /** Pairs of (field of the query's model, field of the joined model) that must be equal. */
  readonly on: readonly (readonly [string, string])[];
}

/** The columns of a joined list of rows, by name. */
export type JoinedColumns<V> = V extends JoinedValues ? V['columns'] : never;

/**
 * Checks a many-to-one join of `model` to the query's model `base` (see `WindowQuery.join`): `on` pairs fields of
 * one kind, and its targets are a unique key of `model` (its id, a `@unique` field or a `@@unique`), so no row can
 * meet two joined rows and be counted twice in a window.
 */
export function requireModelJoin(base: ModelName, existing: readonly JoinSpec[], model: ModelName, on: unknown, options: unknown): JoinSpec {
    if ((existing).some((j) => j.model === model)) throw new WindowSpecError(`join: ${model} is joined already.`);
  if ((model as string) === base) throw new WindowSpecError(`join: ${model} is the query's own model; a self-join is not supported.`);
  tableRef(model);
  const kind = (requireOptions('join options', options, ['kind']).kind ?? 'inner') as 'inner' | 'left';
  if (kind !== 'inner' && kind !== 'left') throw new WindowSpecError(`join kind must be 'inner' or 'left', got ${String(kind)}.`);
  if (typeof on !== 'object' || on === null || Array.isArray(on)) throw new WindowSpecError(`join(${model}): on must be { ${base}Field: '${model}Field' }.`);
  const pairs = Object.entries(on).filter(([, target]) => target !== undefined);
  if (pairs.length === 0) throw new WindowSpecError(`join(${model}): give at least one pair { ${base}Field: '${model}Field' }.`);
  for (const [from, to] of pairs) {
    if (typeof to !== 'string') throw new WindowSpecError(`join(${model}) on.${from}: expected a field of ${model}, got ${String(to)}.`);
    const a = fieldExpr(base, from as FieldOf<ModelName>);
    const b = fieldExpr(model, to as FieldOf<ModelName>);
    const uuids = isUuidFieldExpr(a) && isUuidFieldExpr(b);
    if (!uuids && (kindOf(a.sqlType) !== kindOf(b.sqlType) || a.sqlType === 'other')) {
      const typeOf = (e: typeof a) => (isUuidFieldExpr(e) ? 'uuid' : e.sqlType);
      throw new WindowSpecError(`join(${model}): ${base}.${from} (${typeOf(a)}) and ${model}.${to} (${typeOf(b)}) cannot be compared.`);
    }
  }
  const targets = pairs.map(([, to]) => to as string);
  const unique =
    (targets.length === 1 && (columnInfo(model, targets[0]!).unique || columnInfo(model, targets[0]!).isId)) ||
    uniqueKeysOf(model).some((key) => key.length === targets.length && key.every((field) => targets.includes(field)));
  if (!unique) {
    throw new WindowSpecError(
      `join(${model}) on ${targets.join(', ')}: not a unique key of ${model} (@id, @unique or @@unique), so a row could meet ` +
        'several rows and be counted twice in every window.',
    );
  }
  return { model, kind, on: pairs.map(([from, to]) => [from, to as string] as const) };
}

/**
 * Checks a joined list of rows (see `WindowQuery.joinValues`): typed columns, each value checked and bound as one
 * array per column, keys of one kind with the fields they meet (no float against an exact type), no key twice.
 */
export function requireValuesJoin(
  base: ModelName,
  existing: readonly JoinSpec[],
  name: string,
  columns: { readonly [column: string]: ValueType },
  rows: readonly object[],
  on: unknown,
  options: unknown,
): JoinSpec {
    aliasRef(name);
  if ((existing).some((j) => j.model === name)) throw new WindowSpecError(`joinValues: ${name} is joined already.`);
  if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0) throw new WindowSpecError(`joinValues(${name}): give its columns and their types.`);
  const typed = Object.entries(columns).map(([column, type]) => {
    aliasRef(column);
    if (!VALUE_TYPES.includes(type)) throw new WindowSpecError(`joinValues(${name}).${column}: type ${String(type)}; use one of ${VALUE_TYPES.join(', ')}.`);
    return [column, type] as const;
  });
  const kind = (requireOptions('joinValues options', options, ['kind']).kind ?? 'inner') as 'inner' | 'left';
  if (kind !== 'inner' && kind !== 'left') throw new WindowSpecError(`join kind must be 'inner' or 'left', got ${String(kind)}.`);
  if (typeof on !== 'object' || on === null) throw new WindowSpecError(`joinValues(${name}): on must be { ${base}Field: 'column' }.`);
  const pairs = Object.entries(on).filter(([, target]) => target !== undefined) as [string, string][];
  if (pairs.length === 0) throw new WindowSpecError(`joinValues(${name}): give at least one pair { ${base}Field: 'column' }.`);
  for (const [from, to] of pairs) {
    const type = columns[to];
    if (type === undefined) throw new WindowSpecError(`joinValues(${name}) on.${from}: "${String(to)}" is not one of its columns.`);
    const field = fieldExpr(base, from as FieldOf<ModelName>);
    // A float compared with a numeric is compared as a float: two distinct decimals of the list could both match.
    const floatWithExact = (a: SqlType, b: SqlType) => (a === 'float4' || a === 'float8') && b !== 'float4' && b !== 'float8';
    if (kindOf(field.sqlType) !== kindOf(type) || floatWithExact(field.sqlType, type) || floatWithExact(type, field.sqlType)) {
      throw new WindowSpecError(`joinValues(${name}): ${base}.${from} (${field.sqlType}) and ${to} (${type}) cannot be compared exactly; give the column the field's type.`);
    }
  }
  if (!Array.isArray(rows)) throw new ValidationError(`joinValues(${name}) rows`, 'expected an array of rows.');
  const arrays = typed.map(([column, type]) => typedArray(`joinValues(${name}) rows.${column}`, rows.map((row) => (row as Record<string, unknown>)?.[column]), type));
  // Many-to-one: a key of the list that repeats would count a row of the model once per repeat.
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const key = JSON.stringify(pairs.map(([, to]) => constantParam(`joinValues(${name}) rows[${i}].${to}`, (row as Record<string, unknown>)[to], columns[to]!)));
    if (seen.has(key)) throw new ValidationError(`joinValues(${name}) rows[${i}]`, `repeats the key (${pairs.map(([, to]) => to).join(', ')}) of an earlier row.`);
    seen.add(key);
  });
  return { model: name, values: { columns: typed, arrays }, kind, on: pairs.map(([from, to]) => [from, to] as const) };
}

// A joined field or list column in the joined subquery: "Model.field", a name no table column has (a dot).
const joinedColumnName = (source: string, column: string): string => `${source}.${column}`;

/** A joined field or list column as the query reads it: `"Account.segment"`. */
export function joinedColumnRef(source: string, column: string): Prisma.Sql {
  return Prisma.raw(`"${joinedColumnName(source, column).replaceAll('"', '""')}"`);
}

/** The joined subquery's name: the table's own name, so the model's columns keep their qualified names. */
export function joinedSourceName(model: ModelName): Prisma.Sql {
  return Prisma.raw(`"${tableNameOf(model).replaceAll('"', '""')}"`);
}

/**
 * The rows of a query with joins: the model's table and the joined models' or lists' columns (as "Model.field") in a
 * subquery named like the table, so that the model's own columns, conditions and indexes work unchanged.
 * ```sql
 * (SELECT "Transaction".*, "__join_1"."segment" AS "Account.segment", ... FROM "public"."Transaction"
 *   JOIN "public"."accounts" AS "__join_1" ON "Transaction"."accountId" = "__join_1"."id") AS "Transaction"
 * ```
 */
export function joinedSourceSql(model: ModelName, joins: readonly JoinSpec[]): Prisma.Sql {
  const table = tableNameRef(model);
  const exposed: Prisma.Sql[] = [Prisma.sql`${table}.*`];
  const clauses = joins.map((join, i) => {
    const alias = Prisma.raw(`"__join_${i + 1}"`);
    const values = join.values;
    const columns = values ? values.columns.map(([c]) => c) : modelFields(join.model);
    const columnOf = (column: string) => (values ? aliasRef(column) : columnRef(join.model, column));
    for (const column of columns) exposed.push(Prisma.sql`${alias}.${columnOf(column)} AS ${joinedColumnRef(join.model, column)}`);
    const match = Prisma.join(join.on.map(([from, to]) => Prisma.sql`${table}.${columnRef(model, from)} = ${alias}.${columnOf(to)}`), ' AND ');
    const source = values
      ? Prisma.sql`unnest(${Prisma.join(values.arrays, ', ')}) AS ${alias}(${Prisma.join(columns.map((c) => aliasRef(c)), ', ')})`
      : Prisma.sql`${tableRef(join.model)} AS ${alias}`;
    return Prisma.sql` ${Prisma.raw(join.kind === 'left' ? 'LEFT JOIN' : 'JOIN')} ${source} ON ${match}`;
  });
  return Prisma.sql`(SELECT ${Prisma.join(exposed, ', ')} FROM ${tableRef(model)}${Prisma.join(clauses, '')}) AS ${joinedSourceName(model)}`;
}
