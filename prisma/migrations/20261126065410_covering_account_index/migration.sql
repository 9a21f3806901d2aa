-- The per-account window's index gains `amount` as its last column: it then holds every column the running
-- balance reads, so a vacuumed table answers from the index alone (Index Only Scan), in window order, no Sort.
-- CONCURRENTLY, one statement per migration (it cannot run in a transaction): writes to the ledger go on while the
-- index is built. The old index is dropped by the next migration, so the window is never without an index.

-- CreateIndex
CREATE INDEX CONCURRENTLY "Transaction_accountId_createdAt_id_amount_idx" ON "Transaction"("accountId", "createdAt", "id", "amount");
