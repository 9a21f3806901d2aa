import { describe, expect, it } from 'vitest';

import { Prisma, type SalesRecord } from '../../../prisma/generated/prisma/client.ts';
import type { WithRunningTotal } from '../../../src/index.ts';
import { csvField, toCsv } from '../../../scripts/lib/csv.ts';
import { parseReportArgs } from '../../../scripts/lib/report-args.ts';
import { buildReportData } from '../../../scripts/lib/report-data.ts';
import { reportHtml } from '../../../scripts/lib/report-html.ts';
import { reportCsv, reportJson, reportTable } from '../../../scripts/lib/report-text.ts';

const args = (argv: string[]) => {
  const parsed = parseReportArgs(argv);
  if ('help' in parsed) throw new Error('unexpected help');
  return parsed.args;
};

describe('report arguments', () => {
  it('defaults to every region and date as a table', () => {
    expect(args([])).toEqual({ frame: 'rows', format: 'table', verbose: false });
  });

  it('converts the inclusive --to day to the exclusive bound the repository takes', () => {
    expect(args(['--region', 'EMEA', '--region', 'APAC,AMER', '--from', '2026-01-01', '--to', '2026-03-31', '--format', 'html', '--out', 'r.html']))
      .toEqual({
        regions: ['EMEA', 'APAC', 'AMER'],
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
        frame: 'rows',
        format: 'html',
        out: 'r.html',
        verbose: false,
      });
  });

  it.each([
    [['--format', 'pdf'], '--format must be one of table, csv, json, html; got "pdf"'],
    [['--from', '2026-13-01'], '--from must be a date like 2026-01-31'],
    [['--from', '2026-02-01', '--to', '2026-01-31'], '--from 2026-02-01 is after --to 2026-01-31'],
    [['--region', ','], '--region needs a region name'],
    [['--region', 'x'.repeat(65)], '--region names are at most 64 characters'],
    [['--out', ' '], '--out needs a file name'],
    [['EMEA'], 'unexpected argument "EMEA"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseReportArgs(argv)).toThrow(message);
  });
});

const D = (value: string) => new Prisma.Decimal(value);
const sale = (id: number, region: string, day: string, revenue: string, total: string): WithRunningTotal<SalesRecord> =>
  ({ id: BigInt(id), region, saleDate: new Date(`${day}T00:00:00Z`), revenue: D(revenue), runningTotal: D(total), externalId: null }) as WithRunningTotal<SalesRecord>;

// adapter-pg drops trailing zeros (200.1, not 200.10): the report prints the column's two decimals.
const rows = [
  sale(3, 'AMER', '2026-01-02', '100.1', '100.1'),
  sale(9, 'AMER', '2026-01-02', '-0.1', '100'),
  sale(4, 'AMER', '2026-01-05', '5', '105'),
  sale(1, 'EMEA, "North"', '2026-01-01', '12345678901.23', '12345678901.23'),
];
const data = buildReportData(rows, { regions: null, from: '2026-01-01', to: null, frame: 'rows' });

describe('report data', () => {
  it('keeps exact decimals as strings and takes the end-of-day total per region', () => {
    expect(data.rows[0]).toEqual({ id: '3', region: 'AMER', saleDate: '2026-01-02', revenue: '100.10', runningTotal: '100.10' });
    expect(data.series).toEqual([
      {
        region: 'AMER',
        sales: 3,
        finalTotal: '105.00',
        points: [
          { day: '2026-01-02', sales: 2, revenue: '100.00', total: '100.00' },
          { day: '2026-01-05', sales: 1, revenue: '5.00', total: '105.00' },
        ],
      },
      { region: 'EMEA, "North"', sales: 1, finalTotal: '12345678901.23', points: [{ day: '2026-01-01', sales: 1, revenue: '12345678901.23', total: '12345678901.23' }] },
    ]);
  });

  it('writes RFC 4180 CSV: quotes only where needed, doubled quotes, CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(toCsv(['a', 'b'], [['1', '2']])).toBe('a,b\r\n1,2\r\n');
    expect(reportCsv(data).split('\r\n')).toEqual([
      'region,sale_date,id,revenue,running_total',
      'AMER,2026-01-02,3,100.10,100.10',
      'AMER,2026-01-02,9,-0.10,100.00',
      'AMER,2026-01-05,4,5.00,105.00',
      '"EMEA, ""North""",2026-01-01,1,12345678901.23,12345678901.23',
      '',
    ]);
  });

  it('writes JSON with ids and money as strings', () => {
    const json = JSON.parse(reportJson(data));
    expect(json.totals).toEqual([
      { region: 'AMER', sales: 3, finalRunningTotal: '105.00' },
      { region: 'EMEA, "North"', sales: 1, finalRunningTotal: '12345678901.23' },
    ]);
    expect(json.rows[1]).toEqual({ id: '9', region: 'AMER', saleDate: '2026-01-02', revenue: '-0.10', runningTotal: '100.00' });
    expect(json.query).toEqual({ regions: null, from: '2026-01-01', to: null, frame: 'rows' });
  });

  it('prints an aligned table with the final totals beneath', () => {
    const text = reportTable(data);
    expect(text).toContain('AMER           2026-01-02   9           -0.10          100.00');
    expect(text).toMatch(/Final running totals, 2026-01-01 … last sale \(frame rows\):\nregion +sales +final running total/);
  });

  it('builds a self-contained page: Chart.js inlined, no external resources, names escaped', () => {
    const evil = buildReportData([sale(1, '</script><b>x', '2026-01-01', '1', '1')], { regions: null, from: null, to: null, frame: 'rows' });
    const html = reportHtml(evil, new Date('2026-01-01T00:00:00Z'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    expect(html).toContain('Chart.js v4'); // the library's banner, inlined
    expect(html.match(/<\/script>/g)).toHaveLength(3); // exactly our three script elements end
    expect(html).toContain('<td>&lt;/script&gt;&lt;b&gt;x</td>');
    expect(html).toContain('"region":"\\u003c/script>\\u003cb>x"');
  });
});
