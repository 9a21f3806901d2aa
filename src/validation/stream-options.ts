import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, DEFAULT_READ_MAX_WAIT_MS, DEFAULT_STREAM_TIMEOUT_MS } from '../executor/stream-timeouts.ts';
import { requireMaxWaitMs, requireOptions, requirePositiveInt } from './batch.ts';

/** Rows per chunk or FETCH when the caller names none (memory stays bounded by it). */
export const DEFAULT_STREAM_CHUNK_SIZE = 10_000;

export interface StreamSettings {
  readonly chunkSize: number;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxWaitMs: number;
}

/**
 * The options every stream takes, as callers give them (all optional; `requireStreamOptions` checks them and fills
 * in the defaults):
 * - `chunkSize` (default 10,000): rows per keyset chunk or `FETCH`;
 * - `timeoutMs` (default 600,000): the longest the whole stream may hold its snapshot transaction;
 * - `idleTimeoutMs` (default 60,000): the longest that transaction waits for the consumer to ask for more rows;
 * - `maxWaitMs` (default 10,000, never more than `timeoutMs`): the longest the stream waits for a pooled
 *   connection; past it, `DatabaseUnavailableError` and nothing was read.
 */
export interface StreamSettingsInput {
  readonly chunkSize?: number | undefined;
  readonly timeoutMs?: number | undefined;
  readonly idleTimeoutMs?: number | undefined;
  readonly maxWaitMs?: number | undefined;
}

/**
 * Validates the options every stream takes (repositories' and the builder's alike), with their defaults, plus
 * the caller's own `extraKeys`, returned untouched in `rest`:
 * ```ts
 * requireStreamOptions({ chunkSize: 5_000 }, ['scope'])
 * // { chunkSize: 5000, timeoutMs: 600000, idleTimeoutMs: 60000, maxWaitMs: 10000, rest: {} }
 * requireStreamOptions({ chunkSize: 0 }) // throws ValidationError (stream.chunkSize)
 * ```
 */
export function requireStreamOptions(
  value: unknown,
  extraKeys: readonly string[] = [],
): StreamSettings & { readonly rest: Record<string, unknown> } {
  const { chunkSize, timeoutMs, idleTimeoutMs, maxWaitMs, ...rest } = requireOptions('stream', value, [
    'chunkSize',
    'timeoutMs',
    'idleTimeoutMs',
    'maxWaitMs',
    ...extraKeys,
  ]);
  const positive = (name: string, given: unknown, fallback: number, max: number) =>
    given === undefined ? fallback : requirePositiveInt(`stream.${name}`, given, max);
  return {
    chunkSize: positive('chunkSize', chunkSize, DEFAULT_STREAM_CHUNK_SIZE, 1_000_000),
    timeoutMs: positive('timeoutMs', timeoutMs, DEFAULT_STREAM_TIMEOUT_MS, 86_400_000),
    idleTimeoutMs: positive('idleTimeoutMs', idleTimeoutMs, DEFAULT_STREAM_IDLE_TIMEOUT_MS, 86_400_000),
    maxWaitMs: requireMaxWaitMs('stream.maxWaitMs', maxWaitMs) ?? DEFAULT_READ_MAX_WAIT_MS,
    rest,
  };
}
