-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Transaction" (
    "id" BIGSERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "amount" DECIMAL(14,2),
    "createdAt" TIMESTAMPTZ(6) NOT NULL,
    "externalId" VARCHAR(128),

    CONSTRAINT "Transaction_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "SalesRecord" (
    "id" BIGSERIAL NOT NULL,
    "region" VARCHAR(64) NOT NULL,
    "saleDate" DATE NOT NULL,
    "revenue" DECIMAL(14,2) NOT NULL,
    "externalId" VARCHAR(128),

    CONSTRAINT "SalesRecord_pkey" PRIMARY KEY ("region","id")
);

-- CreateTable
CREATE TABLE "inventory_movements" (
    "id" BIGSERIAL NOT NULL,
    "warehouse_id" INTEGER NOT NULL,
    "product_sku" VARCHAR(32) NOT NULL,
    "quantity" DECIMAL(12,3) NOT NULL,
    "moved_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "inventory_movements_pkey" PRIMARY KEY ("warehouse_id","id")
);

-- CreateIndex
CREATE INDEX "Transaction_accountId_createdAt_id_idx" ON "Transaction"("accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Transaction_createdAt_id_accountId_idx" ON "Transaction"("createdAt", "id", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Transaction_accountId_externalId_key" ON "Transaction"("accountId", "externalId");

-- CreateIndex
CREATE INDEX "SalesRecord_region_saleDate_id_idx" ON "SalesRecord"("region", "saleDate", "id");

-- CreateIndex
CREATE INDEX "SalesRecord_saleDate_id_region_idx" ON "SalesRecord"("saleDate", "id", "region");

-- CreateIndex
CREATE UNIQUE INDEX "SalesRecord_region_externalId_key" ON "SalesRecord"("region", "externalId");

-- CreateIndex
CREATE INDEX "inventory_movements_warehouse_id_product_sku_moved_at_id_idx" ON "inventory_movements"("warehouse_id", "product_sku", "moved_at", "id");

