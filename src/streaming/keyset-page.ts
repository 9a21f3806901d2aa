import * as Prisma from '../prisma-runtime.ts';
import type { ModelName } from '../window/catalog.ts';
import { inTransaction, queryRows, type DbClient } from '../executor/db-client.ts';
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
}

/**
 * One statement page: keyset chunk after the cursor's position, totals continuing from the cursor's total (or,
 * for the first page, from the balance before `from`, read with one indexed aggregate). Page N costs what page 1
 * costs. A cursor is bound to its plan's fingerprint, so a cursor of another query is refused.
 */
export async function fetchPage<M extends ModelName>(db: DbClient, request: PageRequest<M>): Promise<Page<ChunkRow>> {
  requireKeysetPlan(request.plan, 'A page');
  const query = planFingerprint(request.plan);
  if (request.after !== undefined) {
    return pageFrom(db, request, query, request.codec.decode(query, request.after));
  }
  // The opening balance and the first rows must come from one snapshot, or a commit between the two statements
  // would make the page's balances disagree with its rows.
  return inTransaction(
    db,
    async (tx) => pageFrom(tx, request, query, { total: await openingBalance(tx, request.plan) }),
    { isolationLevel: 'RepeatableRead' },
  );
}

async function pageFrom<M extends ModelName>(
  db: DbClient,
  request: PageRequest<M>,
  query: string,
  start: KeysetPosition | OpeningCarry,
): Promise<Page<ChunkRow>> {
  const chunk = await fetchChunk(db, request.plan, start, request.limit);
  const last = chunk.rows.at(-1);
  return {
    rows: chunk.rows,
    nextCursor: chunk.more && chunk.position ? request.codec.encode(query, chunk.position) : null,
    openingBalance: start.total,
    closingBalance: last ? last.runningTotal : start.total,
  };
}

async function openingBalance<M extends ModelName>(db: DbClient, plan: RunningTotalPlan<M>): Promise<Prisma.Decimal> {
  const sql = compileOpeningBalance(plan);
  if (!sql) return new Prisma.Decimal(0);
  const [row] = await queryRows<{ opening: Prisma.Decimal | bigint }>(db, sql);
  return new Prisma.Decimal(String(row?.opening ?? 0));
}
