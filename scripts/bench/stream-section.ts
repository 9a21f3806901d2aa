/**
 * Streaming all partitioned running-total rows: repo.streamRunningTotals (keyset chunks) vs node-postgres +
 * pg-cursor on the same SQL vs a DECLARE CURSOR / FETCH loop through Prisma, each in its own child process, plus
 * the server's own execution time of that SQL.
 */
import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { rowsPerSecond } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { runStreamWorker, type StreamMode, type StreamResult } from './spawn-stream.ts';

export const RSS_GOAL_MB = 256;
const RSS_GOAL_ROWS = 10_000_000;
/** Issue 13: the stream may add at most this much to the idle process (client loaded and connected). */
const ADDED_RSS_GOAL_MB = 64;

const LABELS: Record<StreamMode, string> = {
  'pg-cursor': 'pg + pg-cursor, read(chunk) loop (raw baseline)',
  keyset: 'repo.streamRunningTotals (keyset chunks via $queryRaw, one snapshot)',
  pool: 'repo.streamRunningTotals with pgPool (rows from the socket, one snapshot)',
  declare: 'Prisma $transaction: DECLARE CURSOR + FETCH chunk',
};

export async function streaming(
  prisma: PrismaClient,
  url: string,
  chunkSize: number,
  log: (line: string) => void,
): Promise<SectionResult> {
  const results = {} as Record<StreamMode, StreamResult>;
  const runs: StreamResult[] = [];
  // The two the stream goal compares run twice, alternated with the others (A B C D A B), and each keeps its
  // faster run: a cold cache or a busy moment slows a run, nothing makes one faster. Memory keeps the larger peak.
  for (const mode of ['pg-cursor', 'pool', 'keyset', 'declare', 'pg-cursor', 'pool'] as const) {
    log(`  streaming: ${mode}…`);
    const run = await runStreamWorker({ mode, url, chunkSize });
    runs.push(run);
    const earlier = results[mode];
    results[mode] = earlier === undefined ? run : keepFaster(earlier, run);
  }
  const checksums = new Set(runs.map((r) => `${r.rows}/${r.checksum}`));
  if (checksums.size !== 1) throw new Error(`streams disagree: ${JSON.stringify(results)}`);
  log('  streaming: server execution time (EXPLAIN ANALYZE)…');
  const plan = await new TransactionRepository(prisma).explain(undefined, 'partition');
  const serverMs = plan.executionTimeMs ?? 0;
  const rows = results.keyset.rows;
  const rate = (mode: StreamMode) => rowsPerSecond(results[mode].rows, results[mode].ms);
  const measurements: Measurement[] = (['pg-cursor', 'keyset', 'pool', 'declare'] as const).map((mode) => ({
    section: 'stream',
    what: LABELS[mode],
    rows: results[mode].rows,
    ms: results[mode].ms,
    detail: `peak RSS ${results[mode].peakRssMb} MB (+${results[mode].addedRssMb} MB above idle), first row ${Math.round(results[mode].firstRowMs)} ms${mode === 'pg-cursor' || mode === 'pool' ? '; faster of 2 runs' : ''}`,
  }));
  measurements.push({
    section: 'stream',
    what: 'server execution time of the same SQL (EXPLAIN ANALYZE)',
    rows,
    ms: serverMs,
    detail: `WindowAgg ← ${plan.windowAggFedBy}${plan.indexName ? ` (${plan.indexName})` : ''}`,
  });
  // Goals are judged on the fastest path the library offers (pgPool); the $queryRaw keyset path is reported beside it.
  const throughput = rate('pool') / rate('pg-cursor');
  const rss = results.pool.peakRssMb;
  const keysetThroughput = rate('keyset') / rate('pg-cursor');
  const declareVsKeyset = rate('declare') / rate('keyset');
  const ratios: Ratio[] = [
    {
      section: 'stream',
      name: 'stream (pgPool) / pg-cursor throughput',
      value: throughput,
      unit: 'x',
      goal: {
        text: '≥ 0.8x',
        met: throughput >= 0.8,
        ...(throughput < 0.8 && {
          why: 'every row is decoded to exact types (a Prisma.Decimal per numeric, bigint ids); the raw baseline hands back plain strings',
        }),
      },
    },
    {
      section: 'stream',
      name: 'stream (pgPool) peak RSS',
      value: rss,
      unit: 'MB',
      goal: {
        text: `< ${RSS_GOAL_MB} MB at 10M rows`,
        met: rss < RSS_GOAL_MB,
        ...(rss >= RSS_GOAL_MB && { why: 'Node + tsx + the Prisma runtime the application loads anyway, plus one chunk of decoded rows' }),
      },
      ...(rows < RSS_GOAL_ROWS && { note: `measured at ${rows.toLocaleString('en-US')} rows; memory is bounded by the chunk, not the row count` }),
    },
    {
      section: 'stream',
      name: 'stream (pgPool) peak RSS above the idle process',
      value: results.pool.addedRssMb,
      unit: 'MB',
      goal: {
        text: `≤ ${ADDED_RSS_GOAL_MB} MB at 10M rows`,
        met: results.pool.addedRssMb <= ADDED_RSS_GOAL_MB,
        ...(results.pool.addedRssMb > ADDED_RSS_GOAL_MB && { why: 'one chunk of decoded rows plus the heap the garbage collector lets grow before it collects' }),
      },
      note: `pg-cursor baseline: +${results['pg-cursor'].addedRssMb} MB${rows < RSS_GOAL_ROWS ? `; measured at ${rows.toLocaleString('en-US')} rows` : ''}`,
    },
    {
      section: 'stream',
      name: 'keyset stream ($queryRaw) / pg-cursor throughput',
      value: keysetThroughput,
      unit: 'x',
      note: `peak RSS ${results.keyset.peakRssMb} MB`,
    },
    {
      section: 'stream',
      name: 'DECLARE/FETCH / keyset throughput',
      value: declareVsKeyset,
      unit: 'x',
      note: declareVsKeyset > 1 ? 'server-side cursor faster' : 'keyset chunks faster',
    },
    { section: 'stream', name: 'pg-cursor time / server execution time', value: results['pg-cursor'].ms / serverMs, unit: 'x', note: 'physical limit = 1x' },
    { section: 'stream', name: 'keyset stream time / server execution time', value: results.keyset.ms / serverMs, unit: 'x' },
  ];
  return { measurements, ratios };
}

/** The faster of two runs of one mode, with the larger of their memory peaks. */
function keepFaster(a: StreamResult, b: StreamResult): StreamResult {
  const faster = a.ms <= b.ms ? a : b;
  return { ...faster, peakRssMb: Math.max(a.peakRssMb, b.peakRssMb), addedRssMb: Math.max(a.addedRssMb, b.addedRssMb) };
}
