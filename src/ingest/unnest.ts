import * as Prisma from '../prisma-runtime.ts';
import { queryRows, type DbClient } from '../executor/db-client.ts';
import { columnRef, tableRef } from '../window/catalog.ts';
import { insertColumnArray } from '../window/parameters.ts';
import { conflictTargetOf, type BatchKeys } from './batch-keys.ts';

export { formatUtcDate, formatUtcTimestamp } from '../window/parameters.ts';

/**
 * The fast insert: one statement per chunk, whatever its size, with one bound array per column:
 *
 *   INSERT INTO "public"."Transaction" ("accountId", "amount", "createdAt", "externalId")
 *   SELECT * FROM unnest($1::int4[], $2::numeric[], $3::timestamptz[], $4::text[])
 *   ON CONFLICT ("externalId") DO NOTHING
 *
 * Table, column and array type names come from the catalog generated from schema.prisma (`tableRef`, `columnRef`,
 * `arrayTypeOf`); every value is a bound parameter. Decimals travel as their exact decimal strings, never as
 * floats; NULLs stay NULL. The statement's row count is the number of rows actually inserted.
 */
export function unnestInsertSql(
  model: string,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
  conflictFields: readonly string[] = [],
): Prisma.Sql {
  const columns = fields.map((field) => columnRef(model, field));
  const arrays = fields.map((field) => insertColumnArray(model, field, rows.map((row) => row[field])));
  const onConflict =
    conflictFields.length === 0
      ? Prisma.empty
      : Prisma.sql` ON CONFLICT (${Prisma.join(conflictFields.map((field) => columnRef(model, field)), ', ')}) DO NOTHING`;
  return Prisma.sql`INSERT INTO ${tableRef(model)} (${Prisma.join(columns, ', ')}) SELECT * FROM unnest(${Prisma.join(arrays, ', ')})${onConflict}`;
}

/** What an `unnest` chunk writes: the model, its insert fields, and the key whose duplicates are skipped. */
export interface UnnestTarget extends BatchKeys {
  readonly model: string;
  readonly insertFields: readonly string[];
}

/**
 * One `unnest` chunk; resolves to the rows it wrote. With a conflict target they are counted from `RETURNING`:
 * Citus runs `INSERT ... SELECT` by pulling the rows to the coordinator and reports the rows it sent as the
 * statement's row count, skipped duplicates included, while `RETURNING` lists only the rows written.
 */
export async function writeUnnestChunk(tx: DbClient, target: UnnestTarget, rows: readonly Record<string, unknown>[]): Promise<number> {
  const conflictTarget = conflictTargetOf(target);
  const insert = unnestInsertSql(target.model, target.insertFields, rows, conflictTarget);
  if (conflictTarget.length === 0) return tx.$executeRaw(insert);
  const [row] = await queryRows<{ inserted: bigint }>(
    tx,
    Prisma.sql`WITH written AS (${insert} RETURNING 1) SELECT count(*) AS inserted FROM written`,
  );
  return Number(row?.inserted ?? 0n);
}
