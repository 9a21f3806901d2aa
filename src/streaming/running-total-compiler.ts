import { createHash } from 'node:crypto';
import * as Prisma from '../prisma-runtime.ts';
import { idField, type FieldOf, type ModelName } from '../window/catalog.ts';
import type { Condition } from '../window/conditions.ts';
import { inPartitionList, partitionKeyRelation, withinRange } from '../window/filters.ts';
import { RUNNING_RANGE, RUNNING_ROWS } from '../window/frame.ts';
import { openingBalanceSql } from '../window/opening-balance.ts';
import { runningTotalQuery } from '../window/running-total-query.ts';
import { windowSpec } from '../window/window-spec.ts';
import { afterPosition, fromKey, inPartition } from './keyset-conditions.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/** Where a keyset chunk resumes: the last row's stored keys (exact text), id and running total. */
export interface ResumeAt {
  readonly key: readonly string[];
  readonly order: string;
  readonly id: string;
  readonly total: Prisma.Decimal;
}

export interface CompileOptions {
  /** Resume after this row (keyset chunks and later pages). */
  readonly after?: ResumeAt | undefined;
  /** An amount added to every total of a single-partition query (a first page's opening balance). */
  readonly opening?: Prisma.Decimal | undefined;
  /** `LIMIT n`. */
  readonly limit?: number | undefined;
  /**
   * Also return the stored partition and order values exactly, as `__position: string[]`: of every row (`true`),
   * or of the `n`-th row only (`{ atRow: n }`, from 1; NULL on the others).
   */
  readonly withPosition?: boolean | { readonly atRow: number } | undefined;
  /**
   * With `after`, which of a partition list's rows: `'position'`, those of the position's partition after it (the
   * btree then starts at the position); `'later'`, all rows of the partitions after the position's, their totals
   * from zero. Without it, both at once (see `resumeConditions`).
   */
  readonly partitions?: 'position' | 'later' | undefined;
}

/** The plan's filters: the partitions kept and the `[from, to)` range of the order field. */
export function filtersOf<M extends ModelName>(plan: RunningTotalPlan<M>): Condition<M>[] {
  const { model, partitions } = plan;
  const where: Condition<M>[] = [];
  if (partitions) where.push(...inPartitionList(model, partitions.fields, partitions.keys));
  where.push(...withinRange(model, plan.orderBy, { from: plan.from, to: plan.to }));
  return where;
}

/**
 * The running-total statement of a plan, in each of its forms: the whole result, or one keyset chunk that resumes
 * after a position and carries its total forward inside PostgreSQL. The only place a plan becomes SQL.
 * ```sql
 * SELECT "id" AS "id", ..., SUM(COALESCE("amount", 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC,
 *   "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
 * FROM "public"."Transaction" WHERE "accountId" = ANY(CAST($1 AS int4[])) AND "createdAt" >= CAST($2 AS timestamptz)
 * ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * ```
 */
export function compileRunningTotal<M extends ModelName>(plan: RunningTotalPlan<M>, options: CompileOptions = {}): Prisma.Sql {
  const { model } = plan;
  const later = options.partitions === 'later' ? options.after : undefined;
  const after = later ? undefined : options.after;
  const resume = after ? resumeConditions(plan, after, options.partitions === 'position') : undefined;
  // Resumed within one partition, its key is fixed by the resume conditions: the list filter would only repeat it,
  // and every row takes the carried total.
  const within = resume?.withinPartition === true;
  // The whole result of several keys of several fields: each key read on its own, from the index in the window's
  // order (one field's list, `= ANY`, is read that way by the index scan itself). Not a keyset chunk: its LIMIT
  // would have to read every listed key's rows first (Citus cannot limit a lateral subquery over `unnest`).
  const perPartition =
    options.limit === undefined && !within && listsCompositeKeys(plan) ? partitionKeyRelation(model, plan.partitions!.fields, plan.partitions!.keys) : undefined;
  const where = filtersOf(within || perPartition ? { ...plan, partitions: undefined } : plan);
  if (resume) where.push(...resume.conditions);
  if (later) where.push(afterPosition(model, plan.partitionBy, later.key));
  const window = windowSpec(model)
    .partitionBy(...plan.partitionBy)
    .orderBy(plan.orderBy)
    .frame(plan.frame === 'range' ? RUNNING_RANGE : RUNNING_ROWS);
  // A resumed total belongs to the position's partition only; an opening amount to the one partition queried.
  const carry = after
    ? { amount: after.total, ...(plan.partitionBy.length > 0 && !within && { where: inPartition(model, plan.partitionBy, after.key) }) }
    : options.opening && { amount: options.opening };
  return runningTotalQuery({
    window,
    amount: plan.amount,
    nulls: plan.nulls,
    select: plan.select,
    where,
    ...(options.limit !== undefined && { limit: options.limit }),
    ...(options.withPosition && { positionOf: [...plan.partitionBy, plan.orderBy] }),
    ...(typeof options.withPosition === 'object' && {
      positionAtRow: options.withPosition.atRow,
      // Over one partition (or none), the total's window counts the result's rows: both in one WindowAgg.
      ...((within || holdsOnePartition(plan)) && { positionCountedIn: 'partition' as const }),
    }),
    ...(carry && { carry }),
    ...(perPartition && { perPartition }),
  }).toSql();
}

