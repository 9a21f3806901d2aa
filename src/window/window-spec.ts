import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { idField, tiebreakerOf, type FieldOf, type ModelName } from './catalog.ts';
import { isNumericType, type AnyExpr, type Operand } from './expression.ts';
import { checkedFrameSql, fixedLengthFrame, frameSql, hasBigintOffset, hasInfiniteOffset, hasIntervalOffset, hasOffset, requireFrame, RUNNING_ROWS, type Frame, type FrameBound } from './frame.ts';
import { orderKeyExpr, orderKeyField, orderKeyLabel, orderKeySql, requireNullsOrder, requireOrderKey, requireSortDirection, sameOrderKey, type OrderKey } from './order-key.ts';

export type SortDirection = 'asc' | 'desc';
export type NullsOrder = 'first' | 'last';

/** One ORDER BY key: a field or an expression (see `expressions`), its direction and NULLS placement. */
export interface OrderItem<F extends string = string> {
  readonly key: OrderKey<F>;
  readonly direction: SortDirection;
  readonly nulls?: NullsOrder | undefined;
}

interface WindowSpecProps<M extends ModelName> {
  readonly model: M;
  readonly partitionBy: readonly OrderKey<FieldOf<M>>[];
  readonly orderBy: readonly OrderItem<FieldOf<M>>[];
  readonly frame: Frame;
  /** `wholePartition()` was called: no ORDER BY, the frame is the whole partition. */
  readonly whole?: boolean | undefined;
  /**
   * A window over the groups of a grouped query: its rows are the groups, so the group keys (not the model's id)
   * make its order total, and it can be used in that query only.
   */
  readonly groups?: { readonly keys: readonly OrderKey[]; readonly scope: symbol } | undefined;
}

/**
 * An immutable window specification: `PARTITION BY ... ORDER BY ... <frame>`. Every method returns a new spec.
 *
 * The type parameter `Ordered` records whether `orderBy` was called: only an ordered spec can be rendered
 * (`toSql`) or used by a window function, so a running total without ORDER BY does not compile — and a spec
 * forced through with a cast still fails at runtime with a `WindowSpecError`.
 *
 * ```ts
 * const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
 * w.toSql();
 * // PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 * ```
 */
export class WindowSpec<M extends ModelName, Ordered extends boolean = false> {
  readonly #props: WindowSpecProps<M>;
  /** Phantom marker read only by the type checker. */
  declare readonly ordered: Ordered;

  constructor(props: WindowSpecProps<M>) {
    this.#props = Object.freeze({ ...props, partitionBy: Object.freeze([...props.partitionBy]), orderBy: Object.freeze([...props.orderBy]) });
  }

