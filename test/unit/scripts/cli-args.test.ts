import { describe, expect, it } from 'vitest';

import { choiceArg, dayArg, dayRangeArgs, intArg, listArg, parseArgv, UsageError, verboseOnly } from '../../../scripts/lib/cli/args.ts';

describe('script argument helpers', () => {
  it('reads whole numbers with separators and enforces the range', () => {
    expect(intArg('rows', undefined, 7, 0, 10)).toBe(7);
    expect(intArg('rows', '1_000_000', 0, 0, 2_000_000)).toBe(1_000_000);
    expect(intArg('rows', '1,000', 0, 0, 2_000)).toBe(1_000);
    expect(() => intArg('rows', '1e6', 0, 0, 2_000_000)).toThrow('--rows must be a whole number, got "1e6"');
    expect(() => intArg('rows', '-1', 0, 0, 10)).toThrow('--rows must be between 0 and 10, got -1');
    expect(() => intArg('rows', '', 0, 0, 10)).toThrow(UsageError);
  });

  it('reads calendar days as midnight UTC and rejects impossible ones', () => {
    expect(dayArg('from', '2026-02-28').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    // Year 0000 is a valid ISO date, but no `Date` the library takes (years 1–9999): a usage error, exit 2.
    for (const bad of ['2026-02-30', '2026-2-1', '26-01-01', '2026-01-01T00:00', 'tomorrow', '0000-01-01']) {
      expect(() => dayArg('from', bad)).toThrow(/--from must be a date like 2026-01-31/);
    }
  });

  it('turns an inclusive --to day into the exclusive bound of the next midnight', () => {
    expect(dayRangeArgs('2026-01-01', '2026-03-31')).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    expect(dayRangeArgs(undefined, undefined)).toEqual({});
    expect(dayRangeArgs('2026-03-31', '2026-03-31').to).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(() => dayRangeArgs('2026-04-01', '2026-03-31')).toThrow('--from 2026-04-01 is after --to 2026-03-31');
  });

  it('splits repeated and comma-separated lists, trimmed and unique', () => {
    expect(listArg(['EMEA, APAC', 'EMEA', 'AMER'])).toEqual(['EMEA', 'APAC', 'AMER']);
    expect(listArg([' , '])).toBeUndefined();
    expect(listArg(undefined)).toBeUndefined();
  });

  it('checks choices and reports unknown options and stray arguments as usage errors', () => {
    expect(choiceArg('format', undefined, ['a', 'b'], 'a')).toBe('a');
    expect(() => choiceArg('format', 'c', ['a', 'b'], 'a')).toThrow('--format must be one of a, b; got "c"');
    expect(parseArgv(['--help'], {})).toBeNull();
    expect(parseArgv(['-h', '--bogus'], {})).toBeNull(); // help wins
    expect(() => parseArgv(['--bogus'], {})).toThrow(UsageError);
    expect(() => parseArgv(['stray'], {})).toThrow('unexpected argument "stray"');
    expect(parseArgv(['one'], {}, { positionals: 1 })?.positionals).toEqual(['one']);
  });

  it("says which option is unknown, without parseArgs' advice to put it after `--` (npm takes that one)", () => {
    expect(() => parseArgv(['--bogus'], {})).toThrow(/^unknown option --bogus$/);
  });

  it('takes a negative number as the value of an option, so the value is checked (not "ambiguous")', () => {
    const parsed = parseArgv(['--rows', '-5', '--ratio', '-.5'], { rows: { type: 'string' }, ratio: { type: 'string' } });
    expect(parsed?.values).toEqual({ rows: '-5', ratio: '-.5' });
    expect(() => intArg('rows', parsed!.values.rows as string, 1, 1, 10)).toThrow('--rows must be between 1 and 10, got -5');
    // A flag after a string option is still a flag.
    expect(() => parseArgv(['--rows', '--verbose'], { rows: { type: 'string' }, verbose: { type: 'boolean' } })).toThrow(/argument is ambiguous/);
  });
});

describe('scripts with --verbose only', () => {
  it('parse --verbose, return the usage for --help, and refuse anything else', () => {
    const parse = verboseOnly('\nUsage: npm run x --\n');
    expect(parse([])).toEqual({ args: { verbose: false } });
    expect(parse(['--verbose'])).toEqual({ args: { verbose: true } });
    expect(parse(['-h'])).toEqual({ help: 'Usage: npm run x --' });
    expect(() => parse(['--quiet'])).toThrow(UsageError);
  });
});
