import '../generated/window-ledger.ts';
import { defineRunningTotalRepository } from '../../src/index.ts';
import type { InputOf, PartitionKeyOf } from '../../src/index.ts';

/**
 * The worked example of "Extending for your own model" (README): running stock level per warehouse and product
 * over `inventory_movements` (mapped names), ordered by `movedAt, id`, backed by the index
 * `(warehouse_id, product_sku, moved_at, id)` — plus streaming, pages, explain and all-or-nothing bulk insert.
 * Everything but the three window fields is derived from the schema.
 *
 * ```ts
 * const stock = new InventoryMovementRepository(prisma);
 * const levels = await stock.runningTotals({ partitions: [{ warehouseId: 1, productSku: 'SKU-1' }] });
 * levels.at(-1)?.runningTotal; // current stock level, exact Decimal
 * ```
 */
export class InventoryMovementRepository extends defineRunningTotalRepository('InventoryMovement', {
  partitionBy: ['warehouseId', 'productSku'],
  orderBy: 'movedAt',
  amount: 'quantity',
}) {}

/** One stock movement to record: positive quantities are receipts, negative ones shipments. */
export type NewInventoryMovement = InputOf<InventoryMovementRepository>;

/** A stock level is kept per (warehouse, product): `{ warehouseId, productSku }`. */
export type StockKey = PartitionKeyOf<InventoryMovementRepository>;
