/**
 * Database-level helpers on a PostgreSQL server, given an admin URL (a superuser, or a role with CREATEDB,
 * connected to a database other than the one being created or dropped — e.g. `postgres`).
 */
import pg from 'pg';

/** Lower-case, unquoted-identifier-safe names, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1). */
export const DATABASE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertDatabaseName(name: string): string {
  if (!DATABASE_NAME_PATTERN.test(name)) {
    throw new Error(`invalid database name ${JSON.stringify(name)}: must match ${DATABASE_NAME_PATTERN}`);
  }
  return name;
}

/** `url` with its database (path) replaced by `name`; credentials, host, port and query parameters are kept. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${assertDatabaseName(name)}`;
  return parsed.toString();
}

/** Runs `fn` with a connected client, always closing it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server shutting down mid-session emits 'error' on an idle client; without a listener that would crash.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface CreateDatabaseOptions {
  /** Copy this database (which must have no other sessions), e.g. a migrated template. */
  template?: string;
}

export async function createDatabase(adminUrl: string, name: string, opts: CreateDatabaseOptions = {}): Promise<void> {
  const target = pg.escapeIdentifier(assertDatabaseName(name));
  const template = opts.template === undefined ? '' : ` TEMPLATE ${pg.escapeIdentifier(assertDatabaseName(opts.template))}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${target}${template}`));
}

/**
 * Drops `name` if it exists, terminating its sessions (`WITH (FORCE)`, PostgreSQL ≥ 13). A database marked as a
 * template is unmarked first (PostgreSQL refuses to drop templates).
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const target = pg.escapeIdentifier(assertDatabaseName(name));
  await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datistemplate: boolean }>(
      'SELECT datistemplate FROM pg_database WHERE datname = $1',
      [name],
    );
    if (rows[0]?.datistemplate) await client.query(`ALTER DATABASE ${target} WITH IS_TEMPLATE false`);
    await client.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  });
}

/**
 * Marks `name` as a template that accepts no connections and ends the sessions still open on it, so
 * `CREATE DATABASE … TEMPLATE name` cannot fail with "source database is being accessed by other users".
 */
export async function markAsTemplate(adminUrl: string, name: string): Promise<void> {
  const target = pg.escapeIdentifier(assertDatabaseName(name));
  await withClient(adminUrl, async (client) => {
    await client.query(`ALTER DATABASE ${target} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
  });
}

/** `SHOW server_version`, e.g. "18.4". */
export async function queryServerVersion(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
}
