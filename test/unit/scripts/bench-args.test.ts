import { describe, expect, it } from 'vitest';

import { BENCH_SECTIONS, DEFAULT_ROWS, parseBenchArgs } from '../../../scripts/lib/bench/args.ts';

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
      sections: BENCH_SECTIONS,
      output: 'BENCHMARKS.md',
      write: true,
      verbose: false,
    });
  });

  it('reads every option; 10,000,000 rows in any spelling', () => {
    expect(args(['--rows', '10000000']).rows).toBe(10_000_000);
    expect(args(['--rows', '10_000_000']).rows).toBe(10_000_000);
    expect(args(['--rows', '10,000,000', '--accounts', '50', '--moderate-rows', '5000', '--ingest-rows', '1000',
      '--chunk-size', '500', '--repeat', '5', '--only', 'page,stream', '--output', 'out.md', '--no-write', '--verbose']))
      .toEqual({
        rows: 10_000_000, accounts: 50, moderateRows: 5_000, ingestRows: 1_000, chunkSize: 500, repeat: 5,
        sections: ['stream', 'page'], output: 'out.md', write: false, verbose: true,
      });
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
    [['--only', 'stream,warp'], '--only: unknown section "warp"'],
    [['--rows'], "Option '--rows <value>' argument missing"],
    [['--rwos', '5'], "Unknown option '--rwos'"],
    [['extra'], 'unexpected argument "extra"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
