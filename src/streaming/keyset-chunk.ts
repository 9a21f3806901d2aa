import * as Prisma from '../prisma-runtime.ts';
import { columnInfo, idField, isCollatable, requireIdTiebreaker, type ModelName } from '../window/catalog.ts';
import { textArrayFromText } from '../executor/field-decoders.ts';
import type { ReadRows } from '../executor/pool-query.ts';
import { compileRunningTotal, holdsOnePartition, listsPartitionFields, type ResumeAt } from './running-total-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { runningTotalColumns } from './result-columns.ts';
import { resumeStatement } from './resume-statements.ts';

/**
 * Where the previous chunk stopped: its last row's stored keys and running total. Keys are the server's exact
 * text of the stored values (a `timestamptz` keeps its microseconds), never JavaScript values: a `Date` holds
 * milliseconds, and a position rounded to them would repeat or skip rows.
 */
export interface KeysetPosition extends ResumeAt {
  /** Partition key values of the last row, one per PARTITION BY field (empty for a global total). */
  readonly key: readonly string[];
  /** Order value (time) of the last row. */
  readonly order: string;
  /** Id of the last row (ROWS frames resume after it; RANGE frames resume after the whole peer group). */
  readonly id: string;
  /** Running total after the last row, carried into the next chunk. */
  readonly total: Prisma.Decimal;
}

