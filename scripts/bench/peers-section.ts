/**
 * What a user would write instead, side by side in one run on the same rows: Kysely, Drizzle, postgres.js and
 * node-postgres run the repository's own SQL (none of them has a frame clause to build it with), and write the
 * same rows the way each makes easiest. One table per job:
 * - read: the running totals of the moderate accounts, whole;
 * - page: the largest account's statement walked page by page (the repository's `page`; the peers run the keyset
 *   query a user writes by hand, its position carried as the server's text of the timestamp);
 * - stream: every account's running totals, a cursor chunk at a time;
 * - ingest: `ingestRows` rows into an emptied table with its indexes.
 *
 * Every measurement runs in a child process of its own (peer-worker.ts), so its peak RSS is its own. Each round
 * runs every client once (in the opposite order the next round); a ratio is the median over rounds of that
 * round's ratio, so a slow minute of the machine counts against both sides of it, and the range of the rounds'
 * ratios is reported beside it: a range that straddles 1x means the rounds disagree. The peers return numerics and ids as strings (and
 * node-postgres and postgres.js instants as Dates); the repository returns exact `Decimal`s, `bigint`s and `Date`s.
 * Reads and pages also run Drizzle and postgres.js made to return those same types (`-exact`), which separates
 * what exactness costs any client from what the repository itself costs.
 * Statements that repeat are prepared once per connection where the client has a documented way to ask: the
 * repository's `preparedStatements`, a named node-postgres query, postgres.js's `prepare: true`. Kysely's
 * `executeQuery` and Drizzle's `db.execute` have none and run unnamed statements.
 */
import { fileURLToPath } from 'node:url';

import type { PeerClient, PeerJob, PeerJobName, PeerResult } from './peer-jobs.ts';
import { runWorker } from './spawn-worker.ts';
import { median, pairedRatios, roundsNote } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { connectClient } from './pg-clients.ts';

const WORKER = fileURLToPath(new URL('./peer-worker.ts', import.meta.url));
const CHUNK = 10_000;
const PAGE_SIZE = 1_000;

const LABELS: Record<PeerJobName, Partial<Record<PeerClient, string>>> = {
  read: {
    ours: 'repository with pgPool, prepared statements (Decimal, bigint, Date)',
    prisma: 'repository through Prisma $queryRaw (Decimal, bigint, Date)',
    'node-postgres': 'node-postgres pool.query, named statement (strings, Date)',
    kysely: 'Kysely executeQuery(CompiledQuery.raw) (strings, Date)',
    drizzle: 'Drizzle db.execute(sql) (strings)',
    'postgres.js': 'postgres.js sql.unsafe, prepare: true (strings, Date)',
    'drizzle-exact': 'Drizzle db.execute(sql) + exact types (Decimal, bigint, Date)',
    'postgres.js-exact': 'postgres.js sql.unsafe + exact types, prepare: true (Decimal, bigint, Date)',
  },
  page: {
    ours: `repository page() with pgPool, prepared statements, ${PAGE_SIZE}-row pages (Decimal, bigint, Date)`,
    prisma: `repository page() through Prisma, ${PAGE_SIZE}-row pages`,
    'node-postgres': 'node-postgres pool.query, named statement, hand-written keyset query',
    kysely: 'Kysely executeQuery, hand-written keyset query',
    drizzle: 'Drizzle db.execute, hand-written keyset query',
    'postgres.js': 'postgres.js sql.unsafe, prepare: true, hand-written keyset query',
    'drizzle-exact': 'Drizzle db.execute + exact types, hand-written keyset query (Decimal, bigint, Date)',
    'postgres.js-exact': 'postgres.js sql.unsafe + exact types, prepare: true, hand-written keyset query (Decimal, bigint, Date)',
  },
  stream: {
    ours: 'repository streamRunningTotals with pgPool (rows from the socket, exact types)',
    'node-postgres': 'node-postgres + pg-cursor (strings)',
    kysely: 'Kysely executor.stream (pg-cursor, strings)',
    'postgres.js': 'postgres.js cursor (strings)',
  },
  ingest: {
    ours: "repository insertMany strategy 'copy' (validated, idempotent)",
    'postgres.js': 'postgres.js COPY FROM STDIN (CSV)',
    kysely: 'Kysely insertInto().values() in one transaction, 1000-row statements',
    drizzle: 'Drizzle insert().values() in one transaction, 1000-row statements',
  },
};

/** Why the repository can trail a peer that returns the driver's text, by job. */
const WHY: Record<PeerJobName, string> = {
  read: 'exact types: a Decimal per numeric, a bigint per id and a Date per instant, which the garbage collector copies',
  page: 'exact types per row, a signed cursor per page, and a first page whose opening balance is read in the same snapshot',
  stream: 'exact types per row, and one REPEATABLE READ snapshot with timeouts around the portal',
  ingest: 'validation of every row (exact decimals, dates, keys) and key order before any SQL',
};

