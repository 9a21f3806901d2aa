/**
 * The one mocked PrismaClient of the unit tests (vitest-mock-extended deep mocks), what it was sent, and the errors
 * Prisma 7 raises through @prisma/adapter-pg.
 */
import { mockDeep, type DeepMockProxy } from 'vitest-mock-extended';
import { Prisma, type PrismaClient } from '../../prisma/generated/prisma/client.ts';

export interface MockedPrisma {
  readonly prisma: DeepMockProxy<PrismaClient>;
  /** The transaction client handed to `$transaction` callbacks. */
  readonly tx: DeepMockProxy<Prisma.TransactionClient>;
}

/**
 * A mocked PrismaClient whose interactive `$transaction(fn)` runs `fn` with a mocked transaction client. With
 * `strict`, calling anything not given an implementation throws instead of returning undefined, so a test also
 * proves which methods the code under test uses.
 */
export function mockPrisma(options: { strict?: boolean } = {}): MockedPrisma {
  const unmocked = options.strict
    ? {
        fallbackMockImplementation: () => {
          throw new Error('mockPrisma({ strict: true }): called a client method that has no implementation');
        },
      }
    : undefined;
  const prisma = (unmocked ? mockDeep<PrismaClient>(unmocked) : mockDeep<PrismaClient>()) as DeepMockProxy<PrismaClient>;
  // Like Prisma's own transaction client, the mock has no $connect / $disconnect (a deep mock would invent them).
  const txMock = (unmocked ? mockDeep<Prisma.TransactionClient>(unmocked) : mockDeep<Prisma.TransactionClient>()) as DeepMockProxy<Prisma.TransactionClient>;
  const tx = new Proxy(txMock, {
    get: (target, property, receiver) =>
      property === '$connect' || property === '$disconnect' ? undefined : Reflect.get(target, property, receiver),
  });
  prisma.$transaction.mockImplementation(((arg: unknown) => {
    if (typeof arg !== 'function') throw new Error('only interactive transactions are mocked');
    return (arg as (client: Prisma.TransactionClient) => Promise<unknown>)(tx);
  }) as never);
  return { prisma, tx };
}

/**
 * An `unnest` insert with an idempotency key, sent through `$queryRaw` because it counts the rows it wrote:
 * `WITH written AS (INSERT ... RETURNING 1) SELECT count(*) AS inserted FROM written`.
 */
export const isCountedInsert = (sql: Prisma.Sql): boolean => sql.text.startsWith('WITH written AS (INSERT INTO ');

/** What a mocked `$queryRaw` answers to a counted insert that wrote every row of its first bound array. */
export const allWritten = async (sql: Prisma.Sql) => [{ inserted: BigInt((sql.values[0] as unknown[] | undefined)?.length ?? 0) }];

/** What a recording client was asked to do, on the root and the transaction client alike. */
export interface Sent {
  /** `$queryRaw` statements other than inserts. */
  readonly query: Prisma.Sql[];
  readonly execute: Prisma.Sql[];
  /** Every `unnest` insert, through `$executeRaw` or counted through `$queryRaw` (`isCountedInsert`). */
  readonly inserts: Prisma.Sql[];
  /** The `data` of every `createMany` and `createManyAndReturn`, per call. */
  readonly createMany: unknown[][];
  readonly transactions: number;
}

/**
 * A strict `mockPrisma()` that answers like a database accepting everything — `$queryRaw` returns no rows (a
 * counted insert: every row written), `$executeRaw` one row per element of its first bound array (an
 * `INSERT … unnest`; nothing for a statement that binds none), `createMany` and `createManyAndReturn` every row — and records what it was sent. Any other client method throws: SQL cannot
 * leave by a path the recording does not see.
 */
