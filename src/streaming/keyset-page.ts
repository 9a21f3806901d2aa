import * as Prisma from '../prisma-runtime.ts';
import type { ModelName } from '../window/catalog.ts';
import { inTransaction, type DbClient } from '../executor/db-client.ts';
import { readThroughPool, readThroughPrisma, type PoolReads, type ReadRows } from '../executor/pool-query.ts';
import { fetchChunk, requireKeysetPlan, type ChunkRow, type KeysetPosition, type OpeningCarry } from './keyset-chunk.ts';
import type { CursorCodec } from './page-cursor.ts';
import { compileOpeningBalance, planFingerprint } from './running-total-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

export interface Page<Row> {
  readonly rows: Row[];
  /** Pass as `after` to get the next page; null on the last page. Opaque and tamper-evident. */
  readonly nextCursor: string | null;
  /** Balance before the first row of this page (what a statement prints as "brought forward"). */
  readonly openingBalance: Prisma.Decimal;
  /** Balance after the last row of this page ("carried forward"). */
  readonly closingBalance: Prisma.Decimal;
}

export interface PageRequest<M extends ModelName> {
  /** One partition (or the global ledger); its `from` starts the statement: earlier rows open the balance. */
  readonly plan: RunningTotalPlan<M>;
  readonly after?: string | undefined;
  readonly limit: number;
  readonly codec: CursorCodec;
  /** Longest wait for a pooled connection: the first page's snapshot transaction, and every page on a pgPool. */
  readonly maxWaitMs: number;
}

/**
 * One statement page: keyset chunk after the cursor's position, totals continuing from the cursor's total (or,
 * for the first page, from the balance before `from`, read with one indexed aggregate). Page N costs what page 1
 * costs. A cursor is bound to its plan's fingerprint, so a cursor of another query is refused. With `through`, the
 * statements run on a connection of its pool and their rows are decoded from the socket (`readThroughPool`,
 * prepared per connection when it says so); else through `db`.
 */
export async function fetchPage<M extends ModelName>(
  db: DbClient,
  request: PageRequest<M>,
  through?: PoolReads,
): Promise<Page<ChunkRow>> {
  requireKeysetPlan(request.plan, 'A page');
  const query = planFingerprint(request.plan);
  // Decoded (and a tampered cursor refused) before any SQL.
  const after = request.after === undefined ? undefined : request.codec.decode(query, request.after);
  if (after !== undefined) {
    return through
      ? readThroughPool(through.pool, (read) => pageFrom(read, request, query, after), { preparedStatements: through.preparedStatements, maxWaitMs: request.maxWaitMs })
      : pageFrom(readThroughPrisma(db), request, query, after);
  }
  // The opening balance and the first rows must come from one snapshot, or a commit between the two statements
  // would make the page's balances disagree with its rows.
  const first = async (read: ReadRows) => pageFrom(read, request, query, { total: await openingBalance(read, request.plan) });
  return through
    ? readThroughPool(through.pool, first, { snapshot: true, preparedStatements: through.preparedStatements, maxWaitMs: request.maxWaitMs })
    : inTransaction(db, (tx) => first(readThroughPrisma(tx)), { isolationLevel: 'RepeatableRead', maxWaitMs: request.maxWaitMs });
}

async function pageFrom<M extends ModelName>(
  read: ReadRows,
  request: PageRequest<M>,
  query: string,
  start: KeysetPosition | OpeningCarry,
): Promise<Page<ChunkRow>> {
  const chunk = await fetchChunk(read, request.plan, start, request.limit);
  const last = chunk.rows.at(-1);
  return {
    rows: chunk.rows,
    nextCursor: chunk.more && chunk.position ? request.codec.encode(query, chunk.position) : null,
    openingBalance: start.total,
    closingBalance: last ? last.runningTotal : start.total,
  };
}

async function openingBalance<M extends ModelName>(read: ReadRows, plan: RunningTotalPlan<M>): Promise<Prisma.Decimal> {
  const sql = compileOpeningBalance(plan);
  if (!sql) return new Prisma.Decimal(0);
  const [row] = await read<{ opening: Prisma.Decimal | bigint | string | null }>(sql, { opening: 'decimal' });
  return new Prisma.Decimal(String(row?.opening ?? 0));
}