  get model(): M {
    return this.#props.model;
  }
  /** The partition keys: fields and expressions. */
  get partitionKeys(): readonly OrderKey<FieldOf<M>>[] {
    return this.#props.partitionBy;
  }
  /** The partition keys that are stored fields (what holds a composite key's fields constant). */
  get partitionFields(): readonly FieldOf<M>[] {
    return this.#props.partitionBy.map(orderKeyField).filter((field): field is FieldOf<M> => field !== undefined);
  }
  get orderItems(): readonly OrderItem<FieldOf<M>>[] {
    return this.#props.orderBy;
  }
  get currentFrame(): Frame {
    return this.#props.frame;
  }
  /**
   * The order a query's rows take from this window when the query gives none: the partition keys ascending, then
   * the window's ORDER BY (the query appends its own tiebreakers).
   */
  get rowOrder(): readonly OrderItem<FieldOf<M>>[] {
    return [...this.#props.partitionBy.map((key) => ({ key, direction: 'asc' as const })), ...this.#props.orderBy];
  }
  /** True for a spec made by `wholePartition()`. */
  get isWholePartition(): boolean {
    return this.#props.whole === true;
  }

  /**
   * Every row of the partition, in no order: `OVER (PARTITION BY ...)` with no ORDER BY and no frame, for
   * aggregates that do not depend on order (`sum`, `count`, `avg`, `min`, `max`, `stddev`, `boolAnd`, ...): the
   * partition's total on every row. Asked for by name, so a window without ORDER BY is never written by accident;
   * functions whose result depends on an order (ranks, `lag`, `firstValue`, `arrayAgg`, moving frames) refuse it.
   * ```ts
   * windowSpec('Transaction').partitionBy('accountId').wholePartition() // PARTITION BY "accountId"
   * ```
   */
  wholePartition(this: WindowSpec<M, false>): WindowSpec<M, true> {
    if (this.#props.orderBy.length > 0) throw new WindowSpecError('wholePartition() is a window without ORDER BY: drop .orderBy(...).');
    return new WindowSpec<M, true>({ ...this.#props, whole: true });
  }

  /**
   * Adds partition keys (appended to any already given): fields, or expressions of the row (`expressions(model)`),
   * e.g. a calendar bucket.
   * ```ts
   * windowSpec('SalesRecord').partitionBy('region') // PARTITION BY "region"
   * windowSpec('SalesRecord').partitionBy(e.bucket('saleDate', 'month'))
   * // PARTITION BY CAST(date_trunc('month', CAST("saleDate" AS timestamp)) AS date)
   * ```
   */
  partitionBy(...keys: Operand<M>[]): WindowSpec<M, Ordered> {
    const checked = keys.map((key, i) => requireOrderKey(this.#props.model, key, `partitionBy argument ${i + 1}`) as OrderKey<FieldOf<M>>);
    return new WindowSpec({ ...this.#props, partitionBy: [...this.#props.partitionBy, ...checked] });
  }

  /**
   * Adds an order key: a field, or an expression of the row. The model's id is appended as the last key when the
   * spec is rendered with a ROWS frame, so the order is total and every run gives the same result.
   * ```ts
   * windowSpec('Transaction').orderBy('createdAt', 'desc', 'last')
   * // ORDER BY "createdAt" DESC NULLS LAST, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
   * windowSpec('Transaction').orderBy(e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' }))
   * // ORDER BY (CASE WHEN ... THEN date_trunc('day', "createdAt", CAST($4 AS text)) ELSE ... END) ASC, "id" ASC ROWS ...
   * ```
   */
  orderBy(key: Operand<M>, direction: SortDirection = 'asc', nulls?: NullsOrder): WindowSpec<M, true> {
    if (this.#props.whole) throw new WindowSpecError('A wholePartition() window has no order: start a new windowSpec to order one.');
    const field = requireOrderKey(this.#props.model, key, 'orderBy') as OrderKey<FieldOf<M>>;
    requireSortDirection(direction);
    requireNullsOrder(nulls);
    const item: OrderItem<FieldOf<M>> = nulls ? { key: field, direction, nulls } : { key: field, direction };
    return new WindowSpec<M, true>({ ...this.#props, orderBy: [...this.#props.orderBy, item] });
  }

  /**
   * Replaces the frame. See {@link RUNNING_ROWS} (the default) and {@link RUNNING_RANGE}. The frame is checked now
   * (`WindowSpecError` for an unknown mode or bound, a negative offset, a malformed interval) and kept as a frozen
   * copy, so later changes to the object passed in cannot reach the SQL.
   * ```ts
   * windowSpec('Transaction').orderBy('createdAt').frame({ mode: 'ROWS', start: { preceding: 2 }, end: 'CURRENT ROW' })
   * ```
   */
  frame(frame: Frame): WindowSpec<M, Ordered> {
    if (this.#props.whole) throw new WindowSpecError('A wholePartition() window is always the whole partition: it takes no frame.');
    const checked = requireFrame(frame);
    if (this.#props.orderBy.length > 0) requireRangeOffsetsFit(this.#props.model, this.#props.orderBy, checked);
    return new WindowSpec({ ...this.#props, frame: checked });
  }

  /** `ROWS BETWEEN start AND end` — e.g. `.rows({ preceding: 6 }, 'CURRENT ROW')` for a 7-row moving window. */
  rows(start: FrameBound, end: FrameBound = 'CURRENT ROW'): WindowSpec<M, Ordered> {
    return this.frame({ mode: 'ROWS', start, end });
  }

  /**
   * `RANGE BETWEEN start AND end`. Rows with equal ORDER BY keys (peers) fall in or out of the frame together, so
   * they share one result. The id tiebreaker is *not* appended for RANGE (it would make every row its own peer).
   * ```ts
   * windowSpec('SalesRecord').orderBy('saleDate').range({ preceding: { interval: '6 days' } })
   * // ORDER BY "saleDate" ASC RANGE BETWEEN CAST($1 AS interval) PRECEDING AND CURRENT ROW
   * ```
   */
  range(start: FrameBound, end: FrameBound = 'CURRENT ROW'): WindowSpec<M, Ordered> {
    return this.frame({ mode: 'RANGE', start, end });
  }

  /** `GROUPS BETWEEN start AND end`: offsets count peer groups. Like RANGE, no id tiebreaker is appended. */
  groups(start: FrameBound, end: FrameBound = 'CURRENT ROW'): WindowSpec<M, Ordered> {
    return this.frame({ mode: 'GROUPS', start, end });
  }

  /**
   * The full ORDER BY list as rendered: the given keys, plus the id tiebreaker unless the frame groups peers
   * (RANGE / GROUPS) or the id is already a key.
   */
  effectiveOrder(options: { tiebreaker?: boolean } | undefined = {}): readonly OrderItem<FieldOf<M>>[] {
    const order = this.#props.orderBy;
    const wantsTiebreaker = options?.tiebreaker ?? this.#props.frame.mode === 'ROWS';
    const last = order.at(-1);
    if (!wantsTiebreaker || !last) return order;
    return withTiebreakers(order, this.tiebreakerKeys);
  }

  /**
   * The fields that make this window's order total: the id, plus the other fields of a composite primary key the
   * partition does not hold constant (`accountId` of `@@id([accountId, id])` when not partitioned by it).
   */
  get tiebreakerFields(): readonly FieldOf<M>[] {
    return tiebreakerOf(this.#props.model, this.partitionFields) as FieldOf<M>[];
  }

  /**
   * The keys that make this window's order total: `tiebreakerFields`, or over a grouped query's groups the group
   * keys the partition does not hold.
   */
  get tiebreakerKeys(): readonly OrderKey<FieldOf<M>>[] {
    const groups = this.#props.groups;
    if (!groups) return this.tiebreakerFields;
    return groups.keys.filter((key) => !this.#props.partitionBy.some((p) => sameOrderKey(p, key))) as OrderKey<FieldOf<M>>[];
  }

  /** The grouped query this window belongs to (`undefined` for a window over the model's rows). */
  get groupScope(): symbol | undefined {
    return this.#props.groups?.scope;
  }

  /**
   * The scopes of the columns its partition and order keys read: a grouped query's columns, or a window query's
   * joined fields. Such a spec belongs to that query.
   */
  get keyScopes(): readonly symbol[] {
    const keys = [...this.#props.partitionBy, ...this.#props.orderBy.map((item) => item.key)];
    return [...new Set(keys.flatMap((key) => (typeof key !== 'string' && key.scope !== undefined ? [key.scope] : [])))];
  }

  /**
   * Renders the specification (the text between the parentheses of `OVER (...)` or `WINDOW w AS (...)`).
   * `tiebreaker` overrides the default (on for ROWS): ranking functions such as `rank()` pass `false`, since
   * their meaning depends on peers.
   */
  toSql(this: WindowSpec<M, true>, options: { tiebreaker?: boolean; frame?: boolean } | undefined = {}): Prisma.Sql {
    const { model, partitionBy, orderBy, frame } = this.#props;
    if (this.#props.whole) {
      return partitionBy.length === 0 ? Prisma.empty : Prisma.sql`PARTITION BY ${Prisma.join(partitionBy.map((k) => orderKeySql(model, k)), ', ')}`;
    }
    if (orderBy.length === 0) {
      throw new WindowSpecError(
        'A window without ORDER BY has no defined running order. Call .orderBy(field) before using the window.',
      );
    }
    requireRangeOffsetsFit(model, orderBy, frame);
    const parts: Prisma.Sql[] = [];
    if (partitionBy.length > 0) {
      parts.push(Prisma.sql`PARTITION BY ${Prisma.join(partitionBy.map((k) => orderKeySql(model, k)), ', ')}`);
    }
    // A RANGE with interval offsets along an instant: along a calendar bucket of a zone, the frame counts that zone's
    // days and months (ordered by the bucket's local wall-clock time, the same order); along any other instant, the
    // offsets are written with a fixed length (see fixedLengthFrame; months were refused above).
    const distance = options?.frame !== false && frame.mode === 'RANGE' && [frame.start, frame.end].some(hasIntervalOffset) ? instantKey(model, orderBy) : undefined;
    const zone = distance?.calendar?.zone;
    const items = this.effectiveOrder(options).map((item, i) =>
      i === 0 && zone ? orderItemSql(model, item, Prisma.sql`(${orderKeySql(model, item.key)} AT TIME ZONE ${zone})`) : orderItemSql(model, item),
    );
    parts.push(Prisma.sql`ORDER BY ${Prisma.join(items, ', ')}`);
    if (options?.frame !== false) parts.push(distance && !zone ? checkedFrameSql(fixedLengthFrame(frame)!) : frameSql(frame));
    return Prisma.join(parts, ' ');
  }
}

/**
 * A RANGE frame with an offset measures a distance along its single ORDER BY column, so the offset must suit that
 * column: an interval for a date/time column, a number for a numeric one. PostgreSQL would reject anything else
 * only when the query runs.
 */
function requireRangeOffsetsFit(model: string, orderBy: readonly OrderItem[], frame: Frame): void {
  const bounds = [frame.start, frame.end];
  if (frame.mode !== 'RANGE' || !bounds.some(hasOffset)) return;
  if (orderBy.length !== 1) throw new WindowSpecError('A RANGE frame with an offset needs exactly one ORDER BY column.');
  const key = orderBy[0]!.key;
  const type = orderKeyExpr(model as ModelName, key).sqlType;
  const interval = bounds.some(hasIntervalOffset);
  const numeric = bounds.some((bound) => hasOffset(bound) && !hasIntervalOffset(bound));
  const where = `A RANGE offset is a distance along the ORDER BY key ${model}.${orderKeyLabel(key)} (${type})`;
  if (['timestamptz', 'timestamp', 'date', 'time', 'timetz', 'interval'].includes(type)) {
    if (numeric) throw new WindowSpecError(`${where}: use an interval such as { preceding: { interval: '7 days' } }.`);
    if (type === 'timestamptz' && interval && !instantKey(model as ModelName, orderBy)?.calendar?.zone && fixedLengthFrame(frame) === undefined) {
      throw new WindowSpecError(
        `${where}: months and years have no fixed length along an instant (PostgreSQL would count them in the session's zone); ` +
          "use days or hours, or order by a calendar bucket of the instant in your zone (e.bucket(field, 'day', { timeZone })), " +
          'along which a frame counts that zone\'s days and months.',
      );
    }
  } else if (isNumericType(type)) {
    if (interval) throw new WindowSpecError(`${where}: use a number in the column's unit, not an interval.`);
    const fractional = bounds.some((bound) => typeof bound === 'object' && Object.values(bound).some((o) => typeof o === 'number' && !Number.isInteger(o)));
    if (bounds.some(hasInfiniteOffset) && (type === 'int4' || type === 'int8')) {
      throw new WindowSpecError(`${where}: an integer column has no infinite distance; use UNBOUNDED PRECEDING / FOLLOWING.`);
    }
    if (fractional && (type === 'int4' || type === 'int8')) throw new WindowSpecError(`${where}: an integer column takes whole-number offsets.`);
    // A number beyond 2^53 prints as a numeric literal, which PostgreSQL does not measure integer columns with.
    const unsafe = bounds.some((bound) => typeof bound === 'object' && Object.values(bound).some((o) => typeof o === 'number' && Number.isFinite(o) && !Number.isSafeInteger(o)));
    if (unsafe && (type === 'int4' || type === 'int8')) {
      throw new WindowSpecError(`${where}: a number offset along an integer column is at most Number.MAX_SAFE_INTEGER; pass a bigint (at most 2n ** 63n - 1n) for more.`);
    }
    // PostgreSQL measures numeric and float keys with offsets of their own type; an int8 offset fits integer keys.
    if (bounds.some(hasBigintOffset) && type !== 'int4' && type !== 'int8') {
      throw new WindowSpecError(`${where}: a bigint offset fits integer columns; use a number here.`);
    }
  } else {
    throw new WindowSpecError(`${where}: only numeric and date/time columns have distances; use ROWS or GROUPS.`);
  }
}

// The single ORDER BY key of a RANGE frame, as an expression, when it is an instant.
function instantKey(model: ModelName, orderBy: readonly OrderItem[]): AnyExpr | undefined {
  if (orderBy.length !== 1) return undefined;
  const key = orderKeyExpr(model, orderBy[0]!.key);
  return key.sqlType === 'timestamptz' ? key : undefined;
}

/**
 * `order` ending with the tiebreaker fields it does not hold yet, in the direction of its last key (ascending for
 * an empty order).
 */
export function withTiebreakers<F extends string>(order: readonly OrderItem<F>[], tiebreakers: readonly OrderKey<F>[]): OrderItem<F>[] {
  const direction = order.at(-1)?.direction ?? 'asc';
  const missing = tiebreakers.filter((key) => !order.some((item) => sameOrderKey(item.key, key)));
  return [...order, ...missing.map((key) => ({ key, direction }))];
}

/**
 * A window over the groups of a grouped query (see `GroupedQuery.window`): ordered, framed and partitioned like any
 * spec, with the group keys as its tiebreakers.
 */
export function groupWindowSpec<M extends ModelName>(model: M, keys: readonly OrderKey[], scope: symbol): WindowSpec<M, false> {
  return new WindowSpec<M, false>({ model, partitionBy: [], orderBy: [], frame: RUNNING_ROWS, groups: { keys, scope } });
}

/** `"column" ASC [NULLS FIRST|LAST]`; `column` overrides the key's SQL (e.g. an alias in an outer query). */
export function orderItemSql(model: string, item: OrderItem, column?: Prisma.Sql): Prisma.Sql {
  const direction = Prisma.raw(item.direction === 'desc' ? 'DESC' : 'ASC');
  const nulls = item.nulls ? Prisma.raw(item.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST') : Prisma.empty;
  return Prisma.sql`${column ?? orderKeySql(model as ModelName, item.key)} ${direction}${nulls}`;
}

/**
 * Starts a window specification for a Prisma model. The frame defaults to
 * `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, whose order ends with the model's id (in the last key's direction).
 * ```ts
 * windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt', 'desc').toSql()
 * // PARTITION BY "accountId" ORDER BY "createdAt" DESC, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 * ```
 */
export function windowSpec<M extends ModelName>(model: M): WindowSpec<M, false> {
  idField(model); // fail fast for models without a single-field id
  return new WindowSpec<M, false>({ model, partitionBy: [], orderBy: [], frame: RUNNING_ROWS });
}