/** Carried into the first chunk of a single-partition query: e.g. the balance before a page's `from`. */
export interface OpeningCarry {
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

/** Output column holding a row's stored partition and order values (removed before rows are returned). */
const POSITION = '__position';

/**
 * The position as `$queryRaw` returns it (`string[]`), or its text as read from the pool, parsed when needed; NULL
 * on the rows of a ROWS chunk but the one it resumes after.
 */
type RawChunkRow = ChunkRow & { [POSITION]?: string[] | string | null };

/** A row's stored partition and order values, if the chunk returned them for this row. */
function positionOf(row: RawChunkRow): readonly (string | null)[] | undefined {
  const stored = row[POSITION];
  if (stored === null || stored === undefined) return undefined;
  return typeof stored === 'string' ? textArrayFromText(stored) : stored;
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
  read: ReadRows,
  plan: RunningTotalPlan<M>,
  from: KeysetPosition | OpeningCarry | undefined,
  limit: number,
): Promise<Chunk> {
  // Only the last row's position (and with RANGE, a few before it) is ever read: its text is parsed then. Rows of
  // a ROWS chunk of one partition carry none but one, and do not get the property where it is NULL.
  const columns = { ...runningTotalColumns(plan), [POSITION]: 'sparse-text' } as const;
  // Counting rows across partitions takes a window without PARTITION BY, which a Citus coordinator computes itself
  // after pulling every remaining row of the list from the workers: there, every row carries its position.
  const onePartition = holdsOnePartition(plan);
  // Resuming inside a list of partitions: the rest of the position's partition first, where the btree can start at
  // the position, then, if the chunk has room, the partitions after it from their first rows.
  const split = from !== undefined && 'order' in from && !onePartition && listsPartitionFields(plan);
  for (let size = limit; ; size *= 2) {
    let rows: RawChunkRow[];
    if (split) {
      rows = await read<RawChunkRow>(chunkSql(plan, from, size + 1, undefined, 'position'), columns);
      if (rows.length <= size) rows = rows.concat(await read<RawChunkRow>(chunkSql(plan, from, size + 1 - rows.length, undefined, 'later'), columns));
    } else {
      rows = await read<RawChunkRow>(chunkSql(plan, from, size + 1, plan.frame === 'rows' && onePartition ? size : undefined), columns);
    }
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    if (!more || plan.frame === 'rows') return finish(plan, page, more);
    const complete = withoutTrailingPeers(plan, page, rows[size]!);
    if (complete.length > 0) return finish(plan, complete, true);
    // One peer group is larger than the limit: read again with a larger one.
  }
}

/**
 * Refuses, before any SQL, a plan whose keyset position cannot be (partition, order, id): a ROWS frame across the
 * partitions of a model whose id is unique only with other key fields (a distributed table's `(accountId, id)`).
 * Streams and pages, the only callers of `fetchChunk`, call it first.
 */
export function requireKeysetPlan<M extends ModelName>(plan: RunningTotalPlan<M>, what: string): void {
  if (plan.frame === 'rows') requireIdTiebreaker(plan.model, plan.partitionBy, what);
}

/**
 * The SQL of one chunk (exported for explain and tests). With `positionAt` (chunks of one partition), only that
 * row (from 1) carries its position: a ROWS chunk resumes after its last row, the `limit - 1`-th of the `limit` it
 * reads (the last one only tells whether there are more). A RANGE chunk compares the positions of the rows at its
 * end, and a chunk over several partitions cannot count its rows where Citus computes its windows: every row
 * carries one.
 */
export function chunkSql<M extends ModelName>(
  plan: RunningTotalPlan<M>,
  from: KeysetPosition | OpeningCarry | undefined,
  limit: number,
  positionAt?: number,
  partitions?: 'position' | 'later',
): Prisma.Sql {
  const withPosition = positionAt === undefined ? true : { atRow: positionAt };
  if (from !== undefined && 'order' in from) {
    // After a position: the plan's statement of this shape, compiled once, with the position bound into it.
    return resumeStatement(plan, `${limit}|${positionAt}|${partitions}`, from, (after) => compileRunningTotal(plan, { after, limit, withPosition, partitions }));
  }
  return compileRunningTotal(plan, { ...(from !== undefined && { opening: from.total }), limit, withPosition, partitions });
}

// Takes the position from the last row and removes the position column from every row returned.
function finish<M extends ModelName>(plan: RunningTotalPlan<M>, rows: RawChunkRow[], more: boolean): Chunk {
  const last = rows.at(-1);
  const stored = last === undefined ? undefined : positionOf(last);
  const position =
    last && stored
      ? {
          key: stored.slice(0, plan.partitionBy.length) as string[],
          order: stored[plan.partitionBy.length]!,
          id: String(last[idField(plan.model)]),
          total: last.runningTotal,
        }
      : undefined;
  // Present on every row read through Prisma (NULL on most), on few read from the pool (see 'sparse-text').
  for (const row of rows) if (POSITION in row) delete row[POSITION];
  return { rows, position, more };
}

// Whether two rows may be peers (equal partition and order values), compared as stored: numerics by value
// (1.5 = 1.50), the order and other keys by the server's exact text (a timestamptz to the microsecond). Text keys
// compare in their column's collation, which may call different strings equal ('a' and 'A' under a
// case-insensitive one) and which JavaScript cannot apply: they are taken as maybe equal. Holding back a row that
// is not a peer only costs a row of the chunk; cutting a peer group in two would skip the rest of it.
function mayBePeers<M extends ModelName>(plan: RunningTotalPlan<M>, x: readonly (string | null)[], y: readonly (string | null)[]): boolean {
  const fields = [...plan.partitionBy, plan.orderBy];
  return fields.every((field, i) => {
    if (isCollatable(plan.model, field) && x[i] != null && y[i] != null) return true;
    return columnInfo(plan.model, field).type === 'Decimal' && x[i] != null && y[i] != null ? new Prisma.Decimal(x[i]!).equals(y[i]!) : x[i] === y[i];
  });
}

// Drops the rows at the end of `rows` that may be peers of `next` (the first row not returned).
function withoutTrailingPeers<M extends ModelName>(plan: RunningTotalPlan<M>, rows: RawChunkRow[], next: RawChunkRow): RawChunkRow[] {
  const after = positionOf(next)!;
  let end = rows.length;
  while (end > 0 && mayBePeers(plan, positionOf(rows[end - 1]!)!, after)) end -= 1;
  return rows.slice(0, end);
}
