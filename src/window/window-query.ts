import * as Prisma from '../prisma-runtime.ts';
import { ValidationError, WindowSpecError } from '../errors.ts';
import { queryRows, type DbClient } from '../executor/db-client.ts';
import { CompiledQuery } from './compiled-query.ts';
import {
  joinedColumnRef,
  joinedSourceName,
  joinedSourceSql,
  requireModelJoin,
  requireValuesJoin,
  type JoinedColumns,
  type JoinedModels,
  type JoinedValues,
  type JoinSpec,
  type ValueType,
} from './joins.ts';
import { requireOptions, requirePositiveInt } from '../validation/batch.ts';
import { requireDbClient } from '../validation/db-client.ts';
import { describe, timeOf } from '../validation/dates.ts';
import { aliasRef, columnInfo, columnRef, idField, isUuidField, tableNameRef, tableRef, tiebreakerOf, storedEnumListOf, storedEnumOf, type CatalogEnum, type FieldOf, type ModelName } from './catalog.ts';
import { enumOrderSql } from './enum-output.ts';
import { requireUuid } from '../validation/keys.ts';
import { requireCondition, type ComparisonOperator, type Condition } from './conditions.ts';
import { whereAll, type PartitionKeyRelation } from './filters.ts';
import { numericValue, resultValue, uuidValue } from './parameters.ts';
import { rowNumberOf, type WindowFunction } from './functions.ts';
import {
  fieldExpr,
  fieldSqlType,
  isUuidFieldExpr,
  enumOfExpr,
  enumListOfExpr,
  typedConstant,
  type SqlType,
  makeExpr,
  outputExprSql,
  requireOperand,
  type AnyExpr,
  type Expr,
  type ExprValue,
  type FieldNullable,
  type FieldSqlType,
  type Operand,
  type SqlValue,
} from './expression.ts';
import { exactTextArray, exactTextSql, outputColumnSql } from './instant-output.ts';
import { orderKeyExpr, orderKeyField, orderKeySql, requireNullsOrder, requireOrderKey, requireSortDirection, type OrderKey } from './order-key.ts';
import { firstWindowOf, outputValueSql, renderOver } from './over-clause.ts';
import {
  afterPositionSql,
  orderKeyAlias,
  PAGE_POSITION,
  queryFingerprint,
  requirePageableOrder,
  splitPage,
  WindowPageCursor,
  type WindowQueryPage,
} from './query-page.ts';
import { orderItemSql, withTiebreakers, type OrderItem, type SortDirection, type NullsOrder, type WindowSpec } from './window-spec.ts';
import type { FieldValue } from './types.ts';

interface SelectedFunction<M extends ModelName> {
  readonly alias: string;
  readonly fn: WindowFunction<M, unknown>;
  readonly over: WindowSpec<M, true> | string;
}

interface WindowQueryProps<M extends ModelName> {
  readonly model: M;
  readonly columns: readonly string[];
  readonly windows: ReadonlyMap<string, WindowSpec<M, true>>;
  readonly functions: readonly SelectedFunction<M>[];
  /** Expressions in the select list (`selectExpr`), window functions inside them included. */
  readonly exprs?: readonly { readonly alias: string; readonly expr: AnyExpr<M> }[];
  /** `text[]` outputs holding stored values exactly (see `selectExactText`). */
  readonly exactTexts?: readonly { readonly alias: string; readonly fields: readonly string[]; readonly at?: ExactTextRow | undefined }[];
  readonly where: readonly Condition<M>[];
  readonly orderBy: readonly OrderItem<FieldOf<M>>[];
  readonly limit?: number | undefined;
  readonly top?: { readonly n: number; readonly window: WindowSpec<M, true> };
  /** Conditions on outputs (window results), applied around the query: PostgreSQL has no QUALIFY. */
  readonly resultFilters?: readonly { readonly alias: string; readonly operator: ComparisonOperator; readonly value: unknown }[];
  /** Models joined many-to-one (on a unique key of theirs), whose fields the query reads as `joinedField`s. */
  readonly joins?: readonly JoinSpec[];
  /** Outputs the result rows are ordered by first (then the order keys and the id). */
  readonly resultOrder?: readonly { readonly alias: string; readonly direction: SortDirection }[];
  /** Outputs as stored (no UTC reading of instants, no ISO text of intervals): the query is another one's source. */
  readonly raw?: boolean | undefined;
  /** The scope of this query's joined fields (`joinedField`, `joinedValue`): usable in this query only. */
  readonly joinScope: symbol;
  /** Read once per key of this list, each key through `CROSS JOIN LATERAL` (see `eachPartitionOf`). */
  readonly perKey?: PartitionKeyRelation<M> | undefined;
}

/** Which row `selectExactTextAt` prints: the `row`-th of the result, or of each partition of a named window. */
interface ExactTextRow {
  readonly row: number;
  readonly window?: string | undefined;
}

const ROW_NUMBER_ALIAS = '__top_rank';
const RESULT_OPERATORS: readonly ComparisonOperator[] = ['=', '<>', '<', '<=', '>', '>='];

/**
 * An immutable SELECT over one Prisma model with window functions. Building (`toSql`) is separate from
 * executing (`execute`); every method returns a new query, and the result row type grows with each
 * `select` / `add`.
 *
 * ```ts
 * const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
 * const f = windowFunctions('Transaction');
 * const rows = await windowQuery('Transaction')
 *   .select('id', 'accountId', 'amount')
 *   .window('w', w)
 *   .add('balance', f.runningTotal('amount'), 'w')
 *   .add('previous', f.lag('amount'), 'w')
 *   .execute(prisma);
 * // SELECT "id" AS "id", "accountId" AS "accountId", "amount" AS "amount",
 * //   SUM(COALESCE("amount", 0)) OVER "w" AS "balance", lag("amount", 1) OVER "w" AS "previous"
 * // FROM "public"."Transaction"
 * // WINDOW "w" AS (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
 * // ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * rows[0].balance; // Prisma.Decimal
 * ```
 */
export class WindowQuery<M extends ModelName, Row extends object = {}, W extends string = never, J extends JoinedModels = {}> extends CompiledQuery<Row> {
  readonly #props: WindowQueryProps<M>;

  constructor(props: WindowQueryProps<M>) {
    super();
    this.#props = Object.freeze(props);
  }

  get model(): M {
    return this.#props.model;
  }

