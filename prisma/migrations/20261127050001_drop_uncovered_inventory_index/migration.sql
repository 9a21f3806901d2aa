-- Replaced by "inventory_movements_warehouse_id_product_sku_moved_at_id_qu_idx" (the previous migration). A separate
-- migration of one statement: Citus refuses DDL on a distributed table inside a multi-statement query string.

-- DropIndex
DROP INDEX IF EXISTS "inventory_movements_warehouse_id_product_sku_moved_at_id_idx";
