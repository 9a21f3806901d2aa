/**
 * The report as one self-contained HTML page: Chart.js (inlined from node_modules, so the page works offline and
 * from file://) draws, per region, a line of the balance at each bucket's end (one point per bucket, empty buckets
 * included) and bars of each bucket's sales; the bucket table sits beneath.
 * The chart's data is embedded as JSON and exposed as `window.__reportData` (exact decimal strings) and the
 * Chart.js instance as `window.__reportChart`, for tests and for anyone who wants to script the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { ReportData } from './report-data.ts';

let chartJs: string | undefined;

/** Chart.js's UMD build (defines `window.Chart`, all controllers registered), next to the package's entry. */
function chartJsSource(): string {
  if (chartJs === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js'); // …/chart.js/dist/chart.cjs
    chartJs = readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'), 'utf8');
  }
  return chartJs;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Inside <script>, only `</script` (any case) and `<!--` can end or confuse the element. */
const inlineScript = (code: string): string => code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** JSON inside <script type="application/json">: escape `<` so no `</script>` can appear in strings. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const cell = (text: string | number, numeric = false): string =>
  `<td${numeric ? ' class="num"' : ''}>${escapeHtml(String(text))}</td>`;

// Runs in the browser. Plain ES2017, no imports: Chart is the UMD global.
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  window.__reportData = data;
  var day = function (ms) { return new Date(ms).toISOString().slice(0, 10); };
  var n = data.series.length;
  var datasets = data.series.map(function (s, i) {
    var color = 'hsl(' + Math.round((i * 360) / Math.max(n, 1)) + ', 65%, 45%)';
    return {
      label: s.region,
      data: s.points.map(function (p) { return { x: Date.parse(p.day), y: Number(p.total) }; }),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      pointRadius: s.points.length > 60 ? 0 : 2,
      yAxisID: 'y',
    };
  });
  var bars = data.series.map(function (s, i) {
    var color = 'hsla(' + Math.round((i * 360) / Math.max(n, 1)) + ', 65%, 45%, 0.35)';
    return {
      type: 'bar',
      label: s.region + ' (sales per ' + data.query.bucket + ')',
      data: s.points.map(function (p) { return { x: Date.parse(p.day), y: Number(p.revenue) }; }),
      backgroundColor: color,
      yAxisID: 'sums',
    };
  });
  var xs = datasets.flatMap(function (d) { return d.data.map(function (p) { return p.x; }); });
  window.__reportChart = new Chart(document.getElementById('chart'), {
    type: 'line',
    data: { datasets: datasets.concat(bars) },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: xs.length ? Math.min.apply(null, xs) : undefined,
          max: xs.length ? Math.max.apply(null, xs) : undefined,
          title: { display: true, text: data.query.bucket + ' (' + data.query.timeZone + ')' },
          ticks: { callback: function (v) { return day(v); } },
        },
        y: { title: { display: true, text: 'balance at the end of the ' + data.query.bucket } },
        sums: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'sales per ' + data.query.bucket } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? day(items[0].parsed.x) : ''; },
            label: function (item) {
              var point = data.series[item.datasetIndex % n].points[item.dataIndex];
              return item.dataset.label + ': ' + (item.dataset.type === 'bar' ? point.revenue : point.total);
            },
          },
        },
      },
    },
  });
})();
`;

export function reportHtml(data: ReportData, generatedAt = new Date()): string {
  const q = data.query;
  const sales = data.series.reduce((sum, s) => sum + s.sales, 0);
  const finals = data.series.map((s) => `<tr>${cell(s.region)}${cell(s.sales, true)}${cell(s.finalTotal, true)}</tr>`);
  const days = data.series.flatMap((s) =>
    s.points.map((p) => `<tr>${cell(s.region)}${cell(p.day)}${cell(p.sales, true)}${cell(p.revenue, true)}${cell(p.total, true)}</tr>`),
  );
  const chartData = { query: q, series: data.series };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Running revenue per region</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  .chart { position: relative; height: 420px; max-width: 1100px; }
  table { border-collapse: collapse; margin-bottom: 2rem; }
  th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<h1>Running revenue per region</h1>
<p>Sale days ${escapeHtml(q.from ?? 'first sale')} … ${escapeHtml(q.to ?? 'last sale')} (inclusive), frame ${escapeHtml(q.frame)},
buckets: ${escapeHtml(q.bucket)} (${escapeHtml(q.timeZone)});
${sales.toLocaleString('en-US')} sales in ${data.series.length} region(s). Generated ${escapeHtml(generatedAt.toISOString())}.</p>
<div class="chart"><canvas id="chart" role="img" aria-label="Running total per region over time"></canvas></div>
<h2>Final balances</h2>
<table id="totals"><thead><tr><th>region</th><th class="num">sales</th><th class="num">balance at the end</th></tr></thead>
<tbody>${finals.join('\n')}</tbody></table>
<h2>Balance at the end of each ${escapeHtml(q.bucket)}</h2>
<table id="daily"><thead><tr><th>region</th><th>${escapeHtml(q.bucket)} from</th><th class="num">sales</th><th class="num">revenue</th><th class="num">balance</th></tr></thead>
<tbody>
${days.join('\n')}
</tbody></table>
<script type="application/json" id="report-data">${inlineJson(chartData)}</script>
<script>${inlineScript(chartJsSource())}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