export async function peers(
  ctx: { readonly url: string; readonly repeat: number; readonly rounds: number },
  accounts: readonly number[],
  ingestRows: number,
  log: (line: string) => void,
): Promise<SectionResult> {
  const client = await connectClient(ctx.url);
  try {
    const { rows: largest } = await client.query<{ accountId: number; n: string }>(
      'SELECT "accountId", count(*) AS n FROM "Transaction" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1',
    );
    const account = largest[0]!.accountId;
    const jobs: Array<{ job: PeerJobName; what: string; base: Omit<PeerJob, 'client' | 'url' | 'job'> }> = [
      { job: 'read', what: `reads of ${accounts.length} accounts' running totals`, base: { accounts, runs: ctx.repeat } },
      { job: 'page', what: `pages of account ${account} (${Number(largest[0]!.n).toLocaleString('en-US')} rows)`, base: { account, pageSize: PAGE_SIZE, runs: ctx.repeat } },
      { job: 'stream', what: 'streams of every running total', base: { chunkSize: CHUNK } },
      { job: 'ingest', what: `ingest of ${ingestRows.toLocaleString('en-US')} rows`, base: { ingestRows, seed: 21 } },
    ];
    const measurements: Measurement[] = [];
    const ratios: Ratio[] = [];
    for (const { job, what, base } of jobs) {
      log(`peers: ${what}, each client in its own process…`);
      const clients = Object.keys(LABELS[job]) as PeerClient[];
      const results = new Map<PeerClient, PeerResult[]>(clients.map((name) => [name, []]));
      for (let round = 0; round < ctx.rounds; round++) {
        for (const name of round % 2 === 0 ? clients : [...clients].reverse()) {
          if (job === 'ingest') {
            await client.query('TRUNCATE "Transaction" RESTART IDENTITY');
            // Each run starts with the same WAL state; CHECKPOINT needs privileges a shared server may not grant.
            await client.query('CHECKPOINT').catch(() => {});
          }
          const result = await runWorker<PeerResult>(WORKER, { ...base, job, client: name, url: ctx.url }, ['--expose-gc']);
          if (job === 'ingest') {
            const { rows: stored } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "Transaction"');
            if (Number(stored[0]!.n) !== ingestRows) throw new Error(`peers ingest (${name}): ${stored[0]!.n} rows stored, ${ingestRows} sent`);
          }
          results.get(name)!.push(result);
        }
      }
      if (job === 'ingest') await client.query('TRUNCATE "Transaction" RESTART IDENTITY');
      const answers = new Set([...results.values()].flat().map((r) => `${r.rows}/${r.checksum}`));
      if (answers.size !== 1) throw new Error(`peers ${job}: the clients disagree: ${JSON.stringify(Object.fromEntries(results))}`);
      const perProcess = job === 'read' || job === 'page' ? `median of ${ctx.repeat} warm runs per process` : 'one run per process';
      const peak = (runs: readonly PeerResult[]) => ({ peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), addedRssMb: Math.max(...runs.map((r) => r.addedRssMb)) });
      for (const [name, runs] of results) {
        const times = runs.map((r) => r.ms);
        const { peakRssMb, addedRssMb } = peak(runs);
        measurements.push({
          section: 'peers',
          what: `${job}: ${LABELS[job][name]!}`,
          rows: runs[0]!.rows,
          ms: median(times),
          detail: `peak RSS ${peakRssMb} MB (+${addedRssMb} MB above idle); ${perProcess}, median of ${ctx.rounds} processes (${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms)`,
        });
      }
      const ours = results.get('ours')!;
      for (const [name, runs] of results) {
        if (name === 'ours') continue;
        const { median: value, min, max } = pairedRatios(ours.map((r) => r.ms), runs.map((r) => r.ms));
        ratios.push({
          section: 'peers',
          name: `${job}: repository / ${LABELS[job][name]!.replace(/ \(.*\)$/, '').replace(/,.*$/, '').replace(/ in one transaction.*$/, '')} throughput`,
          value,
          unit: 'x',
          goal: { text: '≥ 1x', met: value >= 1, ...(value < 1 && { why: WHY[job] }) },
          note: `${roundsNote(`${ctx.rounds} rounds`, { min, max }, 1)}; peak RSS above idle: ${peak(ours).addedRssMb} MB vs ${peak(runs).addedRssMb} MB`,
        });
      }
      if (job === 'stream') measurements.push({ section: 'peers', what: 'stream: Drizzle (node-postgres driver)', rows: 0, ms: 0, detail: 'no streaming API: not measured' });
    }
    return { measurements, ratios };
  } finally {
    await client.end();
  }
}
