import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  DatabaseUnavailableError,
  LedgerError,
  PrismaArgumentError,
  QueryFailedError,
  SerializationFailureError,
  TransactionTimeoutError,
  UnexpectedError,
  ValidationError,
  mapDatabaseError,
} from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { adapterError, mockPrisma, postgresError, prismaError } from '../support/mock-client.ts';

describe('mapDatabaseError', () => {
  it('maps an expired interactive transaction (P2028) to TransactionTimeoutError', () => {
    const error = mapDatabaseError(prismaError('P2028', { operation: 'commit', timeout: 100, timeTaken: 300 }));
    expect(error).toBeInstanceOf(TransactionTimeoutError);
    expect(error.message).toMatch(/rolled back; pass a larger timeoutMs/);
    expect(error.cause).toBeDefined();
  });

  it.each(['DatabaseNotReachable', 'AuthenticationFailed', 'ConnectionClosed', 'TooManyConnections'])(
    'maps the adapter error kind %s to DatabaseUnavailableError',
    (kind) => {
      expect(mapDatabaseError(adapterError({ kind }))).toBeInstanceOf(DatabaseUnavailableError);
    },
  );

  it('maps a terminated backend (57P01) and connection exceptions (08xxx) to DatabaseUnavailableError', () => {
    expect(mapDatabaseError(adapterError({ kind: 'postgres', code: '57P01' }))).toBeInstanceOf(DatabaseUnavailableError);
    // The server ending the session for idle_in_transaction_session_timeout / transaction_timeout, on either path.
    expect(mapDatabaseError(adapterError({ kind: 'postgres', code: '25P03' }))).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapDatabaseError(Object.assign(new Error('terminating connection due to transaction timeout'), { code: '25P04', severity: 'FATAL' }))).toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(mapDatabaseError(adapterError({ kind: 'postgres', code: '08006' }))).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapDatabaseError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(
      DatabaseUnavailableError,
    );
  });

  it('maps a session the server refused (too many clients, authentication, no such database) to DatabaseUnavailableError on the pgPool path too', () => {
    for (const code of ['53300', '28000', '28P01', '3D000']) {
      const refused = Object.assign(new Error(`refused (${code})`), { code, severity: 'FATAL' });
      expect(mapDatabaseError(refused), code).toBeInstanceOf(DatabaseUnavailableError);
    }
    // Other class 53 and 28 states are statement failures.
    expect(mapDatabaseError(Object.assign(new Error('out of memory'), { code: '53200', severity: 'ERROR' }))).toBeInstanceOf(QueryFailedError);
  });

  it('maps a Citus coordinator\'s internal error for a lost worker (XX000) to DatabaseUnavailableError, other XX000 not', () => {
    const lost = 'failure on connection marked as essential: 127.0.0.1:7303';
    const throughPrisma = mapDatabaseError(adapterError({ kind: 'postgres', code: 'XX000', originalCode: 'XX000', originalMessage: lost }));
    expect(throughPrisma).toBeInstanceOf(DatabaseUnavailableError);
    const fromPool = Object.assign(new Error(lost), { code: 'XX000', severity: 'ERROR' });
    expect(mapDatabaseError(fromPool)).toBeInstanceOf(DatabaseUnavailableError);
    const unreachable = 'connection to the remote node postgres@127.0.0.1:7303 failed with the following error: Connection refused';
    expect(mapDatabaseError(Object.assign(new Error(unreachable), { code: 'XX000', severity: 'ERROR' }))).toBeInstanceOf(DatabaseUnavailableError);
    const other = mapDatabaseError(adapterError({ kind: 'postgres', code: 'XX000', originalCode: 'XX000', originalMessage: 'could not find shard' }));
    expect(other).toBeInstanceOf(QueryFailedError);
    expect((other as QueryFailedError).sqlState).toBe('XX000');
  });

  it.each(['EPIPE', 'ECONNRESET'])('maps a Prisma known request error whose code is the socket\'s %s to DatabaseUnavailableError', (code) => {
    // What Prisma rejects with when a backend is killed under an idle connection and the next write meets it.
    const error = mapDatabaseError(new Prisma.PrismaClientKnownRequestError(`write ${code}`, { code, clientVersion: '7.10.0' }));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe(`Database unavailable: write ${code}`);
  });

  it('maps connection loss seen outside Prisma errors (unwrapped DriverAdapterError, broken pg client) to DatabaseUnavailableError', () => {
    const unwrapped = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'DriverAdapterError',
      cause: { kind: 'postgres', code: '57P01', originalCode: '57P01' },
    });
    expect(mapDatabaseError(unwrapped)).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapDatabaseError(new Error('Client has encountered a connection error and is not queryable'))).toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(mapDatabaseError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(DatabaseUnavailableError);
    const conflict = Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '23505', originalCode: '23505' } });
    expect(mapDatabaseError(conflict)).toMatchObject({ sqlState: '23505' });
  });

  it('maps other statement failures to QueryFailedError with the SQLSTATE', () => {
    const error = mapDatabaseError(postgresError('22012'));
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError).sqlState).toBe('22012');
    const overflow = mapDatabaseError(prismaError('P2020', { driverAdapterError: { cause: { kind: 'ValueOutOfRange', originalCode: '22003' } } }));
    expect((overflow as QueryFailedError).sqlState).toBe('22003');
  });

  it('passes library errors through unchanged', () => {
    const validation = new ValidationError('rows', 'is empty');
    expect(mapDatabaseError(validation)).toBe(validation);
  });

  it('maps a server error raised by node-postgres (SQLSTATE + severity) to QueryFailedError with its SQLSTATE', () => {
    const server = Object.assign(new Error('column "amount" does not exist'), { code: '42703', severity: 'ERROR' });
    expect(mapDatabaseError(server)).toBeInstanceOf(QueryFailedError);
    expect(mapDatabaseError(server)).toMatchObject({ sqlState: '42703' });
  });

  it("maps a write conflict at commit (a raw DriverAdapterError without a code) to SerializationFailureError", () => {
    const conflict = Object.assign(new Error('TransactionWriteConflict'), {
      name: 'DriverAdapterError',
      cause: { kind: 'TransactionWriteConflict' },
    });
    expect(mapDatabaseError(conflict)).toBeInstanceOf(SerializationFailureError);
    expect(mapDatabaseError(conflict)).toMatchObject({ sqlState: '40001', attempts: 1 });
  });
});

