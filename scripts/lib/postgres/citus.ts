/**
 * A fresh database on a running Citus cluster, given the coordinator's admin URL (a superuser connected to a
 * database whose `pg_dist_node` lists the workers, e.g. the `postgres` database `cluster.sh` sets up).
 *
 * Citus keeps its node list per database, and creates a database on every node only when asked
 * (`citus.enable_create_database_propagation`, Citus 12.1+). So a new database gets: the database on every node,
 * the citus extension on every node, the coordinator's own address, then each worker. Tests and benchmarks each
 * work in their own database and drop it afterwards, leaving the cluster as they found it.
 */
import pg from 'pg';

import { assertDatabaseName, withClient, withDatabaseName } from './databases.ts';

/** One node of a cluster, as the coordinator lists it in `pg_dist_node`. */
export interface CitusNode {
  readonly host: string;
  readonly port: number;
  readonly role: 'coordinator' | 'worker';
}

// Every statement that creates or drops a database propagates it to the workers.
const PROPAGATE = "SET citus.enable_create_database_propagation TO on";

/** The coordinator and the active workers of the cluster behind `adminUrl`; throws when Citus is not there. */
export async function citusNodes(adminUrl: string): Promise<CitusNode[]> {
  return withClient(adminUrl, async (client) => {
    const { rows: extension } = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
    if (extension.length === 0) {
      throw new Error(`${redacted(adminUrl)} is not a Citus coordinator: the citus extension is not installed in its database.`);
    }
    const { rows } = await client.query<{ nodename: string; nodeport: number; groupid: number }>(
      "SELECT nodename, nodeport, groupid FROM pg_dist_node WHERE isactive AND noderole = 'primary' ORDER BY groupid",
    );
    const workers = rows.filter((row) => row.groupid !== 0);
    if (workers.length === 0) throw new Error(`The Citus cluster at ${redacted(adminUrl)} has no active worker.`);
    const coordinator = rows.find((row) => row.groupid === 0);
    const adminHost = new URL(adminUrl);
    return [
      {
        host: coordinator?.nodename ?? adminHost.hostname,
        port: coordinator?.nodeport ?? Number(adminHost.port || 5432),
        role: 'coordinator',
      },
      ...workers.map((row) => ({ host: row.nodename, port: row.nodeport, role: 'worker' as const })),
    ];
  });
}

/** `url` pointed at another node of the cluster (same credentials and database). */
export function nodeUrl(url: string, node: Pick<CitusNode, 'host' | 'port'>): string {
  const parsed = new URL(url);
  parsed.hostname = node.host;
  parsed.port = String(node.port);
  return parsed.toString();
}

/**
 * Creates database `name` on every node of the cluster with the citus extension and the cluster's node list, and
 * returns its URL on the coordinator.
 */
export async function createCitusDatabase(adminUrl: string, name: string): Promise<string> {
  const target = pg.escapeIdentifier(assertDatabaseName(name));
  const nodes = await citusNodes(adminUrl);
  await withClient(adminUrl, async (client) => {
    await client.query(PROPAGATE);
    await client.query(`CREATE DATABASE ${target}`);
  });
  const url = withDatabaseName(adminUrl, name);
  try {
    for (const node of nodes) await withClient(nodeUrl(url, node), (client) => client.query('CREATE EXTENSION IF NOT EXISTS citus'));
    await withClient(url, async (client) => {
      const coordinator = nodes[0]!;
      await client.query('SELECT citus_set_coordinator_host($1, $2)', [coordinator.host, coordinator.port]);
      for (const worker of nodes.slice(1)) await client.query('SELECT citus_add_node($1, $2)', [worker.host, worker.port]);
    });
  } catch (error) {
    await dropCitusDatabase(adminUrl, name).catch(() => {});
    throw error;
  }
  return url;
}

/** Drops database `name` on every node (terminating its sessions). */
export async function dropCitusDatabase(adminUrl: string, name: string): Promise<void> {
  const target = pg.escapeIdentifier(assertDatabaseName(name));
  await withClient(adminUrl, async (client) => {
    await client.query(PROPAGATE);
    await client.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  });
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
