/**
 * Errors of provisioning: of the embedded PostgreSQL server (embedded.ts; both `LedgerError`s, their messages end
 * with what to do about the failure), and of a DATABASE_URL that cannot serve (`ReportedError`).
 */
import { LedgerError } from '../../../src/index.ts';

/** initdb or the server failed; the message carries their output and `cause` the underlying error, if any. */
export class EmbeddedPostgresError extends LedgerError {
  readonly code: 'EMBEDDED_POSTGRES_FAILED' | 'EMBEDDED_POSTGRES_ACCESS' = 'EMBEDDED_POSTGRES_FAILED';
}

/**
 * The OS user that runs PostgreSQL cannot reach its binaries or its data directory (as root that is the `postgres`
 * user, which needs search permission on every directory above them), or that user could not be set up.
 */
export class EmbeddedPostgresAccessError extends EmbeddedPostgresError {
  override readonly code = 'EMBEDDED_POSTGRES_ACCESS';
}

/**
 * A failure whose message says all there is to say (a bad DATABASE_URL, a missing file): scripts print it without a
 * stack trace, even where they print stacks of unexpected errors (see `describeError`).
 */
export class ReportedError extends Error {
  override readonly name = 'ReportedError';
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? '' : String(cause);
}

const permissionHint = (): string =>
  process.getuid?.() === 0
    ? 'hint: as root, PostgreSQL runs as the "postgres" OS user, which needs search (x) permission on every ' +
      'directory above its data directory: pass a dataDir below a directory it can reach (e.g. /tmp or /var/lib), ' +
      'run as a non-root user, or set DATABASE_URL to use another server.'
    : 'hint: this user needs write permission on the data directory (or the directory it is created in) and on ' +
      'TMPDIR, and search (x) permission on every directory above them: pass another dataDir, set TMPDIR, or set ' +
      'DATABASE_URL to use another server.';

/**
 * `step` failed: the message names the data directory (when known), the cause and the program's output (its last
 * lines). A permission problem is an `EmbeddedPostgresAccessError`.
 */
export function startupError(step: string, cause: unknown, output: string, dataDir?: string): EmbeddedPostgresError {
  const parts = [`embedded PostgreSQL: ${step} failed${dataDir === undefined ? '' : ` (data directory ${dataDir})`}`];
  const detail = describeCause(cause);
  if (detail) parts[0] += `: ${detail}`;
  if (output && !detail.includes(output)) parts.push(`--- output ---\n${output}`);
  const denied = /permission denied|EACCES|EPERM/i.test(`${detail}\n${output}`);
  if (denied) parts.push(permissionHint());
  const ErrorClass = denied ? EmbeddedPostgresAccessError : EmbeddedPostgresError;
  return new ErrorClass(parts.join('\n'), { cause });
}
