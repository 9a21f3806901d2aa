import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, DEFAULT_STREAM_TIMEOUT_MS } from '../executor/stream-timeouts.ts';
import { requireOptions, requirePositiveInt } from './batch.ts';

/** Rows per chunk or FETCH when the caller names none (memory stays bounded by it). */
export const DEFAULT_STREAM_CHUNK_SIZE = 10_000;

export interface StreamSettings {
  readonly chunkSize: number;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
}

/**
 * Validates the options every stream takes (repositories' and the builder's alike), with their defaults, plus
 * the caller's own `extraKeys`, returned untouched in `rest`:
 * ```ts
 * requireStreamOptions({ chunkSize: 5_000 }, ['scope'])
 * // { chunkSize: 5000, timeoutMs: 600000, idleTimeoutMs: 60000, rest: {} }
 * requireStreamOptions({ chunkSize: 0 }) // throws ValidationError (stream.chunkSize)
 * ```
 */
export function requireStreamOptions(
  value: unknown,
  extraKeys: readonly string[] = [],
): StreamSettings & { readonly rest: Record<string, unknown> } {
  const { chunkSize, timeoutMs, idleTimeoutMs, ...rest } = requireOptions('stream', value, [
    'chunkSize',
    'timeoutMs',
    'idleTimeoutMs',
    ...extraKeys,
  ]);
  const positive = (name: string, given: unknown, fallback: number, max: number) =>
    given === undefined ? fallback : requirePositiveInt(`stream.${name}`, given, max);
  return {
    chunkSize: positive('chunkSize', chunkSize, DEFAULT_STREAM_CHUNK_SIZE, 1_000_000),
    timeoutMs: positive('timeoutMs', timeoutMs, DEFAULT_STREAM_TIMEOUT_MS, 86_400_000),
    idleTimeoutMs: positive('idleTimeoutMs', idleTimeoutMs, DEFAULT_STREAM_IDLE_TIMEOUT_MS, 86_400_000),
    rest,
  };
}
