-- Replaced by "Transaction_accountId_createdAt_id_amount_idx" (the previous migration). A separate migration of
-- one statement: Citus refuses DDL on a distributed table inside a multi-statement query string.

-- DropIndex
DROP INDEX IF EXISTS "Transaction_accountId_createdAt_id_idx";