  /** Adds model columns to the result, under their Prisma field names. */
  select<F extends FieldOf<M>>(...fields: F[]): WindowQuery<M, Row & { [K in F]: FieldValue<M, K> }, W, J> {
    for (const field of fields) {
      columnRef(this.#props.model, field);
      this.#assertFreeAlias(field);
    }
    return new WindowQuery({ ...this.#props, columns: [...this.#props.columns, ...fields] });
  }

  /**
   * Adds the stored values of `fields` as one `string[]` column: times in ISO 8601 with every stored microsecond
   * and an explicit offset, numerics with all their digits. A returned `Date` holds milliseconds; this is the value
   * to compare, store or pass back (cast to the column's type) when microseconds matter.
   * ```ts
   * windowQuery('Transaction').select('id').selectExactText('at', 'createdAt')
   * // SELECT "id" AS "id", ARRAY[to_json("createdAt") #>> '{}']::text[] AS "at" FROM "public"."Transaction"  ORDER BY "Transaction"."id" ASC
   * // → { id: 1n, at: ['2026-01-01T00:00:00.000500+00:00'] }
   * ```
   */
  selectExactText<A extends string>(alias: A, ...fields: FieldOf<M>[]): WindowQuery<M, Row & { [K in A]: string[] }, W, J> {
    return this.#withExactText(alias, fields, undefined);
  }

  /**
   * `selectExactText` on one row only; the others hold NULL. `at` is the row of the result in its order (from 1),
   * or `{ row, window }`: that row of each partition of the named window, in the window's order, counted by the
   * window itself, so PostgreSQL computes the count in the same pass as the functions over that window (over a
   * result of one partition, the same row). Printing the values costs the server more than the rest of a narrow
   * row: a keyset page that resumes after its last row needs that row's alone.
   * ```ts
   * windowQuery('Transaction').select('id').selectExactTextAt('at', 1000, 'createdAt').limit(1001)
   * // SELECT "id" AS "id", CASE WHEN row_number() OVER (ORDER BY "Transaction"."id" ASC) = 1000
   * //   THEN ARRAY[to_json("createdAt") #>> '{}']::text[] END AS "at" FROM "public"."Transaction" ORDER BY "Transaction"."id" ASC LIMIT 1001
   * const f = windowFunctions('Transaction');
   * windowQuery('Transaction').select('id').window('w', windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'))
   *   .add('balance', f.runningTotal('amount'), 'w').selectExactTextAt('at', { row: 1000, window: 'w' }, 'createdAt')
   * // SELECT "id" AS "id", SUM(COALESCE("amount", 0)) OVER "w" AS "balance",
   * //   CASE WHEN row_number() OVER "w" = 1000 THEN ARRAY[to_json("createdAt") #>> '{}']::text[] END AS "at"
   * // FROM "public"."Transaction"
   * // WINDOW "w" AS (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
   * // ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
   * ```
   */
  selectExactTextAt<A extends string>(
    alias: A,
    at: number | { readonly row: number; readonly window: W },
    ...fields: FieldOf<M>[]
  ): WindowQuery<M, Row & { [K in A]: string[] | null }, W, J> {
    const counted = typeof at === 'object' && at !== null;
    const row = counted ? at.row : at;
    if (!Number.isSafeInteger(row) || row < 1) throw new WindowSpecError(`selectExactTextAt("${alias}"): the row is counted from 1; got ${String(row)}.`);
    const window = counted ? at.window : undefined;
    if (counted && typeof window !== 'string') {
      throw new WindowSpecError(`selectExactTextAt("${alias}"): { row, window } needs a window's name; pass the row alone to count in the result's order.`);
    }
    if (window !== undefined && !this.#props.windows.has(window)) {
      throw new WindowSpecError(`selectExactTextAt("${alias}"): unknown window "${String(window)}": declare it first with .window("${String(window)}", spec).`);
    }
    if (window !== undefined) this.#rowCounter(window); // validate now (a window without an order cannot count rows)
    return this.#withExactText(alias, fields, { row, window });
  }

  #withExactText<A extends string>(alias: A, fields: readonly FieldOf<M>[], at: ExactTextRow | undefined): WindowQuery<M, Row & { [K in A]: string[] }, W, J> {
    aliasRef(alias);
    this.#assertFreeAlias(alias);
    if (fields.length === 0) throw new WindowSpecError(`selectExactText("${alias}") needs at least one field.`);
    for (const field of fields) columnRef(this.#props.model, field);
    const exactTexts = [...(this.#props.exactTexts ?? []), { alias, fields, at }];
    return new WindowQuery({ ...this.#props, exactTexts });
  }

  /**
   * Declares a named window (`WINDOW "name" AS (...)`) that several functions can share.
   * ```ts
   * .window('w', windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate'))
   * ```
   */
  window<N extends string>(name: N, spec: WindowSpec<M, true>): WindowQuery<M, Row, W | N, J> {
    aliasRef(name);
    if (this.#props.windows.has(name)) throw new WindowSpecError(`Window "${name}" is already defined.`);
    this.#assertSameModel(spec, 'window');
    this.#assertRowWindow(spec);
    spec.toSql(); // validate now (ORDER BY present, frame valid)
    return new WindowQuery({ ...this.#props, windows: new Map([...this.#props.windows, [name, spec]]) });
  }

  /**
   * Adds a window function result as column `alias`, over an inline spec or a named window.
   * ```ts
   * .add('rank', f.rank(), windowSpec('SalesRecord').partitionBy('region').orderBy('revenue', 'desc'))
   * // rank() OVER (PARTITION BY "region" ORDER BY "revenue" DESC) AS "rank"
   * ```
   */
  add<A extends string, T>(
    alias: A,
    fn: WindowFunction<M, T>,
    over: WindowSpec<M, true> | W,
  ): WindowQuery<M, Row & { [K in A]: T }, W, J> {
    aliasRef(alias);
    this.#assertFreeAlias(alias);
    this.#assertSameModel(fn, 'window function');
    if (typeof over === 'string') {
      if (!this.#props.windows.has(over)) {
        throw new WindowSpecError(`Unknown window "${over}": declare it first with .window("${over}", spec).`);
      }
    } else {
      this.#assertSameModel(over, 'window');
      this.#assertRowWindow(over);
      renderOver(fn, over, undefined); // validate now
    }
    const selected: SelectedFunction<M> = { alias, fn: fn as WindowFunction<M, unknown>, over };
    return new WindowQuery({ ...this.#props, functions: [...this.#props.functions, selected] });
  }

  /**
   * Adds an expression as column `alias`: arithmetic, casts, `COALESCE`, `CASE`, calendar buckets, and window
   * function results inside them (`expressions(model).over`), typed by the expression. Instants are read as their
   * UTC wall time, like fields.
   * ```ts
   * const e = expressions('Transaction');
   * windowQuery('Transaction').select('id')
   *   .window('w', windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'))
   *   .selectExpr('change', e.sub('amount', e.over(f.lag('amount'), 'w')))
   *   .selectExpr('day', e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' }))
   * // SELECT "id" AS "id", ("amount" - lag("amount", 1) OVER "w") AS "change",
   * //   ((CASE WHEN ... THEN date_trunc('day', "createdAt", CAST($4 AS text)) WHEN ... END)
   * //     AT TIME ZONE INTERVAL '+00:00') AS "day"
   * // FROM "public"."Transaction" WINDOW "w" AS (...) ORDER BY ...
   * ```
   */
  selectExpr<A extends string, X extends AnyExpr<M>>(alias: A, expr: X): WindowQuery<M, Row & { [K in A]: ExprValue<X> }, W, J> {
    aliasRef(alias);
    this.#assertFreeAlias(alias);
    const checked = requireOperand(this.#props.model, expr, `selectExpr("${alias}")`, true);
    if (checked.scope !== undefined && checked.scope !== this.#props.joinScope) {
      throw new WindowSpecError(`selectExpr("${alias}"): ${checked.label} reads another query's columns (a grouped query's, or another query's joins); use it in that query.`);
    }
    return new WindowQuery({ ...this.#props, exprs: [...(this.#props.exprs ?? []), { alias, expr: checked }] });
  }

  /**
   * Joins a second model many-to-one: each row of this query's model meets at most one row of `model`, matched on
   * `on` (this model's field → the joined model's field), which must be the joined model's id or a unique key — so
   * the id still orders ties and windows see each row once. `'inner'` (default) keeps the rows that match,
   * `'left'` every row (the joined fields are then NULL where none matches). Read the joined fields with
   * `joinedField(model, field)`: in the select list, as function arguments, partition and order keys.
   * ```ts
   * const q = windowQuery('Transaction').join('Account', { accountId: 'id' });
   * q.select('id').selectExpr('segment', q.joinedField('Account', 'segment'))
   *   .add('bySegment', f.runningTotal('amount'), windowSpec('Transaction').partitionBy(q.joinedField('Account', 'segment')).orderBy('createdAt'))
   * // SELECT ... FROM (SELECT "Transaction".*, "__join_1"."segment" AS "Account.segment", ... FROM "public"."Transaction"
   * //   JOIN "public"."accounts" AS "__join_1" ON "Transaction"."accountId" = "__join_1"."id") AS "Transaction" ...
   * ```
   */
  join<JM extends ModelName, K extends 'inner' | 'left' = 'inner'>(
    model: JM,
    on: { readonly [F in FieldOf<M>]?: FieldOf<JM> },
    options: { readonly kind?: K | undefined } = {},
  ): WindowQuery<M, Row, W, J & { readonly [P in JM]: K }> {
    const joins = [...(this.#props.joins ?? []), requireModelJoin(this.#props.model, this.#props.joins ?? [], model, on, options)];
    return new WindowQuery({ ...this.#props, joins }) as never;
  }

  /**
   * A field of a joined model (see `join`) as an expression of this query's rows, typed by the joined model's field
   * (NULL-able after a `'left'` join).
   */
  joinedField<JM extends { [P in keyof J]: J[P] extends JoinedValues ? never : P }[keyof J] & ModelName, F extends FieldOf<JM>>(
    model: JM,
    field: F,
  ): Expr<M, FieldSqlType<JM, F>, J[JM] extends 'left' ? true : FieldNullable<JM, F>> {
    const join = (this.#props.joins ?? []).find((j) => j.model === model && !j.values);
    if (!join) throw new WindowSpecError(`joinedField(${String(model)}, ${field}): join ${String(model)} first (.join(...)).`);
    const source = fieldExpr(model, field);
    const ref = joinedColumnRef(model, field);
    return makeExpr({
      model: this.#props.model,
      sqlType: source.sqlType as FieldSqlType<JM, F>,
      nullable: (join.kind === 'left' || source.nullable) as J[JM] extends 'left' ? true : FieldNullable<JM, F>,
      label: `${model}.${field}`,
      scope: this.#props.joinScope,
      ...(isUuidField(model, field) && { uuid: true }),
      enum: storedEnumOf(model, field),
      enumList: storedEnumListOf(model, field),
      render: () => ref,
    });
  }

  /**
   * Joins a list of rows given by the application — targets, rates, labels per key — many-to-one like `join`: `on`
   * maps fields of the query's model to columns of the list, whose values must be distinct across the rows
   * (checked here, `ValidationError`). The columns are typed by `columns` (`int4`, `int8`, `numeric`, `float8`,
   * `text`, `bool`, `timestamptz`, `date`) and every value is checked and bound: one array per column, so the SQL
   * text is the same for any number of rows. Read a column with `joinedValue(name, column)`.
   * ```ts
   * const q = windowQuery('SalesRecord').joinValues('targets', { region: 'text', target: 'numeric' },
   *   [{ region: 'north', target: new Prisma.Decimal(1000) }], { region: 'region' });
   * q.select('id').selectExpr('target', q.joinedValue('targets', 'target'))
   * // ... FROM (SELECT "SalesRecord".*, "__join_1"."target" AS "targets.target", ... FROM "public"."SalesRecord"
   * //   JOIN unnest(CAST($1 AS text[]), CAST($2 AS numeric[])) AS "__join_1"("region", "target")
   * //   ON "SalesRecord"."region" = "__join_1"."region") AS "SalesRecord" ...
   * ```
   */
  joinValues<N extends string, C extends { readonly [column: string]: ValueType }, K extends 'inner' | 'left' = 'inner'>(
    name: N,
    columns: C,
    rows: readonly { readonly [P in keyof C]: SqlValue<C[P]> }[],
    on: { readonly [F in FieldOf<M>]?: keyof C & string },
    options: { readonly kind?: K | undefined } = {},
  ): WindowQuery<M, Row, W, J & { readonly [P in N]: { readonly kind: K; readonly columns: C } }> {
    const joins = [...(this.#props.joins ?? []), requireValuesJoin(this.#props.model, this.#props.joins ?? [], name, columns, rows, on, options)];
    return new WindowQuery({ ...this.#props, joins }) as never;
  }

  /** A column of a joined list of rows (see `joinValues`) as an expression, typed by its declared type. */
  joinedValue<N extends { [P in keyof J]: J[P] extends JoinedValues ? P : never }[keyof J] & string, C extends keyof JoinedColumns<J[N]> & string>(
    name: N,
    column: C,
  ): Expr<M, JoinedColumns<J[N]>[C], J[N] extends { readonly kind: 'left' } ? true : false> {
    const join = (this.#props.joins ?? []).find((j) => j.model === name && j.values);
    if (!join) throw new WindowSpecError(`joinedValue(${String(name)}, ${String(column)}): join ${String(name)} first (.joinValues(...)).`);
    const found = join.values!.columns.find(([c]) => c === column);
    if (!found) throw new WindowSpecError(`joinedValue(${name}, ${column}): no such column; columns: ${join.values!.columns.map(([c]) => c).join(', ')}.`);
    const ref = joinedColumnRef(name, column);
    return makeExpr({
      model: this.#props.model,
      sqlType: found[1] as JoinedColumns<J[N]>[C],
      nullable: (join.kind === 'left') as J[N] extends { readonly kind: 'left' } ? true : false,
      label: `${name}.${column}`,
      scope: this.#props.joinScope,
      render: () => ref,
    });
  }

  /** Filters rows before the windows are computed (totals start within the filter). Conditions are ANDed. */
  where(...conditions: Condition<M>[]): WindowQuery<M, Row, W, J> {
    const checked = conditions.map((condition, i) => requireCondition(this.#props.model, condition, `where(...)[${i}]`));
    return new WindowQuery({ ...this.#props, where: [...this.#props.where, ...checked] });
  }

  /**
   * Result row order. By default rows come in the first window's order (partition keys, order keys, id); once
   * called, the given keys are used and the id is appended as the last key (with the rest of a composite primary
   * key, `id, accountId` for `@@id([accountId, id])`, unless the keys already hold them).
   */
  orderBy(key: Operand<M>, direction: SortDirection = 'asc', nulls?: NullsOrder): WindowQuery<M, Row, W, J> {
    const checked = requireOrderKey(this.#props.model, key, 'orderBy') as OrderKey<FieldOf<M>>;
    requireSortDirection(direction);
    requireNullsOrder(nulls);
    if (typeof checked !== 'string' && checked.scope !== undefined && checked.scope !== this.#props.joinScope) {
      throw new WindowSpecError(`orderBy: ${checked.label} reads another query's columns; use it in that query.`);
    }
    const item: OrderItem<FieldOf<M>> = nulls ? { key: checked, direction, nulls } : { key: checked, direction };
    return new WindowQuery({ ...this.#props, orderBy: [...this.#props.orderBy, item] });
  }

  /** `LIMIT n` on the result. */
  limit(n: number): WindowQuery<M, Row, W, J> {
    if (!Number.isSafeInteger(n) || n < 1) throw new WindowSpecError(`limit must be a positive integer, got ${String(n)}.`);
    return new WindowQuery({ ...this.#props, limit: n });
  }

  /**
   * Keeps the first `n` rows of each partition of `window` (top-N per partition). Written as
   * `SELECT ... FROM (SELECT ..., row_number() OVER (window) AS rank FROM ...) WHERE rank <= n`, the shape
   * PostgreSQL (15+) turns into a WindowAgg "Run Condition" that stops reading each partition after n rows.
   * ```ts
   * .topPerPartition(3, windowSpec('SalesRecord').partitionBy('region').orderBy('revenue', 'desc'))
   * ```
   */
  topPerPartition(n: number, window: WindowSpec<M, true>): WindowQuery<M, Row, W, J> {
    if (!Number.isSafeInteger(n) || n < 1) throw new WindowSpecError(`top-N needs a positive integer n, got ${String(n)}.`);
    this.#assertSameModel(window, 'window');
    this.#assertRowWindow(window);
    return new WindowQuery({ ...this.#props, top: { n, window } });
  }

  /**
   * Keeps the rows whose output `alias` (a window function's result or a selected field) compares as given with
   * `value` — what other databases write with QUALIFY. Compiled as a filter around the query, so every window is
   * computed over all rows first; repeated calls AND together.
   * ```ts
   * windowQuery('Transaction').select('id')
   *   .add('balance', f.runningTotal('amount'), w)
   *   .whereResult('balance', '<', new Prisma.Decimal(0))   // the rows that took an account below zero
   * // SELECT "id", "balance" FROM (SELECT ..., SUM(...) OVER (...) AS "balance", ... FROM "public"."Transaction") AS page
   * //   WHERE "balance" < CAST($1 AS numeric) ORDER BY ...
   * ```
   */
  whereResult<K extends keyof Row & string>(alias: K, operator: ComparisonOperator, value: NonNullable<Row[K]>): WindowQuery<M, Row, W, J> {
    if (!this.#outputAliases().includes(alias)) {
      throw new WindowSpecError(`whereResult("${String(alias)}"): no output of that name. Outputs: ${this.#outputAliases().join(', ')}.`);
    }
    if (!RESULT_OPERATORS.includes(operator)) {
      throw new WindowSpecError(`Unknown operator "${String(operator)}": use one of ${RESULT_OPERATORS.join(' ')}.`);
    }
    this.#resultConstant(alias, value); // checked now; bound when the statement is rendered, in the output's type then
    const time = value instanceof Date ? timeOf(value) : undefined;
    const kept = time === undefined ? value : new Date(time); // a copy: a Date changed later cannot reach the SQL
    return new WindowQuery({ ...this.#props, resultFilters: [...(this.#props.resultFilters ?? []), { alias, operator, value: kept }] });
  }

  /**
   * Orders the result rows by an output first (a window function's result, e.g. a rank or a share), then by the
   * query's order keys and the id, so ties still come in one order. Repeated calls add keys.
   * ```ts
   * windowQuery('SalesRecord').select('id', 'region')
   *   .add('share', f.shareOfPartition('revenue'), windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate'))
   *   .orderByResult('share', 'desc')
   * // SELECT "id", "region", "share" FROM (...) AS page ORDER BY "share" DESC, "__page_order_0" ASC, ...
   * ```
   */
  orderByResult<K extends keyof Row & string>(alias: K, direction: SortDirection = 'asc'): WindowQuery<M, Row, W, J> {
    if (!this.#outputAliases().includes(alias)) {
      throw new WindowSpecError(`orderByResult("${String(alias)}"): no output of that name. Outputs: ${this.#outputAliases().join(', ')}.`);
    }
    requireSortDirection(direction);
    if (this.#outputType(alias) === 'interval') {
      throw new WindowSpecError(`orderByResult("${alias}"): an interval is output as ISO 8601 text, which does not sort as the interval; order by an expression of it (e.g. its epoch seconds via e.cast) instead.`);
    }
    const output = this.#outputs().find((o) => o.alias === alias);
    if (output?.sqlType === 'other' && !output.uuid && output.enum === undefined) {
      throw new WindowSpecError(`orderByResult("${alias}"): its type (Json, Bytes, a list) has no order here; order by numbers, text, times, uuids or enums.`);
    }
    return new WindowQuery({ ...this.#props, resultOrder: [...(this.#props.resultOrder ?? []), { alias, direction }] });
  }

  /**
   * The rows of a list of partition keys, each key read on its own: `FROM (keys) CROSS JOIN LATERAL (this query
   * for one key) ORDER BY ...`. Every window of the query partitions by the keys' fields, so each key's windows are
   * computed from its own rows alone, which the `(keys..., order, id)` index delivers in the window's order: no
   * Sort under the WindowAgg, and a long list no longer reads the whole index. The rows, their order and their
   * values are those of the same query filtered by `inPartitionList`. For the library's own compilers: the query
   * may hold no top-N, result filter or order, row counter in the result's order, or expression.
   * @internal
   */
  eachPartitionOf(keys: PartitionKeyRelation<M>): WindowQuery<M, Row, W, J> {
    return new WindowQuery({ ...this.#props, perKey: keys });
  }

  /** Renders the statement; values are bound parameters, identifiers come from Prisma's data model. */
  override toSql(): Prisma.Sql {
    const { model, columns, functions, where, top } = this.#props;
    if (columns.length === 0 && functions.length === 0 && (this.#props.exprs ?? []).length === 0) {
      throw new WindowSpecError('Nothing selected: call .select(...fields), .add(alias, fn, window) or .selectExpr(alias, expr).');
    }
    for (const { alias, expr } of this.#props.exprs ?? []) {
      const unknown = expr.windowNames.find((name) => !this.#props.windows.has(name));
      if (unknown !== undefined) throw new WindowSpecError(`selectExpr("${alias}"): unknown window "${unknown}": declare it with .window("${unknown}", spec).`);
    }
    const counted = (this.#props.exactTexts ?? []).find((e) => e.at !== undefined);
    if (counted && (top || this.#props.resultFilters?.length || this.#props.resultOrder?.length)) {
      // Its row would be counted before the filter or order that makes the result's rows.
      throw new WindowSpecError(`selectExactTextAt("${counted.alias}") cannot be combined with top, a result filter or a result order.`);
    }
    const items = this.#selectItems();
    const windowClause = this.#windowClause();
    const limit = this.#props.limit === undefined ? Prisma.empty : Prisma.sql` LIMIT ${Prisma.raw(String(this.#props.limit))}`;
    if (this.#props.perKey) return this.#perKeySql(this.#props.perKey, limit);
    if (this.#props.resultFilters?.length || this.#props.resultOrder?.length) {
      const order = this.#resultOrder(top?.window);
      const outer = this.#outputAliases().map((alias) => aliasRef(alias));
      const byResult = (this.#props.resultOrder ?? []).map(({ alias, direction }) => Prisma.sql`${this.#resultSortKey(alias)} ${Prisma.raw(direction.toUpperCase())}`);
      const outerOrder = [...byResult, ...hiddenOrderSql(model, order)];
      const filters = this.#resultFilterSql();
      const where = filters.length > 0 ? Prisma.sql` WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
      return Prisma.sql`SELECT ${Prisma.join(outer, ', ')} FROM (${this.#pageRelation(order)}) AS page${where} ORDER BY ${Prisma.join(outerOrder, ', ')}${limit}`;
    }

    if (!top) {
      return Prisma.sql`SELECT ${Prisma.join(items, ', ')} FROM ${this.#fromSql()} ${whereAll(where.map((c) => c.sql))}${windowClause} ORDER BY ${this.#orderSql()}${limit}`;
    }
    // Top-N: the inner query also carries the order keys (hidden aliases) so the outer query can sort by them.
    const order = this.#resultOrder(top.window);
    const hidden = order.map((item, i) => Prisma.sql`${orderKeySql(model, item.key)} AS ${aliasRef(`__order_${i}`)}`);
    const rank = Prisma.sql`row_number() OVER (${top.window.toSql({ frame: false, tiebreaker: true })}) AS ${aliasRef(ROW_NUMBER_ALIAS)}`;
    const outer = this.#outputAliases().map((alias) => aliasRef(alias));
    const outerOrder = order.map((item, i) => orderItemSql(model, item, aliasRef(`__order_${i}`)));
    return Prisma.sql`SELECT ${Prisma.join(outer, ', ')} FROM (SELECT ${Prisma.join([...items, ...hidden, rank], ', ')} FROM ${this.#fromSql()} ${whereAll(where.map((c) => c.sql))}${windowClause}) AS ranked WHERE ${aliasRef(ROW_NUMBER_ALIAS)} <= ${Prisma.raw(String(top.n))} ORDER BY ${Prisma.join(outerOrder, ', ')}${limit}`;
  }

  /**
   * One page of the rows `execute` returns, in the same order, `limit` rows at most, and a signed cursor to the
   * next (`after`). Every window is computed over all rows the query selects, so a row has the same values on a
   * page as in `execute`, and a page walk visits each row once. The cursor holds the last row's order keys as
   * stored (microseconds kept) and is bound to this query: another query's cursor is an `InvalidCursorError`.
   * Order keys must be NOT NULL (the id ends the order). Each page reads the rows before it again, as the windows
   * need them; for running totals over long histories, a repository's `page` carries the total instead.
   * ```ts
   * const ranked = windowQuery('SalesRecord').select('id', 'region')
   *   .add('rank', f.rank(), windowSpec('SalesRecord').partitionBy('region').orderBy('revenue', 'desc'));
   * const first = await ranked.page(prisma, { limit: 50 });
   * const next = await ranked.page(prisma, { limit: 50, after: first.nextCursor! });
   * // SELECT "id", "region", "rank", "__page_position" FROM (SELECT ..., "region" AS "__page_order_0", ...
   * //   FROM "public"."SalesRecord" ...) AS page WHERE ("__page_order_0" > CAST($1 AS text)) OR (...) ORDER BY ... LIMIT 51
   * ```
   */
  async page(
    client: DbClient,
    options: { readonly limit: number; readonly after?: string | null | undefined; readonly cursorSecret?: string | undefined },
  ): Promise<WindowQueryPage<Row>> {
    const db = requireDbClient('client', client);
    const opts = requireOptions('options', options, ['limit', 'after', 'cursorSecret']);
    const limit = requirePositiveInt('options.limit', opts.limit, 10_000);
    if (opts.cursorSecret !== undefined && typeof opts.cursorSecret !== 'string') {
      throw new ValidationError('options.cursorSecret', 'expected a string of at least 16 bytes.');
    }
    const cursors = new WindowPageCursor(opts.cursorSecret as string | undefined);
    const { model } = this.#props;
    if (this.#props.limit !== undefined) throw new WindowSpecError('page() sets the page size itself: drop .limit(n) from the query.');
    if (this.#props.resultOrder?.length) {
      throw new WindowSpecError('page() resumes after stored order keys, and orderByResult() orders by a computed output: use execute() or stream().');
    }
    const reserved = this.#outputAliases().find((alias) => alias.startsWith('__page_'));
    if (reserved !== undefined) throw new WindowSpecError(`page() reserves output names starting with "__page_": rename "${reserved}".`);
    const order = this.#resultOrder(this.#props.top?.window);
    requirePageableOrder(model, order);
    const fingerprint = queryFingerprint(this.toSql());
    const after = opts.after === undefined || opts.after === null ? undefined : cursors.decode(fingerprint, opts.after, order.length);

    const outer = [...this.#outputAliases(), PAGE_POSITION].map((alias) => aliasRef(alias));
    const filters = [...this.#resultFilterSql(), ...(after ? [afterPositionSql(model, order, after)] : [])];
    const where = filters.length > 0 ? Prisma.sql` WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
    const outerOrder = hiddenOrderSql(model, order);
    const sql = Prisma.sql`SELECT ${Prisma.join(outer, ', ')} FROM (${this.#pageRelation(order)}) AS page${where} ORDER BY ${Prisma.join(outerOrder, ', ')} LIMIT ${Prisma.raw(String(limit + 1))}`;

    const fetched = await queryRows<Record<string, unknown>>(db, sql);
    const page = splitPage(fetched, limit, PAGE_POSITION, (position) => cursors.encode(fingerprint, position));
    return { rows: page.rows as unknown as Row[], nextCursor: page.nextCursor };
  }

  // The SELECT list: fields (instants read as UTC wall time), window functions, exact-text outputs.
  #selectItems(): Prisma.Sql[] {
    const { model, columns, functions, windows, raw } = this.#props;
    return [
      ...columns.map((field) => Prisma.sql`${raw ? columnRef(model, field) : outputColumnSql(model, field)} AS ${aliasRef(field)}`),
      ...functions.map(({ alias, fn, over }) => {
        const call = fn.render(renderOver(fn, over, windows));
        return Prisma.sql`${raw ? call : outputValueSql(fn, call)} AS ${aliasRef(alias)}`;
      }),
      ...(this.#props.exprs ?? []).map(({ alias, expr }) => Prisma.sql`${raw ? expr.render(windows) : outputExprSql(expr, windows)} AS ${aliasRef(alias)}`),
      ...(this.#props.exactTexts ?? []).map(({ alias, fields, at }) => {
        const text = exactTextSql(model, fields);
        const value = at === undefined ? text : Prisma.sql`CASE WHEN ${this.#rowCounter(at.window)} = ${Prisma.raw(String(at.row))} THEN ${text} END`;
        return Prisma.sql`${value} AS ${aliasRef(alias)}`;
      }),
    ];
  }

  /**
   * This query as the source of another (see `queryOver`): its statement with every output as stored (instants as
   * instants, intervals as intervals), and each output's name, type and NULL-ability. Its rows must carry the
   * model's id (and the rest of a composite key), which orders the other query's ties.
   */
  asSource(): QuerySource<M> {
    const { model, columns } = this.#props;
    const ids = tiebreakerOf(model, []);
    const missing = ids.filter((field) => !columns.includes(field as FieldOf<M>));
    if (missing.length > 0) throw new WindowSpecError(`queryOver: the source query must select ${missing.join(', ')}: its rows' ties are ordered by them.`);
    return Object.freeze({ model, sql: new WindowQuery({ ...this.#props, raw: true }).toSql(), outputs: this.#outputs(), ids });
  }

  // Every output in select-list order: its name, its SQL type as stored, whether it can be NULL.
  #outputs(): QuerySource<M>['outputs'] {
    const { model, columns, functions, exprs = [], exactTexts = [] } = this.#props;
    return [
      ...columns.map((field) => ({
        alias: field as string,
        sqlType: fieldSqlType(model, field),
        nullable: columnInfo(model, field).nullable,
        ...(isUuidField(model, field) && { uuid: true }),
        enum: storedEnumOf(model, field),
        enumList: storedEnumListOf(model, field),
      })),
      ...functions.map((f) => ({
        alias: f.alias,
        sqlType: f.fn.resultType,
        nullable: true,
        ...(f.fn.uuid === true && { uuid: true }),
        enum: f.fn.enum,
        enumList: f.fn.enumList,
      })),
      ...exprs.map((e) => ({
        alias: e.alias,
        sqlType: e.expr.sqlType,
        nullable: e.expr.nullable,
        ...(isUuidFieldExpr(e.expr) && { uuid: true }),
        enum: enumOfExpr(e.expr),
        enumList: enumListOfExpr(e.expr),
      })),
      ...exactTexts.map((e) => ({ alias: e.alias, sqlType: 'other' as SqlType, nullable: e.at !== undefined })),
    ];
  }

  // The SQL type of an output as the outer query sees it (see `readAs`): instants as UTC wall time, so `timestamp`
  // (unless the outputs are read as stored, for another query).
  #outputType(alias: string): SqlType | undefined {
    const type = this.#outputs().find((output) => output.alias === alias)?.sqlType;
    return type === 'timestamptz' && !this.#props.raw ? 'timestamp' : type;
  }

  // What an output sorts by: the output itself, or for an enum read as its names, the name's place in the enum's
  // declared order (the order PostgreSQL sorts the enum in), not the names' text order.
  #resultSortKey(alias: string): Prisma.Sql {
    const stored = this.#outputs().find((output) => output.alias === alias)?.enum;
    return stored === undefined || this.#props.raw ? aliasRef(alias) : enumOrderSql(stored, aliasRef(alias));
  }

  #resultFilterSql(): Prisma.Sql[] {
    return (this.#props.resultFilters ?? []).map(({ alias, operator, value }) => Prisma.sql`${aliasRef(alias)} ${Prisma.raw(operator)} ${this.#resultConstant(alias, value)}`);
  }

  // A value compared with an output: dates and times bound in the output's own type (a `time` or `timetz` output
  // cannot be compared with a timestamp), everything else typed by its JavaScript type.
  #resultConstant(alias: string, value: unknown): Prisma.Sql {
    const type = this.#outputType(alias);
    const path = `whereResult(${alias})`;
    if (type === 'interval') throw new WindowSpecError(`${path}: an interval is output as ISO 8601 text; compare it inside an expression (e.g. e.elapsed(...) with e.interval(...) in a caseWhen).`);
    if (type === 'timestamptz' || type === 'timestamp' || type === 'date' || type === 'time' || type === 'timetz') return typedConstant(path, value, type);
    if (type === 'other') {
      // A uuid compares with a uuid (checked and bound as one); an enum, Json or list has no comparison here.
      if (this.#outputs().find((output) => output.alias === alias)?.uuid) return uuidValue(requireUuid(path, value));
      throw new WindowSpecError(`${path}: the output's type (enum, Json, Bytes or list) is not compared by the builder.`);
    }
    // A number compared with an integer or numeric output as the exact decimal it prints as (1.5 is not an int4).
    if (typeof value === 'number' && Number.isFinite(value) && (type === 'int4' || type === 'int8' || type === 'numeric')) return numericValue(String(value));
    return resultValue(path, value);
  }

  #outputAliases(): string[] {
    return this.#outputs().map((output) => output.alias);
  }

  // The rows the query reads: the model's table, or the table with its joins (see `joinedSourceSql`).
  #fromSql(): Prisma.Sql {
    const { model, joins = [] } = this.#props;
    return joins.length === 0 ? tableRef(model) : joinedSourceSql(model, joins);
  }

  // How the rows' source is named in the query: the table's own name, or the joined subquery's name.
  #sourceName(): Prisma.Sql {
    const { model, joins = [] } = this.#props;
    return joins.length === 0 ? tableNameRef(model) : joinedSourceName(model);
  }

  #windowClause(): Prisma.Sql {
    const { windows } = this.#props;
    if (windows.size === 0) return Prisma.empty;
    return Prisma.sql` WINDOW ${Prisma.join(
      [...windows].map(([name, spec]) => Prisma.sql`${aliasRef(name)} AS (${spec.toSql()})`),
      ', ',
    )}`;
  }

  // One key's rows in a lateral subquery, with the order keys as hidden outputs the outer query sorts by. A limit
  // applies to the whole result only: Citus cannot run a LIMIT in a subquery that reads a column of `unnest`.
  #perKeySql(perKey: PartitionKeyRelation<M>, limit: Prisma.Sql): Prisma.Sql {
    const { model, where, functions, windows, exprs = [], exactTexts = [], top } = this.#props;
    const refuse = (what: string) => {
      throw new WindowSpecError(`eachPartitionOf: a query read per partition key cannot have ${what}.`);
    };
    if (top || this.#props.resultFilters?.length || this.#props.resultOrder?.length) refuse('a top-N, a result filter or a result order');
    if (exprs.length > 0) refuse('expressions');
    if (exactTexts.some((e) => e.at !== undefined && e.at.window === undefined)) refuse("a row counted in the result's order");
    const overs = [...functions.map((f) => ({ alias: f.alias, over: f.over })), ...exactTexts.flatMap((e) => (e.at?.window === undefined ? [] : [{ alias: e.alias, over: e.at.window }]))];
    for (const { alias, over } of overs) {
      const fields = (typeof over === 'string' ? windows.get(over) : over)?.partitionFields ?? [];
      if (!perKey.fields.every((field) => fields.includes(field))) refuse(`"${alias}" over a window not partitioned by ${perKey.fields.join(', ')}`);
    }
    const order = this.#resultOrder(undefined);
    const hidden = order.map((item, i) => Prisma.sql`${orderKeyExpr(model, item.key).render()} AS ${aliasRef(orderKeyAlias(i))}`);
    const conditions = whereAll([...where, ...perKey.match].map((c) => c.sql));
    const inner = Prisma.sql`SELECT ${Prisma.join([...this.#selectItems(), ...hidden], ', ')} FROM ${this.#fromSql()} ${conditions}${this.#windowClause()}`;
    const outer = this.#outputAliases().map((alias) => aliasRef(alias));
    // Where the result's order starts with the keys' fields ascending, it names the sorted keys instead, an order the
    // rows keep through the join: PostgreSQL then sorts each key's rows only (an Incremental Sort), not all rows.
    const byKey = (item: OrderItem<FieldOf<M>>, i: number) =>
      i < perKey.sortedBy.length && orderKeyField(item.key) === perKey.fields[i] && item.direction === 'asc' && item.nulls === undefined;
    let presorted = 0;
    while (presorted < order.length && byKey(order[presorted]!, presorted)) presorted += 1;
    const outerOrder = hiddenOrderSql(model, order).map((sql, i) => (i < presorted ? Prisma.sql`${perKey.sortedBy[i]!} ASC` : sql));
    return Prisma.sql`SELECT ${Prisma.join(outer, ', ')} FROM ${perKey.relation} CROSS JOIN LATERAL (${inner}) AS page ORDER BY ${Prisma.join(outerOrder, ', ')}${limit}`;
  }

  // The query's rows (top-N applied) with their order keys and exact position as hidden outputs, for page().
  #pageRelation(order: readonly OrderItem<FieldOf<M>>[]): Prisma.Sql {
    const { model, where, top } = this.#props;
    const keys = order.map((item) => orderKeyExpr(model, item.key));
    const hidden = keys.map((key, i) => Prisma.sql`${key.render()} AS ${aliasRef(orderKeyAlias(i))}`);
    const position = Prisma.sql`${exactTextArray(keys.map((key) => ({ sql: key.render(), type: key.sqlType })))} AS ${aliasRef(PAGE_POSITION)}`;
    const rank = top
      ? [Prisma.sql`row_number() OVER (${top.window.toSql({ frame: false, tiebreaker: true })}) AS ${aliasRef(ROW_NUMBER_ALIAS)}`]
      : [];
    const select = Prisma.sql`SELECT ${Prisma.join([...this.#selectItems(), ...hidden, position, ...rank], ', ')} FROM ${this.#fromSql()} ${whereAll(where.map((c) => c.sql))}${this.#windowClause()}`;
    return top ? Prisma.sql`SELECT * FROM (${select}) AS ranked WHERE ${aliasRef(ROW_NUMBER_ALIAS)} <= ${Prisma.raw(String(top.n))}` : select;
  }

  // The row number in the result's order, or in a named window's (written as the functions over it are, so that
  // PostgreSQL counts in the same WindowAgg; over a RANGE window the id is appended, and the count has its own).
  #rowCounter(window: string | undefined): Prisma.Sql {
    if (window === undefined) return Prisma.sql`row_number() OVER (ORDER BY ${this.#orderSql()})`;
    const rowNumber = rowNumberOf(this.#props.model) as WindowFunction<M, unknown>;
    return rowNumber.render(renderOver(rowNumber, window, this.#props.windows));
  }

  // Keys are qualified with the table: a bare name in ORDER BY means the output column of that name first, and
  // an instant is output as `"col" AT TIME ZONE INTERVAL '+00:00'`, which would make PostgreSQL sort rows the index
  // already delivers in order.
  #orderSql(): Prisma.Sql {
    const { model } = this.#props;
    const qualified = (key: OrderKey) => {
      const field = orderKeyField(key);
      return field === undefined ? orderKeySql(model, key) : Prisma.sql`${this.#sourceName()}.${columnRef(model, field)}`;
    };
    return Prisma.join(this.#resultOrder(undefined).map((item) => orderItemSql(model, item, qualified(item.key))), ', ');
  }

  // Explicit order keys (or the window's partition + order keys), always ending with the id tiebreaker.
  #resultOrder(window: WindowSpec<M, true> | undefined): OrderItem<FieldOf<M>>[] {
    const source = window ?? firstWindowOf(this.#props.functions, this.#props.windows, this.#props.top?.window);
    const keys: OrderItem<FieldOf<M>>[] = this.#props.orderBy.length > 0 || !source ? [...this.#props.orderBy] : [...source.rowOrder];
    const fields = keys.map((k) => orderKeyField(k.key)).filter((f): f is string => f !== undefined);
    return withTiebreakers(keys, tiebreakerOf(this.#props.model, fields) as FieldOf<M>[]);
  }


  #assertFreeAlias(alias: string): void {
    if (this.#outputAliases().includes(alias)) {
      throw new WindowSpecError(`Duplicate output column "${alias}": choose another alias.`);
    }
  }

  // A window over a grouped query's groups orders by group columns, which a query over the model's rows lacks.
  #assertRowWindow(spec: WindowSpec<M, true>): void {
    if (spec.groupScope !== undefined || spec.keyScopes.some((scope) => scope !== this.#props.joinScope)) {
      throw new WindowSpecError("A window over a grouped query's groups (overGroups(), or keys from its column()) or over another query's joined fields belongs to that query.");
    }
  }

  // A part (window, function) must be one built for this query's model; anything else, `null` included, is refused
  // here rather than failing on a property read later.
  #assertSameModel(part: { readonly model: ModelName } | null | undefined, what: string): void {
    if (typeof part !== 'object' || part === null) throw new WindowSpecError(`Expected a ${what} built for ${this.#props.model}, got ${describe(part)}.`);
    if (part.model !== this.#props.model) {
      throw new WindowSpecError(`This query reads ${this.#props.model}; a ${what} built for ${String(part.model)} cannot be used in it.`);
    }
  }
}

// The query's order, by the hidden order-key outputs of a relation built by #pageRelation.
function hiddenOrderSql<M extends ModelName>(model: M, order: readonly OrderItem<FieldOf<M>>[]): Prisma.Sql[] {
  return order.map((item, i) => orderItemSql(model, item, aliasRef(orderKeyAlias(i))));
}

/** A query as the source of another: see `WindowQuery.asSource` and `queryOver`. */
export interface QuerySource<M extends ModelName> {
  readonly model: M;
  readonly sql: Prisma.Sql;
  readonly outputs: readonly {
    readonly alias: string;
    readonly sqlType: SqlType;
    readonly nullable: boolean;
    readonly uuid?: boolean | undefined;
    /** The stored enum of an output of enum values (the source reads them as stored labels). */
    readonly enum?: CatalogEnum | undefined;
    /** The stored enum of an output of lists of its values. */
    readonly enumList?: CatalogEnum | undefined;
  }[];
  /** The outputs that make a row unique: the model's id (and the rest of a composite key). */
  readonly ids: readonly string[];
}

/**
 * Starts a window query over a Prisma model (see `WindowQuery`): add columns with `select`, window function results
 * with `add`, then run it with `execute(prisma)` or take its SQL with `toSql()`.
 * ```ts
 * const f = windowFunctions('Transaction');
 * const rows = await windowQuery('Transaction')
 *   .select('id', 'amount')
 *   .add('rank', f.rowNumber(), windowSpec('Transaction').partitionBy('accountId').orderBy('amount', 'desc'))
 *   .limit(10)
 *   .execute(prisma);
 * // SELECT "id" AS "id", "amount" AS "amount",
 * //   row_number() OVER (PARTITION BY "accountId" ORDER BY "amount" DESC, "id" DESC) AS "rank"
 * // FROM "public"."Transaction"  ORDER BY "Transaction"."accountId" ASC, "Transaction"."amount" DESC, "Transaction"."id" DESC LIMIT 10
 * ```
 */
export function windowQuery<M extends ModelName>(model: M): WindowQuery<M, {}, never> {
  idField(model); // fail fast for models without a single-field id
  return new WindowQuery<M, {}, never>({ model, columns: [], windows: new Map(), functions: [], where: [], orderBy: [], joinScope: Symbol(`joins of a ${model} query`) });
}

