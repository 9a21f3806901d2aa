import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { describe } from '../validation/dates.ts';
import { requireOptions } from '../validation/batch.ts';
import { aliasRef, modelFields, tableRef, type CatalogEnum, type FieldOf, type ModelName } from './catalog.ts';
import { CompiledQuery } from './compiled-query.ts';
import type { Condition } from './conditions.ts';
import {
  fieldExpr,
  makeExpr,
  outputExprSql,
  isUuidFieldExpr,
  enumOfExpr,
  requireComparableType,
  requireOperand,
  type AnyExpr,
  type CalendarBucket,
  type Expr,
  type ExprValue,
  type FieldNullable,
  type FieldSqlType,
  type SqlType,
} from './expression.ts';
import { calendarSeriesSql } from './calendar-series.ts';
import { whereAll } from './filters.ts';
import type { WindowFunction } from './functions.ts';
import { requireSortDirection, type OrderKey } from './order-key.ts';
import type { QuerySource } from './window-query.ts';
import { firstWindowOf, outputValueSql, renderOver } from './over-clause.ts';
import type { FieldValue } from './types.ts';
import { groupWindowSpec, orderItemSql, withTiebreakers, type OrderItem, type SortDirection, type WindowSpec } from './window-spec.ts';

interface GroupColumn<M extends ModelName> {
  readonly alias: string;
  /** What the inner query computes: the key's expression, or the aggregate call. */
  readonly value: Prisma.Sql;
  /** The column as the outer query reads it (`"alias"`), typed. */
  readonly column: AnyExpr<M>;
  /** A key's expression (a calendar bucket can be gap-filled). */
  readonly key?: AnyExpr<M> | undefined;
  /** An aggregate's value for a filled, empty group: 0 for a count, else NULL (SQL's aggregate of no rows). */
  readonly empty?: Prisma.Sql | undefined;
}

interface GroupedQueryProps<M extends ModelName> {
  readonly model: M;
  readonly scope: symbol;
  readonly keys: readonly GroupColumn<M>[];
  readonly aggregates: readonly GroupColumn<M>[];
  readonly where: readonly Condition<M>[];
  readonly windows: ReadonlyMap<string, WindowSpec<M, true>>;
  readonly functions: readonly { readonly alias: string; readonly fn: WindowFunction<M, unknown>; readonly over: WindowSpec<M, true> | string }[];
  readonly exprs: readonly { readonly alias: string; readonly expr: AnyExpr<M> }[];
  readonly orderBy: readonly OrderItem[];
  readonly limit?: number | undefined;
  /** Gap fill: every bucket of the calendar key `alias` in a range, for every combination of the other keys. */
  readonly fill?: { readonly alias: string; readonly series: Prisma.Sql } | undefined;
  /** A query over another query's rows (`queryOver`): its statement, read as the CTE "source" instead of groups. */
  readonly source?: Prisma.Sql | undefined;
}

/**
 * An immutable GROUP BY query over one model with window functions over its groups — what SQL writes as
 * `SUM(SUM(x)) OVER (...)`: a running total of daily sums, a rank of regions by revenue, a share of each month in
 * its year. The groups are computed first (keys: fields or expressions such as calendar buckets; aggregates: `sum`,
 * `count`, `avg`, ... of `windowFunctions(model)`); the windows then run over the groups, whose keys make every
 * window order total (no id exists after grouping). Compiled as a subquery of the groups, so an expression key with
 * bound values (a time zone) is written once.
 *
 * ```ts
 * const e = expressions('SalesRecord');
 * const f = windowFunctions('SalesRecord');
 * const daily = groupedQuery('SalesRecord')
 *   .groupBy('region')
 *   .groupBy('day', e.bucket('saleDate', 'day'))
 *   .aggregate('dayRevenue', f.sum('revenue'))
 *   .aggregate('sales', f.count());
 * const rows = await daily
 *   .add('running', f.sum(daily.column('dayRevenue')), daily.overGroups().partitionBy(daily.column('region')).orderBy(daily.column('day')))
 *   .execute(prisma);
 * // SELECT "region" AS "region", CAST("day" AS timestamp) AS "day", "dayRevenue" AS "dayRevenue", "sales" AS "sales",
 * //   SUM("dayRevenue") OVER (PARTITION BY "region" ORDER BY "day" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "running"
 * // FROM (SELECT "region" AS "region", CAST(date_trunc('day', CAST("saleDate" AS timestamp)) AS date) AS "day",
 * //   SUM("revenue")  AS "dayRevenue", COUNT(*)  AS "sales" FROM "public"."SalesRecord"  GROUP BY 1, 2) AS "groups"
 * // ORDER BY "groups"."region" ASC, "groups"."day" ASC
 * ```
 */
