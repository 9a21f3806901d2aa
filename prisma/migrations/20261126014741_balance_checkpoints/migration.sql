-- CreateTable
CREATE TABLE "transaction_checkpoints" (
    "accountId" INTEGER NOT NULL,
    "through" TIMESTAMPTZ(6) NOT NULL,
    "balance" DECIMAL(30,2) NOT NULL,

    CONSTRAINT "transaction_checkpoints_pkey" PRIMARY KEY ("accountId","through")
);

-- Triggers: balanceCheckpointsSql({ model: 'Transaction', partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: 'TransactionCheckpoint' })
-- Balance checkpoints of "Transaction" in "transaction_checkpoints" stay exact: a write that reaches back to or before a checkpoint
-- deletes it (and the partition's later ones); balances are then summed from the checkpoint before it. A REPEATABLE
-- READ writer is refused: its snapshot could predate a checkpoint it would then fail to delete (writeCheckpoints
-- runs SERIALIZABLE, so SERIALIZABLE writers are ordered with it, and READ COMMITTED ones wait for its lock).
CREATE OR REPLACE FUNCTION "transaction_checkpoints_invalidate"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF current_setting('transaction_isolation') = 'repeatable read' THEN
    RAISE EXCEPTION 'writes to "Transaction" run at READ COMMITTED or SERIALIZABLE, not REPEATABLE READ: its balance checkpoints could go stale'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM "transaction_checkpoints";
  ELSIF TG_OP = 'INSERT' THEN
    DELETE FROM "transaction_checkpoints" AS c USING (SELECT "accountId", min("createdAt") AS since FROM (SELECT "accountId", "createdAt" FROM new_rows) AS written GROUP BY "accountId") AS changed
      WHERE c."accountId" = changed."accountId" AND c."through" >= changed.since;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM "transaction_checkpoints" AS c USING (SELECT "accountId", min("createdAt") AS since FROM (SELECT "accountId", "createdAt" FROM old_rows) AS written GROUP BY "accountId") AS changed
      WHERE c."accountId" = changed."accountId" AND c."through" >= changed.since;
  ELSE
    DELETE FROM "transaction_checkpoints" AS c USING (SELECT "accountId", min("createdAt") AS since FROM (SELECT "accountId", "createdAt" FROM old_rows UNION ALL SELECT "accountId", "createdAt" FROM new_rows) AS written GROUP BY "accountId") AS changed
      WHERE c."accountId" = changed."accountId" AND c."through" >= changed.since;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "transaction_checkpoints_after_insert" AFTER INSERT ON "Transaction" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "transaction_checkpoints_invalidate"();
CREATE TRIGGER "transaction_checkpoints_after_update" AFTER UPDATE ON "Transaction" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "transaction_checkpoints_invalidate"();
CREATE TRIGGER "transaction_checkpoints_after_delete" AFTER DELETE ON "Transaction" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "transaction_checkpoints_invalidate"();
CREATE TRIGGER "transaction_checkpoints_after_truncate" AFTER TRUNCATE ON "Transaction" FOR EACH STATEMENT EXECUTE FUNCTION "transaction_checkpoints_invalidate"();
-- Also when rows are applied by logical replication (session_replication_role = replica).
ALTER TABLE "Transaction" ENABLE ALWAYS TRIGGER "transaction_checkpoints_after_insert", ENABLE ALWAYS TRIGGER "transaction_checkpoints_after_update", ENABLE ALWAYS TRIGGER "transaction_checkpoints_after_delete", ENABLE ALWAYS TRIGGER "transaction_checkpoints_after_truncate";
