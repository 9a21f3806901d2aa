import * as Prisma from '../prisma-runtime.ts';
import type { CheckpointTable } from '../validation/checkpoint-model.ts';
import { aliasRef, columnRef, scalarTypeOf, tableRef, type ModelName } from '../window/catalog.ts';
import { textValue, typedColumnValue } from '../window/parameters.ts';
import { keyOutput, keysSql } from './bucket-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/**
 * Balances from stored checkpoints: per partition, the latest checkpoint at or before `at` (one index lookup on
 * the checkpoint key), plus the ledger rows after it up to `at` (one index range, as long as the time since that
 * checkpoint, not the history). Partitions without a checkpoint sum from their first row. `at` absent: the
 * latest checkpoint and every row after it.
 *
 * ```sql
 * WITH keys AS (SELECT DISTINCT * FROM unnest(CAST($1 AS int4[])) AS "given"("k0"))
 * SELECT keys."k0" AS "accountId", (COALESCE(c."balance", 0) + COALESCE((SELECT SUM(l."amount") FROM "public"."Transaction" l
 *     WHERE l."accountId" = keys."k0" AND l."createdAt" > COALESCE(c."through", CAST('-infinity' AS timestamptz))
 *     AND l."createdAt" <= CAST($2 AS timestamptz)), 0)) AS "balance"
 * FROM keys LEFT JOIN LATERAL (SELECT cp."through", cp."balance" FROM "transaction_checkpoints" cp
 *     WHERE cp."accountId" = keys."k0" AND cp."through" <= CAST($3 AS timestamptz) ORDER BY cp."through" DESC LIMIT 1) c ON TRUE
 * ORDER BY keys."k0"
 * ```
 */
export function compileCheckpointBalances<M extends ModelName>(plan: RunningTotalPlan<M>, checkpoints: CheckpointTable, at: Date | undefined): Prisma.Sql {
  const { model } = plan;
  const names = plan.partitionBy.map((_, i) => aliasRef(`k${i}`));
  const outputs = plan.partitionBy.map((field, i) => Prisma.sql`${keyOutput(model, field, Prisma.sql`keys.${names[i]!}`)} AS ${aliasRef(field)}`);
  const keys = keysSql(plan, tableRef(model), columnRef(model, plan.orderBy), undefined);
  return Prisma.sql`WITH keys AS (${keys})
    SELECT ${Prisma.join([...outputs, Prisma.sql`${balanceSql(plan, at, 'options.at')} AS "balance"`], ', ')}
    FROM keys LEFT JOIN LATERAL (${latestCheckpoint(plan, checkpoints, at, 'options.at')}) c ON TRUE
    ORDER BY ${Prisma.join(names.map((k) => Prisma.sql`keys.${k}`), ', ')}`;
}

/**
 * Stores the balance of each partition at `through` (the given partitions, or every partition with a row at or
 * before it), computed the same way as a read (the checkpoint before it plus the rows between), replacing a
 * checkpoint at the same instant. Returns the number written as `written`.
 *
 * ```sql
 * WITH keys AS (...), computed AS (SELECT keys."k0", (<balance at $through>) AS balance FROM keys LEFT JOIN LATERAL (...) c ON TRUE),
 *   written AS (INSERT INTO "transaction_checkpoints" ("accountId", "through", "balance")
 *     SELECT "k0", CAST($n AS timestamptz), balance FROM computed
 *     ON CONFLICT ("accountId", "through") DO UPDATE SET "balance" = EXCLUDED."balance" RETURNING 1)
 * SELECT count(*) AS written FROM written
 * ```
 */
