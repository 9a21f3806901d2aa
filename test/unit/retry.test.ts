import { describe, expect, it, vi } from 'vitest';
import {
  DatabaseUnavailableError,
  QueryFailedError,
  SerializationFailureError,
  ValidationError,
  mapDatabaseError,
  withRetry,
} from '../../src/index.ts';
import { backoffDelay } from '../../src/retry/retry.ts';
import { adapterError, prismaError } from '../support/mock-client.ts';

const serialization = () => adapterError({ kind: 'postgres', code: '40001', originalCode: '40001' });

describe('mapDatabaseError for concurrency failures', () => {
  it('maps 40001, 40P01 and P2034 to SerializationFailureError', () => {
    const a = mapDatabaseError(serialization());
    expect(a).toBeInstanceOf(SerializationFailureError);
    expect(a).toMatchObject({ sqlState: '40001', attempts: 1, code: 'SERIALIZATION_FAILURE' });
    expect(mapDatabaseError(adapterError({ kind: 'postgres', code: '40P01', originalCode: '40P01' }))).toMatchObject({ sqlState: '40P01' });
    const p2034 = prismaError('P2034', { driverAdapterError: { cause: { kind: 'TransactionWriteConflict', originalCode: '40001' } } });
    expect(mapDatabaseError(p2034)).toBeInstanceOf(SerializationFailureError);
    expect(mapDatabaseError(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBeInstanceOf(SerializationFailureError);
    expect(mapDatabaseError(adapterError({ kind: 'postgres', code: '23505', originalCode: '23505' }))).toBeInstanceOf(QueryFailedError);
  });
});

describe('withRetry', () => {
  const instant = { sleep: async () => {}, random: () => 0.5 };

  it('returns the first success and retries serialization failures in between', async () => {
    const work = vi.fn().mockRejectedValueOnce(serialization()).mockRejectedValueOnce(serialization()).mockResolvedValue('ok');
    const onRetry = vi.fn();
    await expect(withRetry(work, { ...instant, onRetry })).resolves.toBe('ok');
    expect(work).toHaveBeenCalledTimes(3);
    expect(work.mock.calls.map((c) => c[0])).toEqual([1, 2, 3]);
    expect(onRetry.mock.calls.map((c) => c[0].attempt)).toEqual([1, 2]);
  });

  it('gives up after maxAttempts with a typed error that counts the attempts and keeps the cause', async () => {
    const work = vi.fn().mockRejectedValue(serialization());
    const error = await withRetry(work, { ...instant, maxAttempts: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error).toMatchObject({ attempts: 4, sqlState: '40001' });
    expect((error as Error).message).toMatch(/Gave up after 4 attempt/);
    expect((error as Error).cause).toBeInstanceOf(SerializationFailureError);
    expect(work).toHaveBeenCalledTimes(4);
  });

  it('does not retry other errors, and maps them', async () => {
    const work = vi.fn().mockRejectedValue(adapterError({ kind: 'postgres', code: '23514', originalCode: '23514' }));
    await expect(withRetry(work, instant)).rejects.toBeInstanceOf(QueryFailedError);
    expect(work).toHaveBeenCalledTimes(1);
    const validation = new ValidationError('x', 'bad');
    await expect(withRetry(() => Promise.reject(validation), instant)).rejects.toBe(validation);
  });

  it('retries what retryOn allows (e.g. a lost connection for idempotent work)', async () => {
    const lost = adapterError({ kind: 'ConnectionClosed' });
    const work = vi.fn().mockRejectedValueOnce(lost).mockResolvedValue(1);
    await expect(withRetry(work, { ...instant, retryOn: (e) => e instanceof DatabaseUnavailableError })).resolves.toBe(1);
    const always = vi.fn().mockRejectedValue(lost);
    await expect(withRetry(always, { ...instant, maxAttempts: 2, retryOn: () => true })).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('backs off exponentially with jitter, bounded by maxDelayMs', async () => {
    const delays: number[] = [];
    const work = vi.fn().mockRejectedValue(serialization());
    await withRetry(work, {
      maxAttempts: 8,
      baseDelayMs: 10,
      maxDelayMs: 200,
      random: () => 1,
      sleep: async (ms) => void delays.push(ms),
    }).catch(() => {});
    expect(delays).toEqual([10, 20, 40, 80, 160, 200, 200]);
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.3, 0.999]) {
        const d = backoffDelay({ baseDelayMs: 10, maxDelayMs: 1000 }, attempt, r);
        const cap = Math.min(1000, 10 * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(cap / 2 - 0.5);
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('actually waits between attempts by default (real timers)', async () => {
    const work = vi.fn().mockRejectedValueOnce(serialization()).mockResolvedValue('done');
    const start = performance.now();
    await withRetry(work, { baseDelayMs: 20, random: () => 0 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(9);
  });

  it('validates its options before running anything', async () => {
    const work = vi.fn();
    await expect(withRetry(work, { maxAttempts: 0 })).rejects.toThrow(/retry\.maxAttempts/);
    await expect(withRetry(work, { baseDelayMs: -1 })).rejects.toThrow(/retry\.baseDelayMs/);
    await expect(withRetry(work, { maxAttempts: 1.5 })).rejects.toThrow(ValidationError);
    await expect(withRetry(work, { bogus: 1 } as never)).rejects.toThrow(/retry\.bogus: is not a known option/);
    expect(work).not.toHaveBeenCalled();
  });
});
