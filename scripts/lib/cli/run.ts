/**
 * How every script starts and ends. One exit-code convention, so CI and shells can tell outcomes apart:
 *   0 success · 1 failure (database, I/O, …) · 2 bad arguments · 3 a check found a problem (explain: a Sort feeds
 *   the WindowAgg; db:diff --exit-code: the schema drifted) · 130 interrupted (SIGINT; 128 + signal number, set by
 *   the signal handling in postgres/shutdown.ts that provisioning installs).
 */
import { describeError } from '../describe-error.ts';
import { stoppingForSignal } from '../postgres/shutdown.ts';
import { UsageError, type Parser } from './args.ts';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CHECK_FAILED = 3;

/** Progress and diagnostics go to stderr, so stdout carries only a script's result (pipeable: SQL, CSV, JSON). */
export const stderrLine = (line = ''): void => void process.stderr.write(`${line}\n`);

export interface RunOptions {
  /** Print the stack of an unexpected error, not just its message. */
  readonly stack?: boolean;
}

/**
 * Runs the script `npm run <name>`: parses `process.argv` with `parse`; `--help` prints the usage to stdout and
 * exits 0; otherwise `main(args)` runs and its number is the exit code (default 0). A UsageError prints
 * `<name>: <message>` plus a pointer to --help and exits 2; any other error prints `<name> failed: <message>`
 * and exits 1 (nothing, once a signal is stopping the process). Sets `process.exitCode` rather than exiting, so
 * pending output and cleanup finish first.
 */
export function runCli<Args>(name: string, parse: Parser<Args>, main: (args: Args) => Promise<number | void>, opts: RunOptions = {}): void {
  quietWhenStdoutCloses();
  const run = async (): Promise<number | void> => {
    const parsed = parse(process.argv.slice(2));
    if ('help' in parsed) {
      process.stdout.write(`${parsed.help}\n`);
      return 0;
    }
    return main(parsed.args);
  };
  run().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      // Interrupted: the cleanup exits with 128 + the signal's number; what the interruption broke is no failure.
      if (stoppingForSignal() !== undefined) return;
      if (error instanceof UsageError) {
        stderrLine(`${name}: ${error.message}`);
        stderrLine(`Run \`npm run ${name} -- --help\` for usage.`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      stderrLine(`${name} failed: ${describeError(error, { stack: opts.stack })}`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}

/**
 * A reader that stops early (`npm run demo | head -3`) closes stdout: writes then fail with EPIPE, reported as an
 * 'error' event that would end the process at once, before its cleanup (a scratch database dropped, a server
 * stopped). The rest of the output goes nowhere instead, as a shell pipeline expects, and the script finishes.
 */
function quietWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}
