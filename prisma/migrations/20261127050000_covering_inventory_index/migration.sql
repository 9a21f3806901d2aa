-- The per-(warehouse, product) window's index gains `quantity` as its last column: it then holds every column the
-- stock level reads, so a vacuumed table answers from the index alone (Index Only Scan), in window order, no Sort,
-- also when a list of keys is read one key at a time. The old index is dropped by the next migration, so the
-- window is never without an index.
--
-- One plain statement: atomic, so an interrupted run leaves nothing behind (mark it rolled back and run again).
-- It blocks writes to inventory_movements while the index is built. On a large table, build it beforehand without
-- blocking, `CREATE INDEX CONCURRENTLY "inventory_movements_warehouse_id_product_sku_moved_at_id_qu_idx" ON
-- "inventory_movements"("warehouse_id", "product_sku", "moved_at", "id", "quantity");`, and check it is valid
-- (`pg_index.indisvalid`; an interrupted CONCURRENTLY build leaves an invalid index: drop it and build again): this
-- migration then finds it and does nothing. (The name is Prisma's: PostgreSQL's limit is 63 characters.)

-- CreateIndex
CREATE INDEX IF NOT EXISTS "inventory_movements_warehouse_id_product_sku_moved_at_id_qu_idx" ON "inventory_movements"("warehouse_id", "product_sku", "moved_at", "id", "quantity");
