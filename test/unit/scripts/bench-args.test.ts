import { describe, expect, it } from 'vitest';

import { BENCH_SECTIONS, DEFAULT_ROWS, parseBenchArgs } from '../../../scripts/bench/args.ts';
import { DEFAULT_INGEST_SIZES, parseIngestArgs } from '../../../scripts/bench/ingest-args.ts';

const args = (argv: string[]) => {
  const parsed = parseBenchArgs(argv);
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.args;
};

describe('bench arguments', () => {
  it('has documented defaults', () => {
    expect(args([])).toEqual({
      rows: DEFAULT_ROWS,
      accounts: 1_000,
      moderateRows: 100_000,
      ingestRows: 20_000,
      chunkSize: 10_000,
      repeat: 3,
      rounds: 5,
      sections: BENCH_SECTIONS,
      citus: undefined,
      output: 'BENCHMARKS.md',
      write: true,
      verbose: false,
    });
  });

  it('reads every option; 10,000,000 rows in any spelling', () => {
    expect(args(['--rows', '10000000']).rows).toBe(10_000_000);
    expect(args(['--rows', '10_000_000']).rows).toBe(10_000_000);
    expect(args(['--rows', '10,000,000', '--accounts', '50', '--moderate-rows', '5000', '--ingest-rows', '1000',
      '--chunk-size', '500', '--repeat', '5', '--rounds', '7', '--only', 'page,stream', '--output', 'out.md', '--no-write', '--verbose']))
      .toEqual({
        rows: 10_000_000, accounts: 50, moderateRows: 5_000, ingestRows: 1_000, chunkSize: 500, repeat: 5, rounds: 7,
        sections: ['stream', 'page'], citus: undefined, output: 'out.md', write: false, verbose: true,
      });
  });

  it('adds the citus section with --citus, alone with --only citus', () => {
    const url = 'postgresql://postgres@127.0.0.1:6701/postgres';
    expect(args(['--citus', url])).toMatchObject({ citus: url, sections: BENCH_SECTIONS });
    expect(args(['--citus', url, '--only', 'citus'])).toMatchObject({ citus: url, sections: [] });
    expect(args(['--citus', url, '--only', 'page'])).toMatchObject({ citus: undefined, sections: ['page'] });
  });

  it('caps the size-dependent defaults at --rows', () => {
    expect(args(['--rows', '5000'])).toMatchObject({ rows: 5_000, moderateRows: 5_000, ingestRows: 5_000 });
  });

  it('returns the help text for --help and -h, even next to mistakes', () => {
    for (const argv of [['--help'], ['-h'], ['--rows', 'x', '--help']]) {
      const parsed = parseBenchArgs(argv);
      expect('help' in parsed && parsed.help).toMatch(/^Usage: npm run bench/);
    }
  });

  it.each([
    [['--rows', 'many'], '--rows must be a whole number, got "many"'],
    [['--rows', '999'], '--rows must be between 1,000 and 100,000,000'],
    [['--rows', '1000', '--moderate-rows', '2000'], '--moderate-rows must be between 1 and 1,000'],
    [['--ingest-rows', '2000000'], '--ingest-rows must be between 1 and 1,000,000'],
    [['--repeat', '0'], '--repeat must be between 1 and 100'],
    [['--rounds', '0'], '--rounds must be between 1 and 50'],
    [['--only', 'stream,warp'], '--only: unknown section "warp"'],
    [['--only', 'citus'], '--only citus needs --citus <url>'],
    [['--citus', 'localhost:6701'], '--citus must be a postgresql:// URL'],
    [['--rows'], "Option '--rows <value>' argument missing"],
    [['--rwos', '5'], 'unknown option --rwos'],
    [['extra'], 'unexpected argument "extra"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('bench:ingest arguments', () => {
  const ingest = (argv: string[]) => {
    const parsed = parseIngestArgs(argv);
    if ('help' in parsed) throw new Error('unexpected help');
    return parsed.args;
  };

  it('has documented defaults and reads sizes as a list', () => {
    expect(ingest([])).toEqual({ sizes: DEFAULT_INGEST_SIZES, repeat: 3, json: false, verbose: false });
    expect(ingest(['--sizes', '1,100,10000', '--repeat', '5', '--json'])).toMatchObject({ sizes: [1, 100, 10_000], repeat: 5, json: true });
    expect(ingest(['--sizes', '1', '--sizes', '10_000']).sizes).toEqual([1, 10_000]);
  });

  it('returns the help text', () => {
    const parsed = parseIngestArgs(['-h']);
    expect('help' in parsed && parsed.help).toMatch(/^Usage: npm run bench:ingest --[\s\S]*Exit codes:/);
  });

  it.each([
    [['--sizes', 'ten'], '--sizes must be a whole number, got "ten"'],
    [['--sizes', '0'], '--sizes must be between 1 and 1,000,000'],
    [['--sizes', ','], '--sizes needs at least one batch size'],
    [['--repeat', '0'], '--repeat must be between 1 and 100'],
    [['--jsn'], 'unknown option --jsn'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseIngestArgs(argv)).toThrow(message);
  });
});
