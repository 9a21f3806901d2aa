import { describe, expect, it } from 'vitest';

import { parseDbDiffArgs, parseDbMigrateArgs, parseDbNewMigrationArgs } from '../../../scripts/lib/db-args.ts';
import { parseExactnessArgs } from '../../../scripts/lib/exactness-args.ts';

const argsOf = <A>(parsed: { help: string } | { args: A }): A => {
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.args;
};

describe('migration script arguments', () => {
  it('db:migrate takes --schema and --verbose', () => {
    expect(argsOf(parseDbMigrateArgs([]))).toEqual({ schema: undefined, verbose: false });
    expect(argsOf(parseDbMigrateArgs(['--verbose']))).toEqual({ schema: undefined, verbose: true });
    expect(argsOf(parseDbMigrateArgs(['--schema', 'prisma/citus/schema.prisma']))).toEqual({ schema: 'prisma/citus/schema.prisma', verbose: false });
    expect(() => parseDbMigrateArgs(['--schema', 'prisma/citus'])).toThrow('--schema must name a .prisma file');
    expect(() => parseDbMigrateArgs(['--schema', '/nonexistent.prisma'])).toThrow('--schema: no file /nonexistent.prisma');
    expect(() => parseDbMigrateArgs(['--force'])).toThrow('unknown option --force');
  });

  it('db:diff defaults to the migrations and checks the source', () => {
    expect(argsOf(parseDbDiffArgs([]))).toEqual({ from: 'migrations', exitCode: false, verbose: false });
    expect(argsOf(parseDbDiffArgs(['--from', 'empty', '--exit-code']))).toEqual({ from: 'empty', exitCode: true, verbose: false });
    expect(() => parseDbDiffArgs(['--from', 'schema'])).toThrow('--from must be one of migrations, database, empty; got "schema"');
  });

  it('db:new-migration needs a snake_case --name', () => {
    expect(argsOf(parseDbNewMigrationArgs(['--name', 'add_x']))).toEqual({ name: 'add_x', verbose: false });
    expect(() => parseDbNewMigrationArgs([])).toThrow('--name <snake_name> is required');
    for (const name of ['Add-X', 'a__b']) {
      expect(() => parseDbNewMigrationArgs(['--name', name])).toThrow(`--name must be snake_case (lower-case letters, digits, single underscores), got "${name}"`);
    }
  });

  it('every one answers --help with its usage and exit codes', () => {
    for (const [parse, name] of [[parseDbMigrateArgs, 'db:migrate'], [parseDbDiffArgs, 'db:diff'], [parseDbNewMigrationArgs, 'db:new-migration']] as const) {
      const parsed = parse(['--help']);
      expect('help' in parsed && parsed.help).toMatch(new RegExp(`^Usage: npm run ${name} --[\\s\\S]*Exit codes:`));
    }
  });
});

describe('exactness arguments', () => {
  it('has documented defaults and bounds', () => {
    expect(argsOf(parseExactnessArgs([]))).toEqual({ rows: 1_000_000, seed: 1, group: 500, verbose: false });
    expect(argsOf(parseExactnessArgs(['--rows', '2,000,000', '--seed', '7']))).toMatchObject({ rows: 2_000_000, seed: 7 });
    expect(() => parseExactnessArgs(['--rows', '0'])).toThrow('--rows must be between 1 and 100,000,000');
    expect(() => parseExactnessArgs(['--seed=-1'])).toThrow('--seed must be between 0 and 4,294,967,295');
  });
});
