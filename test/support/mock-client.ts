import { mockDeep, type DeepMockProxy } from 'vitest-mock-extended';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';

export interface MockedPrisma {
  readonly prisma: DeepMockProxy<PrismaClient>;
  /** The transaction client handed to `$transaction` callbacks. */
  readonly tx: DeepMockProxy<Prisma.TransactionClient>;
}

/** A mocked PrismaClient whose interactive `$transaction(fn)` runs `fn` with a mocked transaction client. */
export function mockPrisma(): MockedPrisma {
  const prisma = mockDeep<PrismaClient>();
  // Like Prisma's own transaction client, the mock has no $connect / $disconnect (a deep mock would invent them).
  const txMock = mockDeep<Prisma.TransactionClient>();
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
