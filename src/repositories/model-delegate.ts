import { DbNull } from '../prisma-runtime.ts';
import type { DbClient } from '../executor/db-client.ts';
import { WindowSpecError } from '../errors.ts';
import { columnInfo, isJsonColumn, modelFields } from '../window/catalog.ts';

interface CreateManyDelegate {
  createMany(args: { data: unknown[] }): Promise<{ count: number }>;
  createManyAndReturn(args: { data: unknown[]; skipDuplicates: true; select: Record<string, true> }): Promise<Record<string, unknown>[]>;
}

/**
 * The name of a model's delegate on a Prisma client: the model name with its first letter lower-cased, as Prisma
 * writes it (`InventoryMovement` → `inventoryMovement`).
 *
 * ```ts
 * delegateName('SalesRecord'); // 'salesRecord'
 * ```
 */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/**
 * The model's delegate on the transaction client the batch runs in (looked up per call: it is a property of that
 * client, not of the repository), with the method the `'createMany'` strategy calls.
 */
function delegateMethod<K extends keyof CreateManyDelegate>(tx: DbClient, model: string, method: K): CreateManyDelegate[K] {
  const name = delegateName(model);
  const delegate = (tx as unknown as Record<string, Partial<CreateManyDelegate> | undefined>)[name];
  const found = delegate?.[method];
  if (typeof found !== 'function') {
    throw new WindowSpecError(`The Prisma client has no ${name}.${method}: is it generated from the same schema as the catalog?`);
  }
  return found.bind(delegate) as CreateManyDelegate[K];
}

/**
 * `createMany({ data })` through the model's delegate (the `'createMany'` strategy's rows without an idempotency
 * key): never `skipDuplicates`, which would skip a row any unique index refuses.
 *
 * ```ts
 * const createMany = createManyThroughDelegate('SalesRecord');
 * await createMany(tx, rows); // tx.salesRecord.createMany({ data: rows })
 * ```
 */
export function createManyThroughDelegate(model: string): (tx: DbClient, data: unknown[]) => Promise<{ count: number }> {
  return (tx, data) => delegateMethod(tx, model, 'createMany')({ data: prismaData(model, data) });
}

/** Validated rows as Prisma's client takes them: a `Json` field's SQL NULL as `Prisma.DbNull`, not a plain `null`. */
function prismaData(model: string, rows: unknown[]): unknown[] {
  const json = modelFields(model).filter((field) => isJsonColumn(columnInfo(model, field)));
  if (json.length === 0) return rows;
  return rows.map((row) => {
    const data = { ...(row as Record<string, unknown>) };
    for (const field of json) {
      if (data[field] === null) data[field] = DbNull;
    }
    return data;
  });
}

/**
 * `createManyAndReturn({ data, skipDuplicates: true, select })` through the model's delegate (the `'createMany'`
 * strategy's rows with an idempotency key): the rows written, with the `select`ed fields.
 *
 * ```ts
 * const create = createManyAndReturnThroughDelegate('Transaction');
 * await create(tx, rows, ['externalId']);
 * // tx.transaction.createManyAndReturn({ data: rows, skipDuplicates: true, select: { externalId: true } })
 * ```
 */
export function createManyAndReturnThroughDelegate(
  model: string,
): (tx: DbClient, data: unknown[], select: readonly string[]) => Promise<Record<string, unknown>[]> {
  return (tx, data, select) =>
    delegateMethod(tx, model, 'createManyAndReturn')({ data: prismaData(model, data), skipDuplicates: true, select: Object.fromEntries(select.map((field) => [field, true] as const)) });
}
