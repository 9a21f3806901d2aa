-- The per-account window's index gains `amount` as its last column: it then holds every column the running
-- balance reads, so a vacuumed shard answers from the index alone (Index Only Scan), in window order, no Sort.
-- One statement per migration: Citus refuses DDL on a distributed table inside a multi-statement query string.
-- The old index is dropped by the next migration, so the window is never without an index.

-- CreateIndex
CREATE INDEX "Transaction_accountId_createdAt_id_amount_idx" ON "Transaction"("accountId", "createdAt", "id", "amount");
