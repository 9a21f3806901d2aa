import type { InventoryMovement, Prisma } from '../generated/prisma/client.ts';
import { requireDate } from '../validation/dates.ts';
import { requireDecimal, type DecimalInput } from '../validation/decimal.ts';
import { requireInt4, requireText } from '../validation/keys.ts';
import { requireOptions } from '../validation/batch.ts';
import { decimalColumnOf, textLengthOf } from '../window/catalog.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { RunningTotalRepository, type RunningTotalModel } from './running-total-repository.ts';

/**
 * The worked example of "Extending for your own model" (README): an app team's `InventoryMovement` model gets
 * running stock levels per warehouse and product — plus streaming, pages, explain and all-or-nothing bulk
 * insert — from one definition object. Nothing here writes SQL.
 */

/** One stock movement to record: positive quantities are receipts, negative ones shipments. */
export interface NewInventoryMovement {
  readonly warehouseId: number;
  readonly productSku: string;
  readonly quantity: DecimalInput;
  readonly movedAt: Date;
}

/** A stock level is kept per (warehouse, product): the partition key has two fields. */
export interface StockKey {
  readonly warehouseId: number;
  readonly productSku: string;
}

type MovementData = Prisma.InventoryMovementCreateManyInput;

const QUANTITY = decimalColumnOf('InventoryMovement', 'quantity');
const SKU_LENGTH = textLengthOf('InventoryMovement', 'productSku');

function requireStockKey(path: string, value: unknown): StockKey {
  const key = requireOptions(path, value, ['warehouseId', 'productSku']);
  return {
    warehouseId: requireInt4(`${path}.warehouseId`, key.warehouseId),
    productSku: requireText(`${path}.productSku`, key.productSku, SKU_LENGTH),
  };
}

function requireMovement(path: string, value: unknown): MovementData {
  const row = requireOptions(path, value, ['warehouseId', 'productSku', 'quantity', 'movedAt']);
  return {
    ...requireStockKey(path, { warehouseId: row.warehouseId, productSku: row.productSku }),
    quantity: requireDecimal(`${path}.quantity`, row.quantity, QUANTITY),
    movedAt: requireDate(`${path}.movedAt`, row.movedAt),
  };
}

// Checked once, when the module loads: a definition that cannot work (e.g. a `select` without the keys streams
// resume by) fails before any repository exists.
const DEFINITION = requireModelDefinition<'InventoryMovement', StockKey, MovementData>({
  model: 'InventoryMovement',
  partitionBy: ['warehouseId', 'productSku'],
  partitionValues: (key) => [key.warehouseId, key.productSku],
  orderBy: 'movedAt',
  amount: 'quantity',
  select: ['id', 'warehouseId', 'productSku', 'quantity', 'movedAt'],
  requireKey: requireStockKey,
  requireBound: requireDate,
  requireRow: requireMovement,
  keyOf: (row) => ({ warehouseId: row.warehouseId, productSku: row.productSku }),
  insertFields: ['warehouseId', 'productSku', 'quantity', 'movedAt'],
  createMany: (tx, data) => tx.inventoryMovement.createMany({ data }),
});

/**
 * Running stock level per warehouse and product over `inventory_movements` (mapped names), ordered by
 * `movedAt, id`, backed by the index `(warehouse_id, product_sku, moved_at, id)`. `partitions` are
 * `{ warehouseId, productSku }` keys.
 *
 * ```ts
 * const stock = new InventoryMovementRepository(prisma);
 * const levels = await stock.runningTotals({ partitions: [{ warehouseId: 1, productSku: 'SKU-1' }] });
 * levels.at(-1)?.runningTotal; // current stock level, exact Decimal
 * ```
 */
export class InventoryMovementRepository extends RunningTotalRepository<
  'InventoryMovement',
  InventoryMovement,
  NewInventoryMovement,
  StockKey,
  MovementData
> {
  protected readonly definition: RunningTotalModel<'InventoryMovement', StockKey, MovementData> = DEFINITION;
}
