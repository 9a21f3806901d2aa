import { LedgerError, SerializationFailureError, UnexpectedError, ValidationError } from '../errors.ts';
import { mapDatabaseError } from '../executor/map-database-error.ts';
import { requireOptions } from '../validation/batch.ts';
import { describe } from '../validation/dates.ts';

/**
 * Retry policy for work that runs in its own transaction. Retrying is only safe when a failed attempt left nothing
 * behind: a serialization failure or deadlock rolls the whole transaction back, so those are retried by default.
 */
export interface RetryOptions {
  /** Total attempts, the first one included. Default 5; 1 means no retry. At most 100. */
  readonly maxAttempts?: number | undefined;
  /** Backoff before retry n is drawn from [cap/2, cap], cap = min(maxDelayMs, baseDelayMs · 2^(n-1)). Default 10 ms. */
  readonly baseDelayMs?: number | undefined;
  /** Upper bound of one backoff. Default 1,000 ms. */
  readonly maxDelayMs?: number | undefined;
  /**
   * Which (mapped) errors to retry. Default: `SerializationFailureError` only (SQLSTATE 40001 / 40P01). Retrying
   * `DatabaseUnavailableError` is only safe for idempotent work (e.g. inserts whose rows all carry an `externalId`).
   */
  readonly retryOn?: ((error: LedgerError) => boolean) | undefined;
  /** Called before each backoff, e.g. for metrics. */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly error: LedgerError }) => void;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  readonly random?: (() => number) | undefined;
  /** How to wait. Default `setTimeout`. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

export const RETRY_OPTION_KEYS = [
  'maxAttempts',
  'baseDelayMs',
  'maxDelayMs',
  'retryOn',
  'onRetry',
  'random',
  'sleep',
] as const;

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 10;
const DEFAULT_MAX_DELAY_MS = 1_000;

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryOn: (error: LedgerError) => boolean;
  readonly onRetry: ((info: { attempt: number; delayMs: number; error: LedgerError }) => void) | undefined;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * True for errors after which the transaction was rolled back by the database and can be run again: a
 * `SerializationFailureError` (map a raw Prisma or node-postgres error with `mapDatabaseError` first). The default
 * `retryOn` of `withRetry`.
 * ```ts
 * try {
 *   await prisma.$transaction(work, { isolationLevel: 'Serializable' });
 * } catch (error) {
 *   if (isRetryableTransactionError(mapDatabaseError(error))) ...; // SQLSTATE 40001 / 40P01: safe to run again
 * }
 * await withRetry(work, { retryOn: (error) => isRetryableTransactionError(error) || error instanceof TransactionTimeoutError });
 * ```
 */
export function isRetryableTransactionError(error: unknown): boolean {
  return error instanceof SerializationFailureError;
}

function requireIntIn(path: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(path, `expected an integer from ${min} to ${max}, got ${describe(value)}.`);
  }
  return value;
}

function requireFunction<F>(path: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ValidationError(path, `expected a function, got ${describe(value)}.`);
  return value as F;
}

/** Validates retry options (before any SQL runs) into a complete policy. */
export function retryPolicy(path: string, options: unknown): RetryPolicy {
  const raw = requireOptions(path, options, RETRY_OPTION_KEYS);
  const baseDelayMs = requireIntIn(`${path}.baseDelayMs`, raw.baseDelayMs, 0, 60_000, DEFAULT_BASE_DELAY_MS);
  const maxDelayMs = requireIntIn(`${path}.maxDelayMs`, raw.maxDelayMs, 0, 60_000, Math.max(DEFAULT_MAX_DELAY_MS, baseDelayMs));
  return {
    maxAttempts: requireIntIn(`${path}.maxAttempts`, raw.maxAttempts, 1, 100, DEFAULT_MAX_ATTEMPTS),
    baseDelayMs,
    maxDelayMs,
    retryOn: requireFunction(`${path}.retryOn`, raw.retryOn) ?? isRetryableTransactionError,
    onRetry: requireFunction(`${path}.onRetry`, raw.onRetry),
    random: requireFunction(`${path}.random`, raw.random) ?? Math.random,
    sleep: requireFunction(`${path}.sleep`, raw.sleep) ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}

/** Backoff before retry `attempt` (1 = first retry): equal jitter over a capped exponential. */
export function backoffDelay(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: number, random: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(cap / 2 + (cap / 2) * Math.min(Math.max(random, 0), 1));
}

/**
 * Runs `work` (which must open its own transaction: a retry of work inside someone else's transaction cannot
 * help) and runs it again after a serialization failure or deadlock, with bounded exponential backoff and jitter.
 * Errors are mapped to `LedgerError`s. When the attempts are used up, a `SerializationFailureError` is thrown with
 * `attempts` set (cause: the last failure); other errors are thrown as they are, at once unless `retryOn` says so.
 *
 * ```ts
 * const totals = await withRetry(() => prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' }));
 * ```
 * For a transaction of your own, `transaction(prisma, work, options)` does this in one call.
 */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, options?: RetryOptions): Promise<T> {
  return retrying(work, retryPolicy('retry', options));
}

/** `withRetry` with an already validated policy. */
export async function retrying<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (thrown) {
      const error = mapDatabaseError(thrown);
      if (!callback('retry.retryOn', () => policy.retryOn(error), error)) throw error;
      if (attempt >= policy.maxAttempts) {
        if (error instanceof SerializationFailureError) {
          throw new SerializationFailureError(
            `Gave up after ${attempt} attempt(s): ${error.message}`,
            error.sqlState,
            attempt,
            { cause: error },
          );
        }
        throw error;
      }
      const delayMs = backoffDelay(policy, attempt, callback('retry.random', policy.random, error));
      if (policy.onRetry) callback('retry.onRetry', () => policy.onRetry!({ attempt, delayMs, error }), error);
      try {
        await policy.sleep(delayMs);
      } catch (failed) {
        throw callbackError('retry.sleep', failed, error);
      }
    }
  }
}

// The caller's callbacks: what one throws ends the retries and reaches the caller as a LedgerError that names it,
// keeping the failure being retried (`during`), which would otherwise be lost with the retries.
function callback<T>(name: string, run: () => T, during: LedgerError): T {
  try {
    return run();
  } catch (thrown) {
    throw callbackError(name, thrown, during);
  }
}

function callbackError(name: string, thrown: unknown, during: LedgerError): LedgerError {
  if (thrown instanceof LedgerError) return thrown;
  const message = `${name} threw: ${thrown instanceof Error ? thrown.message : describe(thrown)} (while handling ${during.name}: ${during.message})`;
  return new UnexpectedError(message, { cause: thrown, during });
}
