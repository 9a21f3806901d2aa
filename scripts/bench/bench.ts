/**
 * `npm run bench`: running totals at scale — streaming vs raw node-postgres, the repository vs the server's own
 * execution time, keyset pages vs OFFSET, $queryRaw vs findMany, bulk insert strategies vs COPY. Every result is a
 * ratio measured in the same run; the run is printed and appended to BENCHMARKS.md. See `npm run bench -- --help`
 * (args.ts).
 */
import { runCli, stderrLine } from '../lib/cli/run.ts';
import { parseBenchArgs, type BenchArgs } from './args.ts';
import { openBenchServer } from './databases.ts';
import { generateLedger } from './dataset.ts';
import { timeBuckets } from './bucket-section.ts';
import { citusComparison } from './citus-section.ts';
import { ingest } from './ingest-section.ts';
import { describeMachine, machineLine } from './machine.ts';
import { appendRun } from './markdown.ts';
import { endToEnd, keysetPages, moderateAccounts, queryRawVsFindMany } from './query-sections.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { streaming } from './stream-section.ts';
import { peers } from './peers-section.ts';
import { filteredPartitionPlans } from './plans-section.ts';
import { compositeKeyPlans } from './composite-plans-section.ts';
import { consoleTables } from './table.ts';

const n = (value: number): string => value.toLocaleString('en-US');
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

async function bench(args: BenchArgs): Promise<number> {
  const argv = process.argv.slice(2);
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.map(quote).join(' ')}` : ''}`;
  const started = performance.now();
  const log = (line: string) => stderrLine(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const server = await openBenchServer(args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined);
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  const add = (result: SectionResult) => {
    measurements.push(...result.measurements);
    ratios.push(...result.ratios);
  };
  const run = args.sections.includes.bind(args.sections);
  try {
    const db = await server.database('bench');
    const machine = await describeMachine(db.prisma, server.kind);
    log(`${machineLine(machine)}`);
    let data = 'only the citus section';
    let rows = `${n(args.rows)} (citus)`;
    if (args.sections.length > 0) {
      log(`generating ${n(args.rows)} rows server-side…`);
      const stats = await generateLedger(db.url, { rows: args.rows, accounts: args.accounts }, log);
      data =
        `${n(stats.rows)} rows, ${n(stats.accounts)} accounts (largest: #${stats.largestAccount.id} with ` +
        `${n(stats.largestAccount.rows)} rows), ${n(stats.nullAmounts)} NULL amounts (${pct(stats.nullAmounts, stats.rows)}), ` +
        `${stats.duplicatesEstimated ? '≈' : ''}${n(stats.duplicateTimestampRows)} rows share a timestamp (${pct(stats.duplicateTimestampRows, stats.rows)}); ` +
        `table ${n(stats.tableMb)} MB + indexes ${n(stats.indexesMb)} MB; generated in ${stats.seconds.toFixed(0)} s`;
      log(data);
      rows = n(stats.rows);
      const ctx = { prisma: db.prisma, url: db.url, repeat: args.repeat };

      if (run('stream')) add(await streaming(db.prisma, db.url, args.chunkSize, log));
      if (run('e2e') || run('plans') || run('findmany') || run('buckets') || run('peers')) {
        const moderate = await moderateAccounts(db.prisma, args.moderateRows);
        log(`moderate workload: ${moderate.accounts.length} accounts, ${n(moderate.rows)} rows`);
        if (run('e2e')) {
          log('repository end-to-end vs server time…');
          add(await endToEnd(ctx, moderate.accounts));
        }
        if (run('plans')) {
          log('filtered partitions: compiled vs index order vs per-partition LATERAL (server time)…');
          add(await filteredPartitionPlans(db.prisma, db.url, moderate.accounts, args.repeat));
          log('filtered composite keys: each key through LATERAL vs a joined list (server time)…');
          add(await compositeKeyPlans(db.prisma, db.url, args.rows, args.repeat));
        }
        if (run('findmany')) {
          log('$queryRaw vs findMany + JavaScript sum…');
          add(await queryRawVsFindMany(ctx, moderate.accounts));
        }
        if (run('buckets')) {
          log('daily buckets in SQL vs JavaScript; balanceAsOf early vs late…');
          add(await timeBuckets(ctx, moderate.accounts.slice(0, 1_000), stats.largestAccount));
        }
        if (run('peers')) {
          log('peers: Kysely, Drizzle, postgres.js, node-postgres on the same SQL and rows…');
          const target = await server.database('bench_peers');
          await generateLedger(target.url, { rows: args.rows, accounts: args.accounts }, () => {});
          add(await peers({ url: target.url, repeat: args.repeat, rounds: args.rounds }, moderate.accounts, args.ingestRows, log));
        }
      }
      if (run('page')) {
        log('keyset pages vs OFFSET…');
        add(await keysetPages(ctx, stats.largestAccount));
      }
      if (run('ingest')) {
        log(`bulk insert of ${n(args.ingestRows)} rows per strategy (separate database)…`);
        const target = await server.database('bench_ingest');
        add(await ingest(target.prisma, target.url, args.ingestRows, args.rounds));
      }
    }
    let runData = data;
    if (args.citus !== undefined) {
      log('Citus cluster vs single node (separate databases on the cluster)…');
      const { data: citusData, ...result } = await citusComparison(args.citus, args, log);
      add(result);
      runData = `${data}. Citus section: ${citusData}`;
    }

    process.stdout.write(`\n${command}\n${machineLine(machine)}\nData: ${runData}\n\n${consoleTables(measurements, ratios)}`);
    const seconds = (performance.now() - started) / 1000;
    if (args.write) {
      await appendRun(args.output, { date: new Date(), command, machine, data: runData, seconds, measurements, ratios }, rows);
      process.stdout.write(`\nAppended to ${args.output} (${seconds.toFixed(0)} s).\n`);
    }
    return 0;
  } finally {
    await server.close();
  }
}

runCli('bench', parseBenchArgs, bench, { stack: true });
