// seed and report as processes against this file's own database (DATABASE_URL), checked against the repository.
import { beforeAll, describe, expect, it } from 'vitest';

import { SalesRecordRepository } from '../../../prisma/app/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { withPg } from '../../support/plain-sql.ts';
import { runScript } from '../../support/run-script.ts';

const SEED_ARGS = ['--transactions', '2000', '--sales', '2000', '--accounts', '50', '--regions', '4', '--chunk-rows', '500'];

describe('npm run seed / npm run report', () => {
  const db = useTestDatabase();
  const env = () => ({ DATABASE_URL: db.url });

  beforeAll(async () => {
    const result = await runScript('seed', SEED_ARGS, env());
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('transactions: wrote 2,000 rows in 4 chunks');
    expect(result.stdout).toContain('sales: wrote 2,000 rows in 4 chunks');
  });

  it('wrote the documented shapes through the repositories', async () => {
    const [tx] = await db.prisma.$queryRaw<[{ rows: bigint; nulls: bigint; refunds: bigint; accounts: bigint }]>`
      SELECT COUNT(*) AS rows, COUNT(*) FILTER (WHERE amount IS NULL) AS nulls,
             COUNT(*) FILTER (WHERE amount < 0) AS refunds, COUNT(DISTINCT "accountId") AS accounts
      FROM "Transaction"`;
    expect(tx.rows).toBe(2000n);
    expect(tx.nulls).toBeGreaterThan(0n);
    expect(tx.refunds).toBeGreaterThan(100n);
    expect(tx.accounts).toBeLessThanOrEqual(50n);
    const regions = await db.prisma.salesRecord.groupBy({ by: ['region'], _count: true, orderBy: { region: 'asc' } });
    expect(regions.map((r) => r.region)).toEqual(['AMER', 'APAC', 'EMEA', 'LATAM']);
  });

  it('continues an interrupted run after its last whole chunk, and refuses rows from other arguments', async () => {
    // Simulate a run that stopped after 1,300 rows: drop the newest 700.
    await db.prisma.$executeRaw`DELETE FROM "Transaction" WHERE id > (SELECT MAX(id) - 700 FROM "Transaction")`;
    const before = await db.prisma.transaction.findMany({ orderBy: { id: 'asc' }, take: 5 });
    const resumed = await runScript('seed', SEED_ARGS, env());
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('transactions: wrote 700 rows in 2 chunks, continuing after 1,300 existing rows');
    expect(resumed.stdout).toContain('sales: already complete (2,000 rows)');
    expect(await db.prisma.transaction.count()).toBe(2000);
    expect(await db.prisma.transaction.findMany({ orderBy: { id: 'asc' }, take: 5 })).toEqual(before);

    const other = await runScript('seed', [...SEED_ARGS, '--seed', '7'], env());
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('seed failed: Transaction holds 2000 rows that these arguments did not produce');
    expect(other.stderr).toContain('--reset');
  });

  it('report --format json has exactly the repository running totals, money and ids as strings', async () => {
    const result = await runScript('report', ['--region', 'EMEA,APAC', '--from', '2026-02-01', '--to', '2026-03-31', '--format', 'json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      totals: { region: string; sales: number; balance: string }[];
      rows: { id: string; region: string; saleDate: string; revenue: string; runningTotal: string }[];
    };
    const expected = await new SalesRecordRepository(db.prisma).runningTotals({
      partitions: ['EMEA', 'APAC'],
      from: new Date('2026-02-01'),
      to: new Date('2026-04-01'), // --to is inclusive
    });
    expect(expected.length).toBeGreaterThan(100);
    expect(report.rows).toEqual(
      expected.map((r) => ({
        id: r.id.toString(),
        region: r.region,
        saleDate: r.saleDate.toISOString().slice(0, 10),
        revenue: r.revenue.toFixed(2),
        runningTotal: r.runningTotal.toFixed(2),
      })),
    );
    expect(report.rows.some((r) => r.saleDate === '2026-03-31')).toBe(true);
    // Balances include the sales before --from: the region's balance as of --to.
    const balances = await new SalesRecordRepository(db.prisma).balanceAsOf({ partitions: ['APAC', 'EMEA'], at: new Date('2026-03-31') });
    const finals = balances.map(({ key, balance }) => ({
      region: key,
      sales: expected.filter((r) => r.region === key).length,
      balance: balance.toFixed(2),
    }));
    expect(report.totals).toEqual(finals);
    expect(finals[0]!.balance, 'January is carried in').not.toBe(expected.filter((r) => r.region === 'APAC').at(-1)!.runningTotal.toFixed(2));
  });

  it('report --bucket month --format json has one line per region and month, as plain SQL sums them', async () => {
    const result = await runScript('report', ['--region', 'EMEA', '--from', '2026-02-01', '--to', '2026-03-31', '--bucket', 'month', '--format', 'json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { rows?: unknown; buckets: { region: string; bucketStart: string; sales: number; revenue: string; balance: string }[] };
    expect(report.rows).toBeUndefined();
    const reference = await withPg(db.url, async (client) =>
      (
        await client.query<{ start: string; sales: number; revenue: string; balance: string }>(
          `SELECT to_char(m, 'YYYY-MM-DD') AS start,
                  (SELECT count(*) FROM "SalesRecord" WHERE region = 'EMEA' AND "saleDate" >= m AND "saleDate" < m + interval '1 month')::int AS sales,
                  to_char(coalesce((SELECT sum(revenue) FROM "SalesRecord" WHERE region = 'EMEA' AND "saleDate" >= m AND "saleDate" < m + interval '1 month'), 0), 'FM9999999999990.00') AS revenue,
                  to_char(coalesce((SELECT sum(revenue) FROM "SalesRecord" WHERE region = 'EMEA' AND "saleDate" < m + interval '1 month'), 0), 'FM9999999999990.00') AS balance
           FROM unnest(ARRAY['2026-02-01'::date, '2026-03-01'::date]) AS m ORDER BY m`,
        )
      ).rows,
    );
    expect(reference.every((r) => r.sales > 0)).toBe(true);
    expect(report.buckets).toEqual(reference.map((r) => ({ region: 'EMEA', bucketStart: r.start, sales: r.sales, revenue: r.revenue, balance: r.balance })));
    const table = await runScript('report', ['--region', 'EMEA', '--from', '2026-02-01', '--to', '2026-03-31', '--bucket', 'month'], env());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Per month \(UTC\); balances at each bucket's end:\nregion +bucket start +sales +revenue +balance\n/);
    expect(table.stdout).toContain(`EMEA    2026-03-01`);
  });

  it('report --format csv --out writes RFC 4180 CSV with one line per sale', async () => {
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'report-')), 'sales.csv');
    const result = await runScript('report', ['--format', 'csv', '--out', out, '--to', '2026-01-31'], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Wrote .*sales\.csv: [\d,]+ sales in 4 region\(s\), csv\./);
    const lines = (await readFile(out, 'utf8')).split('\r\n');
    expect(lines[0]).toBe('region,sale_date,id,revenue,running_total');
    const january = await db.prisma.salesRecord.count({ where: { saleDate: { lt: new Date('2026-02-01') } } });
    expect(lines).toHaveLength(january + 2); // header + rows + the empty string after the final CRLF
  });
});
