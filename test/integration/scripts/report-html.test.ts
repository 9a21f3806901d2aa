// The HTML report in a real headless browser (Debian's chromium via playwright-core): it renders, the chart has one
// line per region with one point per bucket of the range (empty buckets included), each ending at the region's
// balanceAsOf the last day, and bars of each bucket's sales. .ci/run installs chromium.
// Without a browser the test is skipped locally (with a message saying so), but fails under CI=true: CI must not
// pass without having looked at the page.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SalesRecordRepository } from '../../../prisma/app/index.ts';
import { useTestDatabase } from '../../support/database.ts';
import { runScript } from '../../support/run-script.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const inCI = ['true', '1'].includes((process.env.CI ?? '').trim().toLowerCase());
const MISSING =
  `no browser at ${CHROMIUM}. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH to run ` +
  'the HTML report test.';
if (!hasChromium && !inCI) process.stderr.write(`\n[report-html.test] SKIPPED: ${MISSING}\n\n`);

interface ChartSeries {
  label: string;
  points: number;
  lastY: number;
}

/** What the page exposes (see scripts/lib/report-html.ts); typed here because tsconfig has no DOM lib. */
interface ReportPage {
  Chart?: unknown;
  __reportChart: { data: { datasets: { label: string; type?: string; data: { x: number; y: number }[] }[] }; canvas: { width: number; height: number } };
  __reportData: { series: { region: string; finalTotal: string; points: { total: string }[] }[] };
}

// A failing test, not a skip: under CI the browser test below has to run.
it.runIf(inCI)('CI has a browser for the HTML report test', () => {
  expect(hasChromium, `CI=true and ${MISSING}`).toBe(true);
});

describe.skipIf(!hasChromium)(`npm run report -- --format html in ${CHROMIUM}`, () => {
  const db = useTestDatabase();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'report-html-'));
    const seeded = await runScript('seed', ['--transactions', '0', '--sales', '3000', '--regions', '5'], { DATABASE_URL: db.url });
    expect(seeded.code).toBe(0);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders one point per day of the range per region, ending at balanceAsOf the last day, with bars of sales', async () => {
    const out = path.join(dir, 'report.html');
    const result = await runScript('report', ['--format', 'html', '--out', out, '--from', '2026-01-01', '--to', '2026-06-30'], {
      DATABASE_URL: db.url,
    });
    expect(result.code).toBe(0);
    const balances = await new SalesRecordRepository(db.prisma).balanceAsOf({ at: new Date('2026-06-30') });
    const finals = new Map(balances.map((b) => [b.key, b.balance.toFixed(2)]));
    expect(finals.size).toBe(5);
    const DAYS = 181; // 2026-01-01 … 2026-06-30

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      // Self-contained: any request other than the file itself is a bug.
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
      });
      await page.goto(pathToFileURL(out).href);
      await page.waitForFunction(() => 'Chart' in globalThis && '__reportChart' in globalThis);

      const chart = await page.evaluate(() => {
        const w = globalThis as unknown as ReportPage;
        const canvas = w.__reportChart.canvas;
        return {
          width: canvas.width,
          height: canvas.height,
          series: w.__reportChart.data.datasets
            .filter((d) => d.type !== 'bar')
            .map((d) => ({ label: d.label, points: d.data.length, lastY: d.data.at(-1)?.y ?? NaN })),
          bars: w.__reportChart.data.datasets.filter((d) => d.type === 'bar').map((d) => d.data.length),
        };
      });
      const reportData = await page.evaluate(() => (globalThis as unknown as ReportPage).__reportData);
      const totalsTable = await page.$$eval('#totals tbody tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );

      expect(problems).toEqual([]);
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.series.map((s: ChartSeries) => s.label)).toEqual([...finals.keys()]);
      for (const series of chart.series as ChartSeries[]) {
        expect(series.points, `${series.label}: one point per day of the range`).toBe(DAYS);
        expect(series.lastY).toBe(Number(finals.get(series.label)));
      }
      expect(chart.bars).toEqual(chart.series.map(() => DAYS));
      // The exact decimals behind the chart, and the table beneath it.
      expect(reportData.series.map((s) => [s.region, s.points.at(-1)?.total])).toEqual([...finals.entries()]);
      expect(totalsTable.map(([region, , total]) => [region, total])).toEqual([...finals.entries()]);
    } finally {
      await browser.close();
    }
  });

  it('buckets by ISO week in another zone: one point per week overlapping the range', async () => {
    const out = path.join(dir, 'weekly.html');
    const result = await runScript(
      'report',
      ['--format', 'html', '--out', out, '--from', '2026-01-01', '--to', '2026-06-30', '--bucket', 'week', '--time-zone', 'Europe/Berlin'],
      { DATABASE_URL: db.url },
    );
    expect(result.code).toBe(0);
    const html = await readFile(out, 'utf8');
    const embedded = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(embedded) as { series: { region: string; points: { day: string; total: string }[] }[] };
    const balances = await new SalesRecordRepository(db.prisma).balanceAsOf({ at: new Date('2026-07-05') }); // the last week's Sunday
    for (const series of data.series) {
      // Mondays from 2025-12-29 (the week of 2026-01-01) to 2026-06-29 (the week of 2026-06-30): 27 weeks.
      expect(series.points.map((p) => p.day)).toEqual(Array.from({ length: 27 }, (_, i) => new Date(Date.UTC(2025, 11, 29 + 7 * i)).toISOString().slice(0, 10)));
      expect(series.points.at(-1)!.total).toBe(balances.find((b) => b.key === series.region)!.balance.toFixed(2));
    }
  });
});
