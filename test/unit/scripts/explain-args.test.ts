import { describe, expect, it } from 'vitest';

import { parseExplainArgs } from '../../../scripts/lib/explain-args.ts';

const args = (argv: string[]) => {
  const parsed = parseExplainArgs(argv);
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.args;
};

describe('explain arguments', () => {
  it('takes a query name and defaults to ANALYZE, rows frame, NULLs as zero', () => {
    expect(args(['transactions-global'])).toEqual({ query: 'transactions-global', frame: 'rows', nulls: 'zero', analyze: true, json: false, verbose: false });
  });

  it('reads partitions as account ids or region names depending on the query, and inclusive days', () => {
    expect(args(['transactions-by-account', '--partitions', '1,2', '--partitions=-3']).partitions).toEqual([1, 2, -3]);
    expect(args(['sales-by-region', '--partitions', 'EMEA,APAC', '--from', '2026-01-01', '--to', '2026-01-31', '--frame', 'range', '--nulls', 'skip', '--estimate', '--json']))
      .toEqual({
        query: 'sales-by-region',
        partitions: ['EMEA', 'APAC'],
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-02-01T00:00:00Z'),
        frame: 'range',
        nulls: 'skip',
        analyze: false,
        json: true,
        verbose: false,
      });
  });

  it('returns the help text, also without a query', () => {
    const parsed = parseExplainArgs(['-h']);
    expect('help' in parsed && parsed.help).toMatch(/Exit codes: 0 no Sort under the WindowAgg · 3 a Sort feeds the WindowAgg/);
  });

  it.each([
    [[], 'which query? One of transactions-by-account, transactions-global, sales-by-region, sales-global'],
    [['sales'], 'unknown query "sales"'],
    [['sales-global', 'extra'], 'unexpected argument "extra"'],
    [['transactions-by-account', '--partitions', 'EMEA'], '--partitions: account ids are 32-bit integers, got "EMEA"'],
    [['transactions-by-account', '--partitions', '2147483648'], 'account ids are 32-bit integers'],
    [['sales-global', '--frame', 'groups'], '--frame must be one of rows, range'],
    [['sales-global', '--nulls', 'drop'], '--nulls must be one of zero, skip'],
    [['sales-global', '--to', '2026-02-29'], '--to must be a date'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseExplainArgs(argv)).toThrow(message);
  });
});
