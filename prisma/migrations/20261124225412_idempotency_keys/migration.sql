-- AlterTable
ALTER TABLE "SalesRecord" ADD COLUMN     "externalId" VARCHAR(128);

-- AlterTable
ALTER TABLE "Transaction" ADD COLUMN     "externalId" VARCHAR(128);

-- CreateIndex
CREATE UNIQUE INDEX "SalesRecord_externalId_key" ON "SalesRecord"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Transaction_externalId_key" ON "Transaction"("externalId");
