-- The per-account window's index gains `amount` as its last column: it then holds every column the running
-- balance reads, so a vacuumed table answers from the index alone (Index Only Scan), in window order, no Sort.
-- Created before the old one is dropped, so the window is never without an index.

-- CreateIndex
CREATE INDEX "Transaction_accountId_createdAt_id_amount_idx" ON "Transaction"("accountId", "createdAt", "id", "amount");

-- DropIndex
DROP INDEX "Transaction_accountId_createdAt_id_idx";
