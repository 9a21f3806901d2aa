-- Replaced by "Transaction_accountId_createdAt_id_amount_idx" (the previous migration). CONCURRENTLY: no lock
-- that would stop reads and writes of the ledger while the index is dropped.

-- DropIndex
DROP INDEX CONCURRENTLY "Transaction_accountId_createdAt_id_idx";
