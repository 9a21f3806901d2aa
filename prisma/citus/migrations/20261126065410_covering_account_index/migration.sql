-- The per-account window's index gains `amount` as its last column: it then holds every column the running
-- balance reads, so a vacuumed table answers from the index alone (Index Only Scan), in window order, no Sort.
-- The old index is dropped by the next migration, so the window is never without an index.
--
-- One plain statement: atomic, so an interrupted run leaves nothing behind (mark it rolled back and run again).
-- It blocks writes to "Transaction" while the index is built. On a large ledger, build it beforehand without
-- blocking, `CREATE INDEX CONCURRENTLY "Transaction_accountId_createdAt_id_amount_idx" ON "Transaction"("accountId",
-- "createdAt", "id", "amount");`, and check it is valid (`pg_index.indisvalid`; an interrupted CONCURRENTLY build
-- leaves an invalid index: drop it and build again): this migration then finds it and does nothing.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Transaction_accountId_createdAt_id_amount_idx" ON "Transaction"("accountId", "createdAt", "id", "amount");
