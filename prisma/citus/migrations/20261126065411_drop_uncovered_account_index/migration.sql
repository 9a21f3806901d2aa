-- Replaced by "Transaction_accountId_createdAt_id_amount_idx" (the previous migration).

-- DropIndex
DROP INDEX "Transaction_accountId_createdAt_id_idx";
