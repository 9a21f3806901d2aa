-- CreateTable
CREATE TABLE "Transaction" (
    "id" BIGSERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "amount" DECIMAL(14,2),
    "createdAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "Transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SalesRecord" (
    "id" BIGSERIAL NOT NULL,
    "region" VARCHAR(64) NOT NULL,
    "saleDate" DATE NOT NULL,
    "revenue" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "SalesRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Transaction_accountId_createdAt_id_idx" ON "Transaction"("accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Transaction_createdAt_id_idx" ON "Transaction"("createdAt", "id");

-- CreateIndex
CREATE INDEX "SalesRecord_region_saleDate_id_idx" ON "SalesRecord"("region", "saleDate", "id");

-- CreateIndex
CREATE INDEX "SalesRecord_saleDate_id_idx" ON "SalesRecord"("saleDate", "id");