export function recordingPrisma(): MockedPrisma & { readonly sent: Sent } {
  const db = mockPrisma({ strict: true });
  const executed = async (sql: Prisma.Sql) => (sql.values[0] as unknown[] | undefined)?.length ?? 0;
  const created = async (args: { data: unknown[] }) => ({ count: args.data.length });
  const returned = async (args: { data: Record<string, unknown>[]; select: Record<string, true> }) =>
    args.data.map((row) => Object.fromEntries(Object.keys(args.select).map((field) => [field, row[field]])));
  for (const client of [db.prisma, db.tx]) {
    client.$queryRaw.mockImplementation((async (sql: Prisma.Sql) => (isCountedInsert(sql) ? allWritten(sql) : [])) as never);
    client.$executeRaw.mockImplementation(executed as never);
    client.transaction.createMany.mockImplementation(created as never);
    client.salesRecord.createMany.mockImplementation(created as never);
    client.transaction.createManyAndReturn.mockImplementation(returned as never);
    client.salesRecord.createManyAndReturn.mockImplementation(returned as never);
  }
  const firstArguments = <T>(...mocks: Array<{ mock: { calls: unknown[][] } }>) => mocks.flatMap((m) => m.mock.calls.map((call) => call[0] as T));
  const sent: Sent = {
    get query() {
      return firstArguments<Prisma.Sql>(db.prisma.$queryRaw, db.tx.$queryRaw).filter((sql) => !isCountedInsert(sql));
    },
    get execute() {
      return firstArguments<Prisma.Sql>(db.prisma.$executeRaw, db.tx.$executeRaw);
    },
    get inserts() {
      const counted = firstArguments<Prisma.Sql>(db.prisma.$queryRaw, db.tx.$queryRaw).filter(isCountedInsert);
      return [...counted, ...firstArguments<Prisma.Sql>(db.prisma.$executeRaw, db.tx.$executeRaw).filter((sql) => sql.text.startsWith('INSERT'))];
    },
    get createMany() {
      const calls = [
        db.prisma.transaction.createMany,
        db.tx.transaction.createMany,
        db.prisma.salesRecord.createMany,
        db.tx.salesRecord.createMany,
        db.prisma.transaction.createManyAndReturn,
        db.tx.transaction.createManyAndReturn,
        db.prisma.salesRecord.createManyAndReturn,
        db.tx.salesRecord.createManyAndReturn,
      ];
      return firstArguments<{ data: unknown[] }>(...calls).map((args) => args.data);
    },
    get transactions() {
      return db.prisma.$transaction.mock.calls.length;
    },
  };
  return { ...db, sent };
}

/** The single `Prisma.Sql` a mocked `$queryRaw` received on call `call` (default: the only call). */
export function sentSql(queryRaw: { mock: { calls: unknown[][] } }, call = 0): Prisma.Sql {
  const sql = queryRaw.mock.calls[call]?.[0];
  if (!(sql instanceof Prisma.Sql)) throw new Error(`$queryRaw call ${call} did not receive a Prisma.Sql`);
  return sql;
}

/** Collapses whitespace so assertions read like the SQL. */
export function oneLine(sql: Prisma.Sql): string {
  return sql.text.replace(/\s+/g, ' ').trim();
}

/** A Prisma known-request error as Prisma 7 raises it through @prisma/adapter-pg. */
export function prismaError(code: string, meta: Record<string, unknown> = {}, message = `mock ${code}`) {
  return new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: '7.10.0', meta });
}

/** A P2010 raw-query failure carrying a driver-adapter cause, e.g. `{ kind: 'postgres', code: '22012' }`. */
export function adapterError(cause: Record<string, unknown>) {
  return prismaError('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause } });
}

/** A raw query that PostgreSQL failed with SQLSTATE `code` (e.g. '40001'), as the adapter reports it. */
export function postgresError(code: string) {
  return adapterError({ kind: 'postgres', code, originalCode: code });
}

/** A write conflict (40001) that Prisma reports as P2034 from an interactive transaction. */
export function writeConflict() {
  return prismaError('P2034', { driverAdapterError: { cause: { kind: 'TransactionWriteConflict', originalCode: '40001' } } });
}
