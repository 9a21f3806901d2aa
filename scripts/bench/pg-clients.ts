/**
 * node-postgres connections of the bench's own process. When the server ends a connection (Ctrl-C at a terminal
 * signals the server's process too; a server stopped under the bench), the query in flight fails with the error,
 * and the client or pool also emits it as an 'error' event. Unheard, that event ends the process with a stack
 * trace before its cleanup runs (workers killed, throwaway databases dropped, the server stopped); heard here, the
 * failed query is what reports it.
 */
import pg from 'pg';

const reportedByTheQuery = (): void => {};

/** A connected client whose connection errors reach the query in flight only. */
export async function connectClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', reportedByTheQuery);
  await client.connect();
  return client;
}

/** A pool whose idle connections' errors are heard (the next query on the pool reports its own failure). */
export function benchPool(url: string, max = 1): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', reportedByTheQuery);
  return pool;
}
