/** The bench's console output: measurements and ratios as aligned text tables. */
import { formatTable } from '../lib/format-table.ts';
import { fmtRatio, type Measurement, type Ratio } from './results.ts';
import { rowsPerSecond } from './stats.ts';

const n = (value: number): string => value.toLocaleString('en-US');
export const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

export function measurementRows(measurements: readonly Measurement[]): string[][] {
  return measurements.map((m) => [m.section, m.what, n(m.rows), fmtMs(m.ms), n(rowsPerSecond(m.rows, m.ms)), m.detail ?? '']);
}

export const MEASUREMENT_HEADERS = ['section', 'measurement', 'rows', 'time', 'rows/s', 'notes'] as const;
export const RATIO_HEADERS = ['section', 'ratio', 'value', 'goal', 'status', 'notes'] as const;

export const goalStatus = (r: Ratio): string => (r.goal ? (r.goal.met ? 'met' : 'MISSED') : '');

export function ratioRows(ratios: readonly Ratio[]): string[][] {
  return ratios.map((r) => [r.section, r.name, fmtRatio(r), r.goal?.text ?? '', goalStatus(r), r.note ?? '']);
}

export function consoleTables(measurements: readonly Measurement[], ratios: readonly Ratio[]): string {
  return `${formatTable(MEASUREMENT_HEADERS, measurementRows(measurements))}\n\n${formatTable(RATIO_HEADERS, ratioRows(ratios))}\n`;
}
