/** Shared plumbing for scripts/db-*.ts: argument parsing, where the database comes from, exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { describeError } from './errors.ts';

export interface ProvisionedDatabase {
  url: string;
  kind: string;
  stop(): Promise<void>;
}
type Provision = (opts?: { log?: (line: string) => void }) => Promise<ProvisionedDatabase>;

// Loaded lazily, and only when DATABASE_URL is unset (it may start an embedded PostgreSQL). The specifier is a
// variable so this file type-checks whether or not src/db/provision.ts (owned by src/db) is present.
const PROVISION_MODULE: string = '../db/provision.ts';

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
 * Runs `fn` against DATABASE_URL, or, when unset, against a database from `provisionPostgres()` that is stopped
 * afterwards (also on error and on Ctrl-C).
 */
export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fn(fromEnv);

  say('DATABASE_URL is not set: provisioning a temporary PostgreSQL…');
  const provision = await loadProvision();
  const db = await provision({ log: say });
  say(`Using ${db.kind} PostgreSQL.`);
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping PostgreSQL…`);
    db.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await fn(db.url);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await db.stop();
  }
}

async function loadProvision(): Promise<Provision> {
  let mod: unknown;
  try {
    mod = await import(PROVISION_MODULE);
  } catch (error) {
    throw new Error(`DATABASE_URL is not set and src/db/provision.ts could not be loaded: ${describeError(error)}`, {
      cause: error,
    });
  }
  const provision = typeof mod === 'object' && mod !== null ? (mod as { provisionPostgres?: unknown }).provisionPostgres : undefined;
  if (typeof provision !== 'function') throw new Error('src/db/provision.ts does not export provisionPostgres()');
  return provision as Provision;
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
