/**
 * The jobs of the peers section and the clients that run them, shared by its parent side (peers-section.ts) and
 * its child process (peer-worker.ts).
 */
export const PEER_JOBS = ['read', 'page', 'stream', 'ingest'] as const;
export type PeerJobName = (typeof PEER_JOBS)[number];

/**
 * `ours`: the repository with `pgPool`; `prisma`: the repository on Prisma alone; the others run the same SQL (or,
 * for pages, the keyset query a user would write by hand) with their own API and return the driver's strings.
 * `drizzle-exact` and `postgres.js-exact` are those two clients made to return the repository's types (`Decimal`
 * numerics, `bigint` ids, `Date` instants) the way their users would: the drivers' type parsers, and for Drizzle's
 * instants (which it keeps as text) one `Date` per row.
 */
export const PEER_CLIENTS = ['ours', 'prisma', 'node-postgres', 'kysely', 'drizzle', 'postgres.js', 'drizzle-exact', 'postgres.js-exact'] as const;
export type PeerClient = (typeof PEER_CLIENTS)[number];

export interface PeerJob {
  readonly job: PeerJobName;
  readonly client: PeerClient;
  readonly url: string;
  /** read: the accounts whose running totals are read whole. */
  readonly accounts?: readonly number[];
  /** page: the account whose statement is walked page by page, and the rows per page. */
  readonly account?: number;
  readonly pageSize?: number;
  /** stream: rows per read of a cursor. */
  readonly chunkSize?: number;
  /** ingest: rows written, and the seed of their generator (their idempotency keys). */
  readonly ingestRows?: number;
  readonly seed?: number;
  /** read, page: timed runs after the first (which is the one whose memory is measured). */
  readonly runs?: number;
}

export interface PeerResult {
  readonly rows: number;
  /** read, page: median of the timed runs; stream, ingest: the one run. */
  readonly ms: number;
  readonly samples: readonly number[];
  /** Peak RSS of the child process through its first run, MB. */
  readonly peakRssMb: number;
  /** That peak minus the peak before the first run (clients loaded and connected, warmed on a small job). */
  readonly addedRssMb: number;
  /** Of the totals read ("account:last total" of every account), equal across clients; '' for ingest. */
  readonly checksum: string;
}
