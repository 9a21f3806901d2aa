import { describe, expect, it, vi } from 'vitest';
import {
  DatabaseUnavailableError,
  QueryFailedError,
  SerializationFailureError,
  UnexpectedError,
  ValidationError,
  mapDatabaseError,
  transaction,
  withRetry,
} from '../../src/index.ts';
import { backoffDelay } from '../../src/retry/retry.ts';
import { adapterError, mockPrisma, postgresError, writeConflict } from '../support/mock-client.ts';

const serialization = () => postgresError('40001');

describe('mapDatabaseError for concurrency failures', () => {
  it('maps 40001, 40P01 and P2034 to SerializationFailureError', () => {
    const a = mapDatabaseError(serialization());
    expect(a).toBeInstanceOf(SerializationFailureError);
    expect(a).toMatchObject({ sqlState: '40001', attempts: 1, code: 'SERIALIZATION_FAILURE' });
    expect(mapDatabaseError(postgresError('40P01'))).toMatchObject({ sqlState: '40P01' });
    expect(mapDatabaseError(writeConflict())).toBeInstanceOf(SerializationFailureError);
    expect(mapDatabaseError(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBeInstanceOf(SerializationFailureError);
    expect(mapDatabaseError(postgresError('23505'))).toBeInstanceOf(QueryFailedError);
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
    const work = vi.fn().mockRejectedValue(postgresError('23514'));
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

  it('waits between attempts with setTimeout by default', async () => {
    // Fake timers: the wait is observed on the clock it uses, not measured against a busy machine's wall clock.
    vi.useFakeTimers();
    try {
      const work = vi.fn().mockRejectedValueOnce(serialization()).mockResolvedValue('done');
      const result = withRetry(work, { baseDelayMs: 20, random: () => 0 }); // backoff: 20 / 2 = 10 ms
      await vi.advanceTimersByTimeAsync(9);
      expect(work).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(work).toHaveBeenCalledTimes(2);
      await expect(result).resolves.toBe('done');
    } finally {
      vi.useRealTimers();
    }
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

/** What Prisma 7 throws from a plain interactive $transaction when PostgreSQL rejects its COMMIT with 40001. */
const conflictAtCommit = () =>
  Object.assign(new Error('TransactionWriteConflict'), { name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict' } });

describe('transaction()', () => {
  const instant = { sleep: async () => {}, random: () => 0.5 };

  it('runs the callback again after a write conflict at commit, and says which attempt it is', async () => {
    const db = mockPrisma();
    const attempts: number[] = [];
    db.prisma.$transaction.mockImplementation((async (work: (tx: unknown) => Promise<unknown>) => {
      const result = await work(db.tx);
      if (attempts.length === 1) throw conflictAtCommit();
      return result;
    }) as never);
    const result = await transaction(db.prisma, async (_tx, attempt) => (attempts.push(attempt), `attempt ${attempt}`), {
      isolationLevel: 'Serializable',
      retry: instant,
    });
    expect(result).toBe('attempt 2');
    expect(attempts).toEqual([1, 2]);
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(2);
    expect(db.prisma.$transaction.mock.calls[0]?.[1]).toEqual({ isolationLevel: 'Serializable' });
  });

  it('surfaces the conflict as SerializationFailureError when retries are off or used up', async () => {
    const db = mockPrisma();
    db.prisma.$transaction.mockRejectedValue(conflictAtCommit());
    const once = await transaction(db.prisma, async () => 1, { retry: false }).catch((e: unknown) => e);
    expect(once).toBeInstanceOf(SerializationFailureError);
    expect(once).toMatchObject({ attempts: 1, sqlState: '40001' });
    const thrice = await transaction(db.prisma, async () => 1, { retry: { ...instant, maxAttempts: 3 } }).catch((e: unknown) => e);
    expect(thrice).toMatchObject({ attempts: 3 });
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(4);
  });

  it('passes a LedgerError from the callback through unchanged and does not retry other errors', async () => {
    const db = mockPrisma();
    const thrown = new ValidationError('x', 'bad');
    await expect(transaction(db.prisma, async () => Promise.reject(thrown))).rejects.toBe(thrown);
    const error = await transaction(db.prisma, async () => {
      throw new RangeError('boom');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(2);
  });

  it('validates its arguments before opening a transaction', async () => {
    const db = mockPrisma();
    await expect(transaction(db.prisma, async () => 1, { timeoutMs: 1.5 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(transaction(db.prisma, async () => 1, { maxWaitMs: -1 })).rejects.toThrow(/options\.maxWaitMs/);
    await expect(transaction(db.prisma, async () => 1, { isolationLevel: 'serializable' as never })).rejects.toThrow(/options\.isolationLevel/);
    await expect(transaction(db.prisma, async () => 1, { retry: { bogus: 1 } as never })).rejects.toThrow(/options\.retry\.bogus/);
    await expect(transaction(db.prisma, 'work' as never)).rejects.toThrow(/work: expected a function/);
    await expect(transaction(db.tx as never, async () => 1)).rejects.toThrow(/client: is a transaction client/);
    await expect(transaction(null as never, async () => 1)).rejects.toThrow(/client: expected a PrismaClient, got null/);
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
  });
});