export function compileWriteCheckpoints<M extends ModelName>(plan: RunningTotalPlan<M>, checkpoints: CheckpointTable, through: Date): Prisma.Sql {
  const { model } = plan;
  const names = plan.partitionBy.map((_, i) => aliasRef(`k${i}`));
  const keys = plan.partitions
    ? keysSql(plan, tableRef(model), columnRef(model, plan.orderBy), undefined)
    : Prisma.sql`SELECT DISTINCT ${Prisma.join(plan.partitionBy.map((field, i) => Prisma.sql`${columnRef(model, field)} AS ${names[i]!}`), ', ')}
        FROM ${tableRef(model)} WHERE ${columnRef(model, plan.orderBy)} <= ${typedColumnValue('options.through', model, plan.orderBy, through)}`;
  const computed = Prisma.sql`SELECT ${Prisma.join([...names.map((k) => Prisma.sql`keys.${k}`), Prisma.sql`${balanceSql(plan, through, 'options.through')} AS balance`], ', ')}
    FROM keys LEFT JOIN LATERAL (${latestCheckpoint(plan, checkpoints, through, 'options.through')}) c ON TRUE`;
  const target = tableRef(checkpoints.model);
  const keyColumns = [...checkpoints.partitionBy, checkpoints.through].map((field) => columnRef(checkpoints.model, field));
  const balance = columnRef(checkpoints.model, checkpoints.balance);
  const insert = Prisma.sql`INSERT INTO ${target} (${Prisma.join([...keyColumns, balance], ', ')})
    SELECT ${Prisma.join([...names, typedColumnValue('options.through', checkpoints.model, checkpoints.through, through), Prisma.sql`balance`], ', ')} FROM computed
    ON CONFLICT (${Prisma.join(keyColumns, ', ')}) DO UPDATE SET ${balance} = EXCLUDED.${balance}`;
  return Prisma.sql`WITH keys AS (${keys}), computed AS (${computed}), written AS (${insert} RETURNING 1) SELECT count(*) AS written FROM written`;
}

/**
 * How many of the invalidating triggers (see `balanceCheckpointsSql`) are installed and enabled ALWAYS (`A`: also
 * for rows applied by replication) on the ledger: `writeCheckpoints` refuses to store balances that a later write
 * could make stale.
 */
export function compileCheckpointGuard(ledger: ModelName, triggerNames: readonly string[]): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS installed FROM pg_trigger
    WHERE tgrelid = CAST(${textValue(tableRef(ledger).text)} AS regclass) AND tgname = ANY(CAST(${[...triggerNames]} AS text[])) AND tgenabled = 'A'`;
}

/**
 * `LOCK TABLE ledger IN SHARE MODE`: waits for transactions writing the ledger to end and keeps new writes out
 * until this transaction ends (reads continue), so no write can slip between computing a checkpoint and storing it.
 */
export function compileShareLock(ledger: ModelName): Prisma.Sql {
  return Prisma.sql`LOCK TABLE ${tableRef(ledger)} IN SHARE MODE`;
}

/**
 * `SET LOCAL lock_timeout`: how long the lock above may be waited for. While it waits, new writers queue behind
 * it, so the wait is bounded by the attempt's own time limit.
 */
export function compileLockTimeout(ms: number): Prisma.Sql {
  return Prisma.raw(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(ms))}ms'`);
}

// The checkpoint the balance at `at` starts from: the latest of the partition at or before it.
function latestCheckpoint<M extends ModelName>(plan: RunningTotalPlan<M>, checkpoints: CheckpointTable, at: Date | undefined, path: string): Prisma.Sql {
  const cm = checkpoints.model;
  const through = Prisma.sql`cp.${columnRef(cm, checkpoints.through)}`;
  const conditions = [
    ...plan.partitionBy.map((field, i) => Prisma.sql`cp.${columnRef(cm, field)} = keys.${aliasRef(`k${i}`)}`),
    ...(at ? [Prisma.sql`${through} <= ${typedColumnValue(path, cm, checkpoints.through, at)}`] : []),
  ];
  return Prisma.sql`SELECT ${through} AS "through", cp.${columnRef(cm, checkpoints.balance)} AS "balance" FROM ${tableRef(cm)} cp
    WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${through} DESC LIMIT 1`;
}

// The checkpoint's balance plus the partition's rows after it, up to `at`.
function balanceSql<M extends ModelName>(plan: RunningTotalPlan<M>, at: Date | undefined, path: string): Prisma.Sql {
  const { model } = plan;
  const order = Prisma.sql`l.${columnRef(model, plan.orderBy)}`;
  const conditions = [
    ...plan.partitionBy.map((field, i) => Prisma.sql`l.${columnRef(model, field)} = keys.${aliasRef(`k${i}`)}`),
    // After the checkpoint; `>=` on the index with the strict test beside it, so a row at -infinity is summed too.
    Prisma.sql`${order} >= COALESCE(c."through", CAST('-infinity' AS ${Prisma.raw(scalarTypeOf(model, plan.orderBy))}))`,
    Prisma.sql`(c."through" IS NULL OR ${order} > c."through")`,
    ...(at ? [Prisma.sql`${order} <= ${typedColumnValue(path, model, plan.orderBy, at)}`] : []),
  ];
  const tail = Prisma.sql`(SELECT SUM(l.${columnRef(model, plan.amount)}) FROM ${tableRef(model)} l WHERE ${Prisma.join(conditions, ' AND ')})`;
  return Prisma.sql`(COALESCE(c."balance", 0) + COALESCE(${tail}, 0))`;
}
