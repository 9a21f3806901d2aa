import type { DbClient } from '../executor/db-client.ts';
import { WindowSpecError } from '../errors.ts';

interface CreateManyDelegate {
  createMany(args: { data: unknown[]; skipDuplicates?: boolean }): Promise<{ count: number }>;
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
 * `createMany` through the model's delegate on the transaction client (the `'createMany'` insert strategy), with
 * `skipDuplicates` when the model has an idempotency key (rows whose key is stored are skipped, not failed).
 * Looked up per call: the delegate is a property of the client the batch runs in, not of the repository.
 *
 * ```ts
 * const createMany = createManyThroughDelegate('SalesRecord', true);
 * await createMany(tx, rows); // tx.salesRecord.createMany({ data: rows, skipDuplicates: true })
 * ```
 */
export function createManyThroughDelegate(
  model: string,
  skipDuplicates: boolean,
): (tx: DbClient, data: unknown[]) => Promise<{ count: number }> {
  const name = delegateName(model);
  return (tx, data) => {
    const delegate = (tx as unknown as Record<string, Partial<CreateManyDelegate> | undefined>)[name];
    if (typeof delegate?.createMany !== 'function') {
      throw new WindowSpecError(`The Prisma client has no ${name}.createMany: is it generated from the same schema as the catalog?`);
    }
    return (delegate as CreateManyDelegate).createMany({ data, ...(skipDuplicates && { skipDuplicates: true }) });
  };
}
