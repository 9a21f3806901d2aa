/**
 * Arguments the types forbid, passed anyway (from JavaScript, or through `as never`), are refused at run time with a
 * LedgerError before anything is sent; and failures that are not what they seem keep their meaning when mapped.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  balanceCheckpointsSql,
  DatabaseUnavailableError,
  QueryFailedError,
  TransactionTimeoutError,
  UnexpectedError,
  ValidationError,
  WindowSpecError,
  explainQuery,
  inTransaction,
  mapDatabaseError,
  windowQuery,
} from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import '../../prisma/app/index.ts';
import { prismaError, recordingPrisma, type Sent } from '../support/mock-client.ts';

const nothingSent = (sent: Sent) => sent.query.length === 0 && sent.execute.length === 0 && sent.transactions === 0;

describe('sort order of a window query', () => {
  const query = () => windowQuery('Transaction').select('id', 'createdAt');

  it("refuses a direction other than 'asc' or 'desc' instead of sorting ascending", () => {
    expect(() => query().orderBy('createdAt', 'DESC' as never)).toThrow(WindowSpecError);
    expect(() => query().orderByResult('createdAt', 'down' as never)).toThrow(WindowSpecError);
  });

  it("refuses a NULLS placement other than 'first' or 'last'", () => {
    expect(() => query().orderBy('createdAt', 'desc', 'sideways' as never)).toThrow(WindowSpecError);
  });

  it('still renders the directions it accepts', () => {
    expect(query().orderBy('createdAt', 'desc', 'first').toSql().text).toContain('"Transaction"."createdAt" DESC NULLS FIRST');
  });
});

describe('inTransaction', () => {
  it.each([
    [{ timeout: 60_000 }, 'options.timeout'],
    [{ timeoutMs: 'abc' }, 'options.timeoutMs'],
    [{ timeoutMs: -5 }, 'options.timeoutMs'],
    [{ isolationLevel: 'Snapshot' }, 'options.isolationLevel'],
    [null, 'options'],
  ])('refuses the options %j before any SQL', async (options, path) => {
    const db = recordingPrisma();
    const failure = await inTransaction(db.prisma as never, async () => 1, options as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).path).toBe(path);
    expect(nothingSent(db.sent)).toBe(true);
  });

  it('refuses a missing client or work before any SQL', async () => {
    const db = recordingPrisma();
    await expect(inTransaction(undefined as never, async () => 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(inTransaction(db.prisma as never, 'work' as never)).rejects.toBeInstanceOf(ValidationError);
    expect(nothingSent(db.sent)).toBe(true);
  });
});

describe('explain', () => {
  const sql = Prisma.sql`SELECT 1`;

  it.each([
    [{ analyse: false }, 'options.analyse'],
    [{ analyze: 'false' }, 'options.analyze'],
    [{ timeoutMs: 0 }, 'options.timeoutMs'],
  ])('refuses the options %j before any SQL (a misspelt analyze would execute the statement)', async (options, path) => {
    const db = recordingPrisma();
    const direct = await explainQuery(db.prisma as never, sql, options as never).catch((error: unknown) => error);
    const built = await windowQuery('Transaction').select('id').explain(db.prisma as never, options as never).catch((error: unknown) => error);
    for (const failure of [direct, built]) {
      expect(failure).toBeInstanceOf(ValidationError);
      expect((failure as ValidationError).path).toBe(path);
    }
    expect(nothingSent(db.sent)).toBe(true);
  });

  it('refuses SQL text that is not a Prisma.Sql', async () => {
    const db = recordingPrisma();
    await expect(explainQuery(db.prisma as never, 'SELECT 1' as never)).rejects.toBeInstanceOf(ValidationError);
    expect(nothingSent(db.sent)).toBe(true);
  });
});

describe('a repository scope', () => {
  it("refuses a scope other than 'partition' or 'global' instead of compiling the global total", async () => {
    const db = recordingPrisma();
    const repo = new TransactionRepository(db.prisma as never);
    expect(() => repo.runningTotalsSql({ partitions: [1] }, 'bogus' as never)).toThrow(ValidationError);
    await expect(repo.explain({ partitions: [1] }, 'bogus' as never)).rejects.toBeInstanceOf(ValidationError);
    expect(nothingSent(db.sent)).toBe(true);
  });
});

describe('mapping failures that are not what they seem', () => {
  it('maps P2028 on a transaction that had already committed to UnexpectedError, never "rolled back"', () => {
    const closed = prismaError('P2028', {}, 'Transaction API error: Transaction already closed: A query cannot be executed on a committed transaction.');
    const error = mapDatabaseError(closed);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect(error.message).not.toMatch(/rolled back/);
    expect(error.message).toMatch(/had already ended/);
  });

  it('maps P2028 for a transaction that never got a connection within maxWait to DatabaseUnavailableError', () => {
    const waited = prismaError('P2028', {}, 'Transaction API error: Unable to start a transaction in the given time.');
    const error = mapDatabaseError(waited);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toMatch(/nothing ran/);
  });

  it('keeps an expired transaction (P2028 naming its timeout) a TransactionTimeoutError', () => {
    const expired = prismaError('P2028', {}, 'Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction. The timeout for this transaction was 100 ms, however 300 ms passed since the start of the transaction.');
    expect(mapDatabaseError(expired)).toBeInstanceOf(TransactionTimeoutError);
  });

  it("maps node-postgres's query_timeout to QueryFailedError, not an unexpected error", () => {
    const error = mapDatabaseError(new Error('Query read timeout'));
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.message).toMatch(/query_timeout/);
  });
});

describe('insertMany on a ledger with balance checkpoints', () => {
  it('refuses REPEATABLE READ before any SQL: the checkpoint triggers would refuse the write after it', async () => {
    const db = recordingPrisma();
    const rows = [{ accountId: 1, amount: '1.00', createdAt: new Date('2026-01-01T00:00:00Z') }];
    const failure = await new TransactionRepository(db.prisma as never)
      .insertMany(rows, { isolationLevel: 'RepeatableRead' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).path).toBe('options.isolationLevel');
    expect((failure as Error).message).toMatch(/balance checkpoints in TransactionCheckpoint.*'ReadCommitted' or 'Serializable'/);
    expect(nothingSent(db.sent)).toBe(true);
  });
});

describe('balanceCheckpointsSql (run from migration scripts, often plain JavaScript)', () => {
  const complete = { model: 'Transaction', partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: 'TransactionCheckpoint' };

  it.each([
    ['amount', /amount must be a field name, got undefined/],
    ['orderBy', /orderBy must be a field name, got undefined/],
    ['partitionBy', /partitionBy must be an array of field names, got undefined/],
    ['checkpoints', /checkpoints must be a model name, got undefined/],
  ])('names a missing %s with a WindowSpecError', (field, message) => {
    const { [field as keyof typeof complete]: _left, ...definition } = complete;
    expect(() => balanceCheckpointsSql(definition as never)).toThrow(WindowSpecError);
    expect(() => balanceCheckpointsSql(definition as never)).toThrow(message);
  });

  it('refuses something that is not a definition, and writes the triggers for a complete one', () => {
    expect(() => balanceCheckpointsSql(null as never)).toThrow(/needs \{ model, partitionBy, orderBy, amount, checkpoints \}, got null/);
    expect(balanceCheckpointsSql(complete as never)).toContain('CREATE TRIGGER "transaction_checkpoints_after_insert" AFTER INSERT ON "Transaction"');
  });
});