export class GroupedQuery<M extends ModelName, Row extends object = {}, Cols extends Record<string, AnyExpr<M>> = {}, W extends string = never> extends CompiledQuery<Row> {
  readonly #props: GroupedQueryProps<M>;

  constructor(props: GroupedQueryProps<M>) {
    super();
    this.#props = Object.freeze(props);
  }

  get model(): M {
    return this.#props.model;
  }

  /**
   * Adds a group key: a field (output under its name), or an expression under `alias` (a calendar bucket, a cast,
   * arithmetic over the row's fields). An expression's alias must not be one of the model's fields, so that a
   * group column can never be mistaken for the stored field of that name.
   * ```ts
   * .groupBy('region').groupBy('month', e.bucket('saleDate', 'month')) // GROUP BY 1, 2
   * ```
   */
  groupBy<F extends FieldOf<M>>(field: F): GroupedQuery<M, Row & { [K in F]: FieldValue<M, F> }, Cols & { [K in F]: Expr<M, FieldSqlType<M, F>, FieldNullable<M, F>> }, W>;
  groupBy<A extends string, X extends AnyExpr<M>>(alias: A, expr: X): GroupedQuery<M, Row & { [K in A]: ExprValue<X> }, Cols & { [K in A]: X }, W>;
  groupBy(aliasOrField: string, expr?: AnyExpr<M>): unknown {
    this.#assertGrouping('groupBy');
    const { model } = this.#props;
    const key = expr === undefined ? fieldExpr(model, aliasOrField as FieldOf<M>) : requireOperand(model, expr, `groupBy("${aliasOrField}")`);
    if (key.scope !== undefined) throw new WindowSpecError(`groupBy("${aliasOrField}"): ${key.label} reads another query's columns; group by the model's fields or expressions of them.`);
    requireComparableType(key, `groupBy("${aliasOrField}")`);
    this.#assertNewAlias(aliasOrField, expr !== undefined);
    const column = this.#column(aliasOrField, key.sqlType, key.nullable, key.calendar, isUuidFieldExpr(key), enumOfExpr(key));
    return new GroupedQuery({ ...this.#props, keys: [...this.#props.keys, { alias: aliasOrField, value: key.render(), column, key }] });
  }

  /**
   * Adds an aggregate of each group under `alias`: a plain aggregate of `windowFunctions(model)` (`sum`, `avg`,
   * `count`, `min`, `max`, `stddev`..., `boolAnd`..., a named `aggregate`), rendered without `OVER`.
   * ```ts
   * .aggregate('dayRevenue', f.sum('revenue'))   // SUM("revenue")  AS "dayRevenue"
   * ```
   */
  aggregate<A extends string, T, K extends SqlType>(alias: A, fn: WindowFunction<M, T, K>): GroupedQuery<M, Row & { [k in A]: T }, Cols & { [k in A]: Expr<M, K, true> }, W> {
    this.#assertGrouping('aggregate');
    if (fn?.model !== this.#props.model) throw new WindowSpecError(`aggregate("${alias}"): the function was built for ${String(fn?.model)}, not ${this.#props.model}.`);
    if (!fn.aggregate) {
      throw new WindowSpecError(`aggregate("${alias}"): ${fn.name} is not a plain aggregate; use sum, avg, count, min, max, the spreads, boolAnd/boolOr/every or a named aggregate.`);
    }
    this.#assertNewAlias(alias, true);
    const column = this.#column(alias, fn.resultType, true, undefined, false, fn.enum);
    const empty = fn.name === 'count' ? Prisma.sql`0` : undefined;
    return new GroupedQuery({ ...this.#props, aggregates: [...this.#props.aggregates, { alias, value: fn.render(Prisma.empty), column, empty }] }) as never;
  }

  /**
   * Fills the gaps of a calendar key (a `groupBy(alias, e.bucket(...))`): every bucket overlapping `[from, to)`
   * appears, for every combination of the other keys found in the rows, even where no row falls — `count` 0, other
   * aggregates NULL — so windows over the groups see the calendar itself (`lag` is the previous *day*, a running
   * total carries through empty days). Buckets come from `generate_series`, bucketed by the key's own expression;
   * groups outside the range are left out (filter the rows with `where` too, so they are not grouped at all).
   * ```ts
   * q.groupBy('region').groupBy('day', e.bucket('saleDate', 'day')).aggregate('n', f.count())
   *   .fill('day', { from: new Date('2026-01-01'), to: new Date('2026-02-01') })
   * // WITH "grouped" AS (SELECT ... GROUP BY 1, 2) SELECT ... FROM (SELECT k."region" AS "region", s.b AS "day", COALESCE(g."n", 0) AS "n"
   * //   FROM (SELECT DISTINCT "region" FROM "grouped") AS k CROSS JOIN (SELECT ... FROM generate_series(...) UNION SELECT ...) AS s
   * //   LEFT JOIN "grouped" AS g ON ...) AS "groups" ORDER BY "groups"."region" ASC, "groups"."day" ASC
   * ```
   */
  fill<A extends keyof Cols & string>(alias: A, range: { readonly from: Date; readonly to: Date }): GroupedQuery<M, Row, Cols, W> {
    this.#assertGrouping('fill');
    const key = this.#props.keys.find((k) => k.alias === alias);
    if (!key) throw new WindowSpecError(`fill("${alias}"): not a group key.`);
    const calendar = key.key?.calendar;
    if (!calendar) throw new WindowSpecError(`fill("${alias}"): only a calendar bucket key (groupBy(alias, e.bucket(...))) can be filled.`);
    if (this.#props.fill) throw new WindowSpecError(`fill: "${this.#props.fill.alias}" is filled already; one calendar key can be.`);
    const { from, to } = requireOptions(`fill("${alias}")`, range, ['from', 'to']);
    const series = calendarSeriesSql(calendar, from, to, `fill("${alias}")`);
    return new GroupedQuery({ ...this.#props, fill: { alias, series } });
  }

  /**
   * A group key or aggregate as an expression of the groups, for windows over them and for `selectExpr`:
   * `f.sum(q.column('dayRevenue'))`, `overGroups().orderBy(q.column('day'))`, `e.div(q.column('a'), q.column('b'))`.
   */
  column<A extends keyof Cols & string>(alias: A): Cols[A] {
    const found = [...this.#props.keys, ...this.#props.aggregates].find((c) => c.alias === alias);
    if (!found) throw new WindowSpecError(`column("${String(alias)}"): no group key or aggregate of that name.`);
    return found.column as Cols[A];
  }

  /**
   * A window over this query's groups (`PARTITION BY` / `ORDER BY` group columns): ROWS windows end their order with
   * the group keys they do not partition by, so every order is total. Usable in this query only.
   * ```ts
   * q.overGroups().partitionBy(q.column('region')).orderBy(q.column('day'))
   * // PARTITION BY "region" ORDER BY "day" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
   * ```
   */
  overGroups(): WindowSpec<M, false> {
    return groupWindowSpec(this.#props.model, this.#props.keys.map((k) => k.column as OrderKey), this.#props.scope);
  }

  /** `overGroups()`, by the name a query over another query's rows (`queryOver`) reads better with. */
  overRows(): WindowSpec<M, false> {
    return this.overGroups();
  }

  /** Declares a named window over the groups (`WINDOW "name" AS (...)`), made with `overGroups()`. */
  window<N extends string>(name: N, spec: WindowSpec<M, true>): GroupedQuery<M, Row, Cols, W | N> {
    aliasRef(name);
    if (this.#props.windows.has(name)) throw new WindowSpecError(`Window "${name}" is already defined.`);
    this.#assertOwnWindow(spec);
    spec.toSql();
    return new GroupedQuery({ ...this.#props, windows: new Map([...this.#props.windows, [name, spec]]) });
  }

  /** Adds a window function over the groups as column `alias`, over an `overGroups()` spec or a named window. */
  add<A extends string, T>(alias: A, fn: WindowFunction<M, T>, over: WindowSpec<M, true> | W): GroupedQuery<M, Row & { [K in A]: T }, Cols, W> {
    this.#assertNewAlias(alias, false);
    if (fn?.model !== this.#props.model) throw new WindowSpecError(`add("${alias}"): the function was built for ${String(fn?.model)}, not ${this.#props.model}.`);
    if (typeof over === 'string') {
      if (!this.#props.windows.has(over)) throw new WindowSpecError(`Unknown window "${over}": declare it first with .window("${over}", spec).`);
    } else {
      this.#assertOwnWindow(over);
      renderOver(fn as WindowFunction<M, unknown>, over, undefined);
    }
    return new GroupedQuery({ ...this.#props, functions: [...this.#props.functions, { alias, fn: fn as WindowFunction<M, unknown>, over }] });
  }

  /** Adds an expression of the group columns (window functions over the groups inside it allowed) as `alias`. */
  selectExpr<A extends string, X extends AnyExpr<M>>(alias: A, expr: X): GroupedQuery<M, Row & { [K in A]: ExprValue<X> }, Cols, W> {
    this.#assertNewAlias(alias, false);
    const checked = requireOperand(this.#props.model, expr, `selectExpr("${alias}")`, true);
    if (checked.scope !== undefined && checked.scope !== this.#props.scope) throw new WindowSpecError(`selectExpr("${alias}"): ${checked.label} reads another grouped query's columns.`);
    return new GroupedQuery({ ...this.#props, exprs: [...this.#props.exprs, { alias, expr: checked }] });
  }

  /** Filters rows before they are grouped (`WHERE`). Conditions are ANDed. */
  where(...conditions: Condition<M>[]): GroupedQuery<M, Row, Cols, W> {
    this.#assertGrouping('where');
    for (const condition of conditions) {
      if (condition?.model !== this.#props.model) throw new WindowSpecError(`where: a condition built for ${String(condition?.model)} cannot filter ${this.#props.model}.`);
    }
    return new GroupedQuery({ ...this.#props, where: [...this.#props.where, ...conditions] });
  }

  /**
   * Result order by a group column (the remaining group keys follow, so the order is total). By default: the first
   * window's partition and order keys, then the group keys; without windows, the group keys.
   */
  orderBy<A extends keyof Cols & string>(alias: A, direction: SortDirection = 'asc'): GroupedQuery<M, Row, Cols, W> {
    requireSortDirection(direction);
    return new GroupedQuery({ ...this.#props, orderBy: [...this.#props.orderBy, { key: this.column(alias) as OrderKey, direction }] });
  }

  /** `LIMIT n` on the result. */
  limit(n: number): GroupedQuery<M, Row, Cols, W> {
    if (!Number.isSafeInteger(n) || n < 1) throw new WindowSpecError(`limit must be a positive integer, got ${String(n)}.`);
    return new GroupedQuery({ ...this.#props, limit: n });
  }

  /** Renders the statement; values are bound parameters, identifiers come from Prisma's data model. */
  override toSql(): Prisma.Sql {
    const { model, keys, aggregates, where, windows, functions, exprs } = this.#props;
    if (keys.length === 0) throw new WindowSpecError('groupedQuery needs at least one key: call .groupBy(field) or .groupBy(alias, expr).');
    for (const { alias, expr } of exprs) {
      const unknown = expr.windowNames.find((name) => !windows.has(name));
      if (unknown !== undefined) throw new WindowSpecError(`selectExpr("${alias}"): unknown window "${unknown}": declare it with .window("${unknown}", spec).`);
    }
    // A calendar key of days or longer groups by its label and reads each group's first instant once (see
    // `CalendarBucket.labelled`): the same groups and values as grouping by the bucket itself, for less per row.
    const labelled = (c: GroupColumn<M>) => c.key?.calendar?.labelled;
    const inner = [...keys, ...aggregates].map((c) => Prisma.sql`${labelled(c)?.label() ?? c.value} AS ${aliasRef(c.alias)}`);
    const positions = Prisma.raw(keys.map((_, i) => String(i + 1)).join(', '));
    const byLabel = Prisma.sql`SELECT ${Prisma.join(inner, ', ')} FROM ${tableRef(model)} ${whereAll(where.map((c) => c.sql))} GROUP BY ${positions}`;
    const grouped = keys.some(labelled)
      ? Prisma.sql`SELECT ${Prisma.join(
          [...keys, ...aggregates].map((c) => {
            const ref = Prisma.sql`"labelled".${aliasRef(c.alias)}`;
            return Prisma.sql`${labelled(c)?.first(ref) ?? ref} AS ${aliasRef(c.alias)}`;
          }),
          ', ',
        )} FROM (${byLabel}) AS "labelled"`
      : byLabel;
    const { fill, source } = this.#props;
    const groups = fill ? this.#filledGroups(fill) : grouped;
    const withClause = source ? Prisma.sql`WITH "source" AS (${source}) ` : fill ? Prisma.sql`WITH "grouped" AS (${grouped}) ` : Prisma.empty;
    const from = source ? Prisma.sql`"source" AS "groups"` : Prisma.sql`(${groups}) AS "groups"`;
    const outputs = [
      ...[...keys, ...aggregates].map((c) => Prisma.sql`${outputExprSql(c.column)} AS ${aliasRef(c.alias)}`),
      ...functions.map(({ alias, fn, over }) => Prisma.sql`${outputValueSql(fn, fn.render(renderOver(fn, over, windows)))} AS ${aliasRef(alias)}`),
      ...exprs.map(({ alias, expr }) => Prisma.sql`${outputExprSql(expr, windows)} AS ${aliasRef(alias)}`),
    ];
    const windowClause =
      windows.size === 0 ? Prisma.empty : Prisma.sql` WINDOW ${Prisma.join([...windows].map(([name, spec]) => Prisma.sql`${aliasRef(name)} AS (${spec.toSql()})`), ', ')}`;
    // A bare name in ORDER BY would mean the output column of that name, which for an instant, a timetz or an interval
    // is its converted reading (text for an interval): group columns are ordered by the groups' own column.
    const groupColumns = new Map<unknown, string>([...keys, ...aggregates].map((c) => [c.column, c.alias]));
    const order = Prisma.join(
      this.#resultOrder().map((item) => {
        const alias = groupColumns.get(item.key);
        return orderItemSql(model, item, alias === undefined ? undefined : Prisma.sql`"groups".${aliasRef(alias)}`);
      }),
      ', ',
    );
    const limit = this.#props.limit === undefined ? Prisma.empty : Prisma.sql` LIMIT ${Prisma.raw(String(this.#props.limit))}`;
    return Prisma.sql`${withClause}SELECT ${Prisma.join(outputs, ', ')} FROM ${from}${windowClause} ORDER BY ${order}${limit}`;
  }

  // The order rows come in: explicit keys, or the first window's partition and order keys; then the group keys.
  #resultOrder(): OrderItem[] {
    const { orderBy, functions, windows, keys } = this.#props;
    const window = firstWindowOf(functions, windows);
    const given: OrderItem[] = orderBy.length > 0 || !window ? [...orderBy] : [...window.rowOrder];
    return withTiebreakers(given, keys.map((k) => k.column as OrderKey));
  }

  // The groups with the calendar key's gaps filled: the other keys' combinations × the series, left-joined to the
  // groups of rows ("grouped", a CTE read twice).
  #filledGroups(fill: { readonly alias: string; readonly series: Prisma.Sql }): Prisma.Sql {
    const { keys, aggregates } = this.#props;
    const others = keys.filter((k) => k.alias !== fill.alias).map((k) => aliasRef(k.alias));
    const bucket = aliasRef(fill.alias);
    const combinations = others.length === 0 ? Prisma.sql`(SELECT 1) AS k` : Prisma.sql`(SELECT DISTINCT ${Prisma.join(others, ', ')} FROM "grouped") AS k`;
    const match = [...others.map((k) => Prisma.sql`g.${k} IS NOT DISTINCT FROM k.${k}`), Prisma.sql`g.${bucket} = s.b`];
    const columns = [
      ...keys.map((k) => (k.alias === fill.alias ? Prisma.sql`s.b AS ${bucket}` : Prisma.sql`k.${aliasRef(k.alias)} AS ${aliasRef(k.alias)}`)),
      ...aggregates.map((a) => (a.empty ? Prisma.sql`COALESCE(g.${aliasRef(a.alias)}, ${a.empty}) AS ${aliasRef(a.alias)}` : Prisma.sql`g.${aliasRef(a.alias)} AS ${aliasRef(a.alias)}`)),
    ];
    return Prisma.sql`SELECT ${Prisma.join(columns, ', ')} FROM ${combinations} CROSS JOIN (${fill.series}) AS s LEFT JOIN "grouped" AS g ON ${Prisma.join(match, ' AND ')}`;
  }

  #column(alias: string, sqlType: SqlType, nullable: boolean, calendar?: CalendarBucket, uuid = false, stored?: CatalogEnum): AnyExpr<M> {
    const ref = aliasRef(alias);
    return makeExpr({ model: this.#props.model, sqlType, nullable, label: alias, scope: this.#props.scope, ...(calendar && { calendar }), uuid, enum: stored, render: () => ref });
  }

  #assertNewAlias(alias: string, notAField: boolean): void {
    aliasRef(alias);
    const { keys, aggregates, functions, exprs } = this.#props;
    const taken = [...keys, ...aggregates, ...functions, ...exprs].map((c) => c.alias);
    if (taken.includes(alias)) throw new WindowSpecError(`Duplicate output column "${alias}": choose another alias.`);
    if (notAField && modelFields(this.#props.model).includes(alias)) {
      throw new WindowSpecError(`"${alias}" is a field of ${this.#props.model}: name the group column otherwise, so it cannot be taken for the stored field.`);
    }
  }

  #assertGrouping(what: string): void {
    if (this.#props.source) throw new WindowSpecError(`${what}: a query over another query's rows takes its rows and columns from that query (filter and compute there).`);
  }

  #assertOwnWindow(spec: WindowSpec<M, true>): void {
    if (spec?.model !== this.#props.model) throw new WindowSpecError(`A window built for ${String(spec?.model)} cannot be used over ${this.#props.model}'s groups.`);
    if (spec.groupScope !== this.#props.scope) {
      throw new WindowSpecError("A window over this query's groups must come from its overGroups(): a window over the model's rows would order by the id, which the groups do not have.");
    }
  }
}

/**
 * Starts a GROUP BY query over a Prisma model, with window functions over its groups (see `GroupedQuery`).
 * ```ts
 * groupedQuery('Transaction').groupBy('accountId').aggregate('total', windowFunctions('Transaction').sum('amount'))
 * // SELECT "accountId" AS "accountId", "total" AS "total" FROM (SELECT "accountId" AS "accountId", SUM("amount")  AS "total"
 * //   FROM "public"."Transaction"  GROUP BY 1) AS "groups" ORDER BY "groups"."accountId" ASC
 * ```
 */
export function groupedQuery<M extends ModelName>(model: M): GroupedQuery<M> {
  tableRef(model); // fail fast for an unknown model
  return new GroupedQuery<M>({ model, scope: Symbol(`groups of ${model}`), keys: [], aggregates: [], where: [], windows: new Map(), functions: [], exprs: [], orderBy: [] });
}

/** What a row of a source query holds for an output, as the SQL types it can be (exact at run time). */
type SqlTypesOfValue<V> = [NonNullable<V>] extends [Prisma.Decimal]
  ? 'numeric'
  : [NonNullable<V>] extends [bigint]
    ? 'int8'
    : [NonNullable<V>] extends [number]
      ? 'int4' | 'float8'
      : [NonNullable<V>] extends [string]
        ? 'text'
        : [NonNullable<V>] extends [boolean]
          ? 'bool'
          : [NonNullable<V>] extends [Date]
            ? 'timestamptz' | 'timestamp' | 'date' | 'time' | 'timetz'
            : 'other';

/** The columns a query over `Row`s offers: each output as an expression of the source's rows. */
export type SourceColumns<M extends ModelName, Row> = {
  [K in keyof Row & string]: Expr<M, SqlTypesOfValue<Row[K]>, null extends Row[K] ? true : false>;
};

/**
 * A query over another query's rows — a CTE, `WITH "source" AS (<the query>)` — with window functions over them:
 * what one window query cannot say because window functions do not nest (the change of a running total, the rank
 * of a row's balance among its account's balances, a moving average of a moving average). The source's outputs
 * are its columns (`column(alias)`, typed), read as stored; they pass through to the result. Windows come from
 * `overRows()` and end their ROWS orders with the source's id, which the source must select.
 * ```ts
 * const balances = windowQuery('Transaction').select('id', 'accountId', 'createdAt')
 *   .add('balance', f.runningTotal('amount'), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'));
 * const q = queryOver(balances);
 * q.add('rankOfBalance', f.rank(), q.overRows().partitionBy(q.column('accountId')).orderBy(q.column('balance'), 'desc'))
 * // WITH "source" AS (SELECT "id" AS "id", ..., SUM(COALESCE("amount", 0)) OVER (...) AS "balance" FROM "public"."Transaction" ...)
 * // SELECT "id" AS "id", ..., rank() OVER (PARTITION BY "accountId" ORDER BY "balance" DESC) AS "rankOfBalance"
 * // FROM "source" AS "groups" ORDER BY "groups"."accountId" ASC, "groups"."balance" DESC, "groups"."id" DESC
 * ```
 */
export function queryOver<M extends ModelName, Row extends object>(inner: {
  readonly model: M;
  readonly row: Row;
  asSource(): QuerySource<M>;
}): GroupedQuery<M, Row, SourceColumns<M, Row>> {
  if (typeof (inner as { asSource?: unknown } | null | undefined)?.asSource !== 'function') {
    throw new WindowSpecError(`queryOver: expected a window query (windowQuery(model)...), got ${describe(inner)}.`);
  }
  const source = inner.asSource();
  const scope = Symbol(`rows of a ${source.model} query`);
  const column = (o: QuerySource<M>['outputs'][number]): GroupColumn<M> => {
    const ref = aliasRef(o.alias);
    return { alias: o.alias, value: ref, column: makeExpr({ model: source.model, sqlType: o.sqlType, nullable: o.nullable, label: o.alias, scope, uuid: o.uuid === true, enum: o.enum, enumList: o.enumList, render: () => ref }) };
  };
  const keys = source.ids.map((id) => column(source.outputs.find((o) => o.alias === id)!));
  const rest = source.outputs.filter((o) => !source.ids.includes(o.alias)).map(column);
  return new GroupedQuery({ model: source.model, scope, keys, aggregates: rest, where: [], windows: new Map(), functions: [], exprs: [], orderBy: [], source: source.sql }) as never;
}
