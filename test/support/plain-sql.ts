/**
 * The references' side of the builder tests: plain SQL through node-postgres, sharing no code with the library.
 *
 *   const rows = await textRows(db.url, 'SELECT id, SUM(amount) OVER (...) AS v FROM "Transaction"'); // every value as text
 */
import pg from 'pg';

/** Runs `work` on a fresh connection to `url`, closed afterwards (an 'error' listener keeps a killed session quiet). */
export async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The rows of a hand-written query with every value as PostgreSQL's own text (no parsing on the way). */
export async function textRows(url: string, sql: string): Promise<Array<Record<string, string | null>>> {
  return withPg(url, async (client) => (await client.query<Record<string, string | null>>({ text: sql, types: { getTypeParser: () => (v: string) => v } })).rows);
}
