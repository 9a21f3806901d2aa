/**
 * Seed progress on stderr: a live bar (cli-progress) with rows/s and ETA when stderr is a terminal, plain lines at
 * most every `intervalMs` otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` = rows written so far in total, including rows that were already there when the run started. */
  update(done: number): void;
  stop(): void;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `transactions  120,000/1,000,000 rows (12.0%)  6,120 rows/s  ETA 2m 24s` */
export function formatProgressLine(label: string, done: number, total: number, rowsPerSecond: number): string {
  const percent = total === 0 ? 100 : (100 * done) / total;
  const eta = rowsPerSecond > 0 ? formatDuration((total - done) / rowsPerSecond) : '?';
  return `${label}  ${count(done)}/${count(total)} rows (${percent.toFixed(1)}%)  ${count(rowsPerSecond)} rows/s  ETA ${eta}`;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  /** Rows already present at the start (resume): excluded from the rate. */
  readonly start: number;
  readonly tty?: boolean;
  readonly write?: (line: string) => void;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => performance.now());
  const began = now();
  const rate = (done: number) => {
    const seconds = (now() - began) / 1000;
    return seconds > 0 ? (done - opts.start) / seconds : 0;
  };

  if (opts.tty ?? process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${opts.label.padEnd(12)} {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}`,
        formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? count(value) : String(value)),
        etaBuffer: 20,
        hideCursor: false, // a Ctrl-C exit must not leave the terminal without a cursor
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.total, opts.start, { rate: '0' });
    let stopped = false;
    return {
      update: (done) => bar.update(done, { rate: count(rate(done)) }),
      stop() {
        if (!stopped) bar.stop(); // also called from a signal handler: print the final newline once
        stopped = true;
      },
    };
  }

  const write = opts.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const intervalMs = opts.intervalMs ?? 2000;
  let lastWrite = -Infinity;
  return {
    update(done) {
      // The first update, then at most one line per interval, and always the last one.
      if (now() - lastWrite < intervalMs && done < opts.total) return;
      lastWrite = now();
      write(formatProgressLine(opts.label, done, opts.total, rate(done)));
    },
    stop() {},
  };
}
