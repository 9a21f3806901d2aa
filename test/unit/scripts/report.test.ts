import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { Prisma, type SalesRecord } from '../../../prisma/generated/prisma/client.ts';
import type { PartitionBucketTotal, WithRunningTotal } from '../../../src/index.ts';
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
    expect(args([])).toEqual({ frame: 'rows', bucket: 'day', linePer: 'sale', timeZone: 'UTC', format: 'table', verbose: false });
    expect(args(['--bucket', 'week', '--time-zone', 'Europe/Berlin'])).toMatchObject({ bucket: 'week', linePer: 'bucket', timeZone: 'Europe/Berlin' });
    expect(args(['--bucket', 'day'])).toMatchObject({ bucket: 'day', linePer: 'bucket' });
  });

  it('converts the inclusive --to day to the exclusive bound the repository takes', () => {
    expect(args(['--region', 'EMEA', '--region', 'APAC,AMER', '--from', '2026-01-01', '--to', '2026-03-31', '--format', 'html', '--out', 'r.html']))
      .toEqual({
        regions: ['EMEA', 'APAC', 'AMER'],
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
        frame: 'rows',
        bucket: 'day',
        linePer: 'sale',
        timeZone: 'UTC',
        format: 'html',
        out: path.resolve(process.env.INIT_CWD ?? process.cwd(), 'r.html'),
        verbose: false,
      });
  });

  it('resolves --out from the directory the command was typed in (npm keeps it in INIT_CWD), not the package\'s', () => {
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = '/tmp';
    try {
      expect(args(['--out', 'q1.csv'])).toMatchObject({ out: '/tmp/q1.csv' });
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it.each([
    [['--format', 'pdf'], '--format must be one of table, csv, json, html; got "pdf"'],
    [['--from', '2026-13-01'], '--from must be a date like 2026-01-31'],
    [['--from', '2026-02-01', '--to', '2026-01-31'], '--from 2026-02-01 is after --to 2026-01-31'],
    [['--region', ','], '--region needs a region name'],
    [['--region', 'x'.repeat(65)], '--region names are at most 64 characters'],
    [['--out', ' '], '--out needs a file name'],
    [['--out', '/no/such/dir/r.csv'], '--out: no directory /no/such/dir'],
    [['EMEA'], 'unexpected argument "EMEA"'],
    [['--bucket', 'hour'], '--bucket must be one of day, week, month, quarter, year; got "hour"'],
    [['--time-zone', 'Mars/Olympus'], '--time-zone must be an IANA zone such as Europe/Berlin'],
    [['--time-zone', '+05:30'], '--time-zone must be an IANA zone'],
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
// What bucketTotals returns for them (day buckets, filled: 2026-01-03 and -04 have no sales).
const bucket = (key: string, day: string, count: number, sum: string, total: string): PartitionBucketTotal<string> => ({
  key,
  bucketStart: new Date(`${day}T00:00:00Z`),
  bucketEnd: new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000),
  count: BigInt(count),
  sum: D(sum),
  min: null,
  max: null,
  avg: null,
  runningTotal: D(total),
  previousSum: D('0'),
  change: D(sum),
  changeRatio: null,
});
const buckets = [
  bucket('AMER', '2026-01-02', 2, '100', '100'),
  bucket('AMER', '2026-01-03', 0, '0', '100'),
  bucket('AMER', '2026-01-04', 0, '0', '100'),
  bucket('AMER', '2026-01-05', 1, '5', '105'),
  bucket('EMEA, "North"', '2026-01-01', 1, '12345678901.23', '12345678901.23'),
];
const QUERY = { regions: null, from: '2026-01-01', to: null, frame: 'rows', bucket: 'day', timeZone: 'UTC', linePer: 'sale' } as const;
const data = buildReportData(rows, buckets, QUERY);

describe('report data', () => {
  it('keeps exact decimals as strings and takes one point per bucket from the database, empty ones included', () => {
    expect(data.rows[0]).toEqual({ id: '3', region: 'AMER', saleDate: '2026-01-02', revenue: '100.10', runningTotal: '100.10' });
    expect(data.series).toEqual([
      {
        region: 'AMER',
        sales: 3,
        finalTotal: '105.00',
        points: [
          { day: '2026-01-02', sales: 2, revenue: '100.00', total: '100.00' },
          { day: '2026-01-03', sales: 0, revenue: '0.00', total: '100.00' },
          { day: '2026-01-04', sales: 0, revenue: '0.00', total: '100.00' },
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
      { region: 'AMER', sales: 3, balance: '105.00' },
      { region: 'EMEA, "North"', sales: 1, balance: '12345678901.23' },
    ]);
    expect(json.rows[1]).toEqual({ id: '9', region: 'AMER', saleDate: '2026-01-02', revenue: '-0.10', runningTotal: '100.00' });
    expect(json.query).toEqual(QUERY);
  });

  it('prints an aligned table with the final totals beneath', () => {
    const text = reportTable(data);
    expect(text).toContain('AMER           2026-01-02   9           -0.10          100.00');
    expect(text).toMatch(/Balances at the end of 2026-01-01 … last sale \(sales before it included; frame rows\):\nregion +sales +balance/);
  });

  it('with --bucket, a line per region and bucket in every text format, empty buckets included', () => {
    const perBucket = buildReportData(rows, buckets, { ...QUERY, linePer: 'bucket' });
    expect(reportCsv(perBucket).split('\r\n')).toEqual([
      'region,bucket_start,sales,revenue,balance',
      'AMER,2026-01-02,2,100.00,100.00',
      'AMER,2026-01-03,0,0.00,100.00',
      'AMER,2026-01-04,0,0.00,100.00',
      'AMER,2026-01-05,1,5.00,105.00',
      '"EMEA, ""North""",2026-01-01,1,12345678901.23,12345678901.23',
      '',
    ]);
    const json = JSON.parse(reportJson(perBucket));
    expect(json.rows).toBeUndefined();
    expect(json.buckets[1]).toEqual({ region: 'AMER', bucketStart: '2026-01-03', sales: 0, revenue: '0.00', balance: '100.00' });
    expect(json.buckets).toHaveLength(5);
    const text = reportTable(perBucket);
    expect(text).toMatch(/^Per day \(UTC\); balances at each bucket's end:\nregion +bucket start +sales +revenue +balance\n/);
    expect(text).toMatch(/\nAMER +2026-01-03 +0 +0\.00 +100\.00\n/);
  });

  it('builds a self-contained page: Chart.js inlined, no external resources, names escaped', () => {
    const evil = buildReportData(
      [sale(1, '</script><b>x', '2026-01-01', '1', '1')],
      [bucket('</script><b>x', '2026-01-01', 1, '1', '1')],
      { ...QUERY, from: null },
    );
    const html = reportHtml(evil, new Date('2026-01-01T00:00:00Z'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    expect(html).toContain('Chart.js v4'); // the library's banner, inlined
    expect(html.match(/<\/script>/g)).toHaveLength(3); // exactly our three script elements end
    expect(html).toContain('<td>&lt;/script&gt;&lt;b&gt;x</td>');
    expect(html).toContain('"region":"\\u003c/script>\\u003cb>x"');
  });
});
