import { Prisma } from '../generated/prisma/client.ts';
import type { ModelName } from '../window/catalog.ts';
import { conditions } from '../window/conditions.ts';
import { openingBalanceSql } from '../window/opening-balance.ts';
import { inTransaction, queryRows, type DbClient } from '../executor/db-client.ts';
import { fetchChunk, type ChunkRow, type KeysetPosition, type OpeningCarry } from './keyset-chunk.ts';
import type { CursorCodec } from './page-cursor.ts';
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
  readonly plan: RunningTotalPlan<M>;
  /** Key values of the single partition the page belongs to (empty for a global total). */
  readonly partitionKey: readonly unknown[];
  /** Start of the statement: rows before it are summed into the opening balance of the first page. */
  readonly from?: Date;
  readonly after?: string;
  readonly limit: number;
  /** Fingerprint of the query; a cursor from another query is refused. */
  readonly query: string;
  readonly codec: CursorCodec;
}

/**
 * One statement page: keyset chunk after the cursor's position, totals continuing from the cursor's total (or,
 * for the first page, from the balance before `from`, read with one indexed aggregate). Page N costs what page 1
 * costs.
 */
export async function fetchPage<M extends ModelName>(db: DbClient, request: PageRequest<M>): Promise<Page<ChunkRow>> {
  const { codec } = request;
  if (request.after !== undefined) {
    return pageFrom(db, request, codec.decode(request.query, request.after));
  }
  // The opening balance and the first rows must come from one snapshot, or a commit between the two statements
  // would make the page's balances disagree with its rows.
  return inTransaction(
    db,
    async (tx) => pageFrom(tx, request, { total: await openingBalance(tx, request) }),
    { isolationLevel: 'RepeatableRead' },
  );
}

async function pageFrom<M extends ModelName>(db: DbClient, request: PageRequest<M>, start: KeysetPosition | OpeningCarry): Promise<Page<ChunkRow>> {
  const { plan, codec } = request;
  const chunk = await fetchChunk(db, plan, start, request.limit);
  const last = chunk.rows.at(-1);
  return {
    rows: chunk.rows,
    nextCursor: chunk.more && chunk.position ? codec.encode(request.query, chunk.position) : null,
    openingBalance: start.total,
    closingBalance: last ? last.runningTotal : start.total,
  };
}

async function openingBalance<M extends ModelName>(db: DbClient, request: PageRequest<M>): Promise<Prisma.Decimal> {
  const { plan } = request;
  if (!request.from) return new Prisma.Decimal(0);
  const c = conditions(plan.model);
  const partition = plan.partitionBy.map((field, i) => c.compare(field, '=', request.partitionKey[i] as never));
  const [row] = await queryRows<{ opening: Prisma.Decimal | bigint }>(
    db,
    openingBalanceSql(plan.model, plan.amount, plan.orderBy, request.from, partition),
  );
  return new Prisma.Decimal(String(row?.opening ?? 0));
}
