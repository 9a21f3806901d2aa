/**
 * VACUUM ANALYZE until every page of each table is marked all-visible, so windows read a covering index alone
 * (Index Only Scan) right away. One pass is not always enough after a bulk load: with `synchronous_commit = off`
 * (the throwaway servers of tests and benchmarks) a page of rows whose commit is not yet flushed cannot be marked,
 * and the WAL writer flushes within a fraction of a second. Gives up quietly after `attempts` passes: the tables are
 * then as autovacuum would leave them.
 * ```ts
 * await vacuumAllVisible((sql) => client.query(sql).then((r) => r.rows), ['"Transaction"', 'inventory_movements']);
 * // VACUUM ANALYZE "Transaction"; SELECT relpages, relallvisible FROM pg_class WHERE oid = '"Transaction"'::regclass; ...
 * ```
 */
export async function vacuumAllVisible(
  query: (sql: string) => Promise<ReadonlyArray<Record<string, unknown>>>,
  tables: readonly string[],
  attempts = 20,
): Promise<boolean> {
  for (const table of tables) {
    let visible = false;
    for (let attempt = 0; attempt < attempts && !visible; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      await query(`VACUUM ANALYZE ${table}`);
      const [pages] = await query(`SELECT relpages, relallvisible FROM pg_class WHERE oid = '${table.replaceAll("'", "''")}'::regclass`);
      visible = pages !== undefined && Number(pages.relpages) > 0 && Number(pages.relallvisible) === Number(pages.relpages);
    }
    if (!visible) return false;
  }
  return true;
}
