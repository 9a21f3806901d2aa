-- Distribute each ledger by the column its running totals are partitioned by, so a window partitioned by it runs
-- on the workers, shard by shard. Transaction and inventory_movements (int4 distribution columns) are co-located,
-- SalesRecord (varchar) is not, which is fine: no query joins them.
-- Without the citus extension (a developer's single PostgreSQL) the tables stay local: the same migrations then
-- give the same keys and indexes on one node, and the library behaves the same on both.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    PERFORM create_distributed_table('"Transaction"', 'accountId');
    PERFORM create_distributed_table('"SalesRecord"', 'region');
    PERFORM create_distributed_table('inventory_movements', 'warehouse_id');
  END IF;
END
$$;