describe('mapDatabaseError for errors that did not come from the database', () => {
  it.each([
    ['a RangeError', new RangeError('index out of range')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a Node error whose code is not a SQLSTATE", Object.assign(new Error('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' })],
    ['an Error with a 5-letter code but no severity', Object.assign(new Error('operation not permitted'), { code: 'EPERM' })],
  ])('maps %s to UnexpectedError with the original as cause, never QueryFailedError', (_, thrown) => {
    const error = mapDatabaseError(thrown);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect(error).not.toBeInstanceOf(QueryFailedError);
    expect(error).toMatchObject({ code: 'UNEXPECTED_ERROR' });
    expect(error.cause).toBe(thrown);
    expect(error.message).toContain(thrown.name);
  });

  it.each([
    ['a string', 'boom'],
    ['undefined', undefined],
    ['an object without a prototype', Object.create(null) as object],
    ['an object whose message is not a string', Object.assign(new Error(), { message: 42 })],
  ])('maps a thrown %s to UnexpectedError without throwing itself', (_, thrown) => {
    const error = mapDatabaseError(thrown);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect(error).toBeInstanceOf(LedgerError);
  });

  it('maps PrismaClientValidationError (arguments that do not fit the schema) to PrismaArgumentError', () => {
    const thrown = new Prisma.PrismaClientValidationError('Argument `accountId`: Invalid value provided. Expected Int, provided String.', {
      clientVersion: '7.10.0',
    });
    const error = mapDatabaseError(thrown);
    expect(error).toBeInstanceOf(PrismaArgumentError);
    expect(error).toMatchObject({ code: 'PRISMA_ARGUMENT_REJECTED' });
    expect(error.message).toMatch(/do not fit the Prisma schema.*Expected Int/);
    expect(error.cause).toBe(thrown);
  });

  it('maps a pool that cannot get a connection in time to DatabaseUnavailableError', () => {
    expect(mapDatabaseError(new Error('timeout exceeded when trying to connect'))).toBeInstanceOf(DatabaseUnavailableError);
  });
});

describe('repositories map database failures', () => {
  it('rejects with DatabaseUnavailableError when the query cannot reach the server', async () => {
    const db = mockPrisma();
    db.prisma.$queryRaw.mockRejectedValue(adapterError({ kind: 'DatabaseNotReachable', host: 'db', port: 5432 }));
    await expect(new TransactionRepository(db.prisma).runningTotals()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('rejects with TransactionTimeoutError when a bulk insert outlives its transaction', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockRejectedValue(prismaError('P2028', { operation: 'query', timeout: 5 }));
    const rows = [{ accountId: 1, amount: '1.00', createdAt: new Date('2026-01-01') }];
    await expect(new TransactionRepository(db.prisma).insertMany(rows)).rejects.toBeInstanceOf(TransactionTimeoutError);
  });
});
