import type pg from 'pg';
import { ValidationError } from '../errors.ts';
import { requireOptions } from './batch.ts';
import { describe } from './dates.ts';

/** The options a running-total repository (and `windowLedger`'s per-model `options`) accepts. */
export const REPOSITORY_OPTION_KEYS = ['cursorSecret', 'pgPool', 'preparedStatements'] as const;

/** Repository options, checked: a secret of at least 16 bytes, a pool that lends connections. */
export interface CheckedRepositoryOptions {
  readonly cursorSecret: string | undefined;
  readonly pgPool: pg.Pool | undefined;
  readonly preparedStatements: boolean;
}

/**
 * Checks a repository's options when it is constructed, so a typo (`pgpool`), a `pg.Client` where the pool goes or
 * a numeric secret fails there with a `ValidationError`, not as a `TypeError` in the middle of a later read.
 *
 * ```ts
 * requireRepositoryOptions('options', { pgPool: pool });   // { cursorSecret: undefined, pgPool: pool, preparedStatements: false }
 * requireRepositoryOptions('options', { pgpool: pool });   // throws ValidationError "options.pgpool: is not a known option..."
 * requireRepositoryOptions('options', { pgPool: client }); // throws ValidationError "options.pgPool: expected the pg.Pool ..."
 * ```
 */
export function requireRepositoryOptions(path: string, value: unknown): CheckedRepositoryOptions {
  const raw = requireOptions(path, value, REPOSITORY_OPTION_KEYS);
  const { cursorSecret, pgPool, preparedStatements } = raw;
  if (cursorSecret !== undefined && typeof cursorSecret !== 'string') {
    throw new ValidationError(`${path}.cursorSecret`, `expected a string of at least 16 bytes, got ${describe(cursorSecret)}.`);
  }
  if (pgPool !== undefined && !isPool(pgPool)) {
    const client = typeof pgPool === 'object' && pgPool !== null && typeof (pgPool as { connect?: unknown }).connect === 'function';
    throw new ValidationError(
      `${path}.pgPool`,
      client
        ? 'expected the pg.Pool behind your PrismaPg adapter, got a connection (a pg.Client): pass the pool, which lends its connections.'
        : `expected the pg.Pool behind your PrismaPg adapter, got ${describe(pgPool)}.`,
    );
  }
  if (preparedStatements !== undefined && typeof preparedStatements !== 'boolean') {
    throw new ValidationError(`${path}.preparedStatements`, `expected true or false, got ${describe(preparedStatements)}.`);
  }
  if (preparedStatements === true && pgPool === undefined) {
    throw new ValidationError(
      `${path}.preparedStatements`,
      "prepares the statements read through pgPool, and no pgPool is given: pass the pg.Pool behind your PrismaPg adapter too (for Prisma's own statements, see PrismaPg's statementNameGenerator option).",
    );
  }
  return { cursorSecret, pgPool: pgPool as pg.Pool | undefined, preparedStatements: preparedStatements === true };
}

// A node-postgres pool, by its shape: an application may load its own copy of `pg`, so `instanceof` cannot tell.
function isPool(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const pool = value as Record<string, unknown>;
  return typeof pool.connect === 'function' && typeof pool.query === 'function' && typeof pool.totalCount === 'number' && typeof pool.idleCount === 'number';
}