/** The plan lists several keys of the window's partition fields, more than one of them. */
export function listsCompositeKeys<M extends ModelName>(plan: RunningTotalPlan<M>): boolean {
  return listsPartitionFields(plan) && plan.partitionBy.length > 1 && plan.partitions!.keys.length > 1;
}

/** The plan's partition list names the window's partition fields, in their order (not a subset of them). */
export function listsPartitionFields<M extends ModelName>(plan: RunningTotalPlan<M>): boolean {
  return plan.partitionBy.length > 0 && plan.partitions !== undefined && plan.partitions.fields.join() === plan.partitionBy.join();
}

/** The plan's rows are in one partition of its window: it has none, or its list names exactly one. */
export function holdsOnePartition<M extends ModelName>(plan: RunningTotalPlan<M>): boolean {
  return plan.partitionBy.length === 0 || (listsPartitionFields(plan) && plan.partitions!.keys.length === 1);
}

/**
 * Rows after a keyset position, written so that the btree scan starts as near the position as it can. ROWS
 * resumes after the last row; RANGE after the last complete peer group, so the id is left out. A btree starts
 * its scan at an equality or `= ANY` list on the leading column rather than at a row comparison over it, and read
 * the partition (or the whole list before the position) from its first row on every chunk:
 * - filtered to one partition (pages): its key is fixed, and the position is `(order, id)` within it, where the
 *   scan starts; `"accountId" = $1 AND ("createdAt", "id") > ($2, $3)`;
 * - filtered to a list: the row comparison, and the first key bounded below, so the scan starts at the position's
 *   partition instead of the list's first, but still reads that partition from its first row (the list and the
 *   row comparison cannot both position it); `("accountId", "createdAt", "id") > ($1, $2, $3) AND "accountId" >= $4`.
 *   Keyset chunks read a list in two statements instead (`partitions: 'position'`, then `'later'`);
 * - all partitions: the row comparison alone, where the scan starts.
 */
function resumeConditions<M extends ModelName>(
  plan: RunningTotalPlan<M>,
  after: ResumeAt,
  withinPosition: boolean,
): { readonly conditions: Condition<M>[]; readonly withinPartition: boolean } {
  const { model, partitionBy, partitions } = plan;
  const tail: FieldOf<M>[] = plan.frame === 'rows' ? [plan.orderBy, idField(model) as FieldOf<M>] : [plan.orderBy];
  const tailValues = plan.frame === 'rows' ? [after.order, after.id] : [after.order];
  const keyed = listsPartitionFields(plan);
  if (keyed && (partitions!.keys.length === 1 || withinPosition)) {
    return { conditions: [inPartition(model, partitionBy, after.key), afterPosition(model, tail, tailValues)], withinPartition: true };
  }
  const position = afterPosition(model, [...partitionBy, ...tail], [...after.key, ...tailValues]);
  return { conditions: keyed ? [position, fromKey(model, partitionBy[0]!, after.key[0]!)] : [position], withinPartition: false };
}

/**
 * The balance before the plan's `from` within its partitions: one indexed aggregate, the opening balance of a
 * statement's first page. Undefined without `from` (the balance then starts at zero).
 */
export function compileOpeningBalance<M extends ModelName>(plan: RunningTotalPlan<M>): Prisma.Sql | undefined {
  if (!plan.from) return undefined;
  const partitionOnly = { ...plan, from: undefined, to: undefined };
  return openingBalanceSql(plan.model, plan.amount, plan.orderBy, plan.from, filtersOf(partitionOnly));
}

// Values as they identify a key or a query: big integers and decimals by their digits (plain JSON throws on a
// bigint and prints a Decimal's internals).
function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (Prisma.Decimal.isDecimal(value)) return `${value.toFixed()}d`;
  return value;
}

/** Key values as one comparable string: equal keys give equal text (`[42]`, `["EMEA"]`, `["7n"]`). */
export function keyText(values: unknown): string {
  return JSON.stringify(values, canonical);
}

/**
 * A short digest of everything that decides a plan's rows and totals (model, scope, partitions, range, frame,
 * NULL policy): a page cursor carries it, so a cursor is refused by any other query.
 */
export function planFingerprint<M extends ModelName>(plan: RunningTotalPlan<M>): string {
  return createHash('sha256').update(keyText(planIdentity(plan))).digest('base64url').slice(0, 22);
}

/** What decides a plan's rows and totals, as `keyText` reads it: model, scope, partitions, range, frame, NULL policy. */
export function planIdentity<M extends ModelName>(plan: RunningTotalPlan<M>): unknown[] {
  return [plan.model, plan.partitionBy, plan.partitions?.keys ?? null, plan.from?.getTime() ?? null, plan.to?.getTime() ?? null, plan.frame, plan.nulls];
}
