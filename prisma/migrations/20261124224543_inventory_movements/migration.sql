-- CreateTable
CREATE TABLE "inventory_movements" (
    "id" BIGSERIAL NOT NULL,
    "warehouse_id" INTEGER NOT NULL,
    "product_sku" VARCHAR(32) NOT NULL,
    "quantity" DECIMAL(12,3) NOT NULL,
    "moved_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "inventory_movements_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "inventory_movements_warehouse_id_product_sku_moved_at_id_idx" ON "inventory_movements"("warehouse_id", "product_sku", "moved_at", "id");
