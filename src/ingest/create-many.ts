import type { DbClient } from '../executor/db-client.ts';
import { conflictTargetOf } from './batch-keys.ts';
import { writeUnnestChunk, type UnnestTarget } from './unnest.ts';

/** The writes of the `'createMany'` strategy, through the model's Prisma delegate. */
export interface CreateManyWrites<Data> {
  /** `createMany({ data })`: every row is written, or the statement fails (no `skipDuplicates`). */
  readonly createMany: (tx: DbClient, rows: Data[]) => Promise<{ count: number }>;
  /**
   * `createManyAndReturn({ data, skipDuplicates: true, select })`: the rows it wrote, with the `select`ed fields.
   * Without it, rows with an idempotency key are written by `unnest`.
   */
  readonly createManyAndReturn?: ((tx: DbClient, rows: Data[], select: readonly string[]) => Promise<Record<string, unknown>[]>) | undefined;
}

/**
 * One chunk of the `'createMany'` strategy; resolves to the rows it wrote. Prisma's `skipDuplicates` is
 * `ON CONFLICT DO NOTHING` without a conflict target: it also skips a row that another unique index refuses (a row
 * without a key meeting an id a restore left behind the sequence, an application's own unique constraint), which
 * would then be lost and counted as a duplicate. So:
 * - rows without an idempotency key (all rows of a model without one) go through `createMany({ data })`: any
 *   conflict fails the batch, as with the other strategies;
 * - rows with one go through `createManyAndReturn({ data, skipDuplicates: true, select: <key fields> })`, and a row
 *   it did not write is sent again through `unnest` with `ON CONFLICT (<key>) DO NOTHING`: skipped if its key is
 *   stored, else the statement fails with the other index's 23505.
 * A batch is written keyed rows first (see `uniqueKeyOrder`), so the chunk keeps its order.
 * ```ts
 * await writeCreateManyChunk(tx, target, rows);
 * // tx.transaction.createManyAndReturn({ data: keyed, skipDuplicates: true, select: { externalId: true } })
 * // tx.transaction.createMany({ data: unkeyed })
 * ```
 */
export async function writeCreateManyChunk<Data>(tx: DbClient, target: UnnestTarget & CreateManyWrites<Data>, rows: Data[]): Promise<number> {
  const keyFields = conflictTargetOf(target);
  const keyOf = (row: Data) => keyFields.map((field) => (row as Record<string, unknown>)[field]);
  const keyed: Data[] = [];
  const unkeyed: Data[] = [];
  for (const row of rows) {
    const hasKey = keyFields.length > 0 && keyOf(row).every((value) => value !== null && value !== undefined);
    (hasKey ? keyed : unkeyed).push(row);
  }
  let written = 0;
  if (keyed.length > 0) {
    if (target.createManyAndReturn === undefined) {
      written += await writeUnnestChunk(tx, target, keyed as Record<string, unknown>[]);
    } else {
      const returned = await target.createManyAndReturn(tx, keyed, keyFields);
      const stored = new Set(returned.map((row) => keyText(keyFields.map((field) => row[field]))));
      const unwritten = keyed.filter((row) => !stored.has(keyText(keyOf(row))));
      written += returned.length;
      if (unwritten.length > 0) written += await writeUnnestChunk(tx, target, unwritten as Record<string, unknown>[]);
    }
  }
  if (unkeyed.length > 0) written += (await target.createMany(tx, unkeyed)).count;
  return written;
}

// A key as text, the same for the validated row's values and those Prisma returns (a bigint id may be a number in
// one and a bigint in the other; a uuid is lower case in both).
function keyText(values: readonly unknown[]): string {
  return values.map((value) => (value instanceof Date ? value.toISOString() : String(value))).join('\u0000');
}
