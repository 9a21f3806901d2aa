import { Prisma } from '../generated/prisma/client.ts';
import { idField, type FieldOf, type ModelName } from '../window/catalog.ts';
import { conditions } from '../window/conditions.ts';
import { RUNNING_RANGE, RUNNING_ROWS } from '../window/frame.ts';
import { runningTotalQuery } from '../window/running-total-query.ts';
import { windowSpec } from '../window/window-spec.ts';
import type { DbClient } from '../repositories/db-client.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/** Where the previous chunk stopped: its last row's keys and running total. */
export interface KeysetPosition {
  /** Partition key values of the last row, one per PARTITION BY field (empty for a global total). */
  readonly key: readonly unknown[];
  /** Order value (time) of the last row. */
  readonly time: Date;
  /** Id of the last row (ROWS frames resume after it; RANGE frames resume after the whole peer group). */
  readonly id: bigint;
  /** Running total after the last row, carried into the next chunk. */
  readonly total: Prisma.Decimal;
}

/** Carried into the first chunk without a position: e.g. an opening balance before `from`. */
export interface OpeningCarry {
  readonly key: readonly unknown[];
  readonly total: Prisma.Decimal;
}

export type ChunkRow = Record<string, unknown> & { runningTotal: Prisma.Decimal };

export interface Chunk {
  readonly rows: ChunkRow[];
  /** Position after the last row of `rows`; undefined when `rows` is empty. */
  readonly position: KeysetPosition | undefined;
  /** False when the data ended inside this chunk. */
  readonly more: boolean;
}

/**
 * One keyset chunk of a running total: an indexed range query `WHERE (key, time, id) > (...)` whose window
 * result is offset, exactly and inside PostgreSQL, by the total carried from the previous chunk. Total work is
 * linear in rows, and a chunk deep into the table costs what the first one costs.
 *
 * With a RANGE frame, peers (equal key and time) share one total, so a chunk never ends inside a peer group:
 * the trailing group is held back for the next chunk, and the limit grows when one group exceeds it.
 */
export async function fetchChunk<M extends ModelName>(
  db: DbClient,
  plan: RunningTotalPlan<M>,
  from: KeysetPosition | OpeningCarry | undefined,
  limit: number,
): Promise<Chunk> {
  for (let size = limit; ; size *= 2) {
    const rows = await db.$queryRaw<ChunkRow[]>(chunkSql(plan, from, size + 1));
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    if (!more || plan.frame === 'rows') return { rows: page, position: positionOf(plan, page.at(-1)), more };
    const complete = withoutTrailingPeers(plan, page, rows[size]!);
    if (complete.length > 0) return { rows: complete, position: positionOf(plan, complete.at(-1)), more: true };
    // One peer group is larger than the limit: read again with a larger one.
  }
}

/** The SQL of one chunk (exported for explain and tests). */
export function chunkSql<M extends ModelName>(
  plan: RunningTotalPlan<M>,
  from: KeysetPosition | OpeningCarry | undefined,
  limit: number,
): Prisma.Sql {
  const { model } = plan;
  const c = conditions(model);
  const id = idField(model) as FieldOf<M>;
  const where = [...plan.where];
  if (from && 'id' in from) {
    const keys: FieldOf<M>[] = [...plan.partitionBy, plan.orderBy];
    const values: unknown[] = [...from.key, from.time];
    // ROWS resumes after the last row; RANGE after the last complete peer group, so the id is left out.
    where.push(plan.frame === 'rows' ? c.after([...keys, id], [...values, from.id]) : c.after(keys, values));
  }
  const base = windowSpec(model);
  const window = base
    .partitionBy(...plan.partitionBy)
    .orderBy(plan.orderBy)
    .frame(plan.frame === 'range' ? RUNNING_RANGE : RUNNING_ROWS);
  const carry =
    from === undefined
      ? undefined
      : {
          amount: from.total,
          ...(plan.partitionBy.length > 0 && {
            where: c.and(...plan.partitionBy.map((field, i) => c.compare(field, '=', from.key[i] as never))),
          }),
        };
  return runningTotalQuery({
    window,
    amount: plan.amount,
    nulls: plan.nulls,
    select: plan.select,
    where,
    limit,
    ...(carry && { carry }),
  }).toSql();
}

function positionOf<M extends ModelName>(plan: RunningTotalPlan<M>, row: ChunkRow | undefined): KeysetPosition | undefined {
  if (!row) return undefined;
  return {
    key: plan.partitionBy.map((field) => row[field]),
    time: row[plan.orderBy] as Date,
    id: row[idField(plan.model)] as bigint,
    total: row.runningTotal,
  };
}

function samePeers<M extends ModelName>(plan: RunningTotalPlan<M>, a: ChunkRow, b: ChunkRow): boolean {
  return [...plan.partitionBy, plan.orderBy].every((field) => sameValue(a[field], b[field]));
}

// Values as $queryRaw returns them: Dates and Decimals are objects, so compare what they hold.
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Prisma.Decimal.isDecimal(a) && Prisma.Decimal.isDecimal(b)) return a.equals(b);
  return a === b;
}

// Drops the rows at the end of `rows` that are peers of `next` (the first row not returned).
function withoutTrailingPeers<M extends ModelName>(plan: RunningTotalPlan<M>, rows: ChunkRow[], next: ChunkRow): ChunkRow[] {
  let end = rows.length;
  while (end > 0 && samePeers(plan, rows[end - 1]!, next)) end -= 1;
  return rows.slice(0, end);
}
