/**
 * What an application hands the library besides data: constructor options, retry callbacks, validator overrides
 * and builder parts. Wrong ones are refused where they are given, and whatever the application's own code throws
 * reaches it as a LedgerError naming that code, never as a bare TypeError from inside the library.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import '../../prisma/app/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import {
  LedgerError,
  SerializationFailureError,
  UnexpectedError,
  ValidationError,
  WindowSpecError,
  defineRunningTotalRepository,
  queryOver,
  windowFunctions,
  windowLedger,
  windowQuery,
  windowSpec,
  withRetry,
} from '../../src/index.ts';
import { recordingPrisma, type Sent } from '../support/mock-client.ts';

const nothingSent = (sent: Sent) => sent.query.length === 0 && sent.execute.length === 0 && sent.transactions === 0;

describe('repository constructor options', () => {
  const { prisma } = recordingPrisma();

  it('refuses a missing client, a non-object, unknown keys, a secret that is not a string and a pool that is not a pool', () => {
    const refused: Array<[string, () => unknown, RegExp]> = [
      ['no client', () => new TransactionRepository(null as never), /^db: expected a PrismaClient/],
      ['options null', () => new TransactionRepository(prisma, null as never), /^options: expected an object/],
      ['a typo', () => new TransactionRepository(prisma, { pgpool: {} } as never), /^options\.pgpool: is not a known option/],
      ['a numeric secret', () => new TransactionRepository(prisma, { cursorSecret: 12345678901234567890 } as never), /^options\.cursorSecret: expected a string/],
      ['a short secret', () => new TransactionRepository(prisma, { cursorSecret: 'short' }), /^cursorSecret: must be at least 16 bytes/],
      ['a pg.Client', () => new TransactionRepository(prisma, { pgPool: new pg.Client() as never }), /^options\.pgPool: .*a connection \(a pg\.Client\)/],
      ['a string pool', () => new TransactionRepository(prisma, { pgPool: 'postgres://x' as never }), /^options\.pgPool: expected the pg\.Pool/],
      ['preparedStatements not a boolean', () => new TransactionRepository(prisma, { preparedStatements: 'yes' as never }), /^options\.preparedStatements: expected true or false/],
      ['preparedStatements without a pool', () => new TransactionRepository(prisma, { preparedStatements: true }), /^options\.preparedStatements: prepares the statements read through pgPool, and no pgPool is given/],
    ];
    for (const [what, make, message] of refused) {
      expect(make, what).toThrow(ValidationError);
      expect(make, what).toThrow(message);
    }
  });

  it('accepts a pg.Pool (not connected until used) and a secret of 16 bytes', async () => {
    const pool = new pg.Pool({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' });
    try {
      expect(new TransactionRepository(prisma, { pgPool: pool, cursorSecret: 's'.repeat(16) })).toBeInstanceOf(TransactionRepository);
      expect(new TransactionRepository(prisma, { pgPool: pool, preparedStatements: true })).toBeInstanceOf(TransactionRepository);
      expect(new TransactionRepository(prisma, { preparedStatements: false })).toBeInstanceOf(TransactionRepository);
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('windowLedger checks each model\'s options when the extension is built', () => {
    const definition = { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' } as const;
    expect(() => windowLedger({ Transaction: { ...definition, options: { pgpool: {} } as never } })).toThrow(/windowLedger\.Transaction\.options\.pgpool: is not a known option/);
    expect(() => windowLedger({ Transaction: { ...definition, options: { pgPool: new pg.Client() as never } } })).toThrow(ValidationError);
    expect(() => windowLedger({ Transaction: { ...definition, options: { preparedStatements: true } } })).toThrow(/windowLedger\.Transaction\.options\.preparedStatements: prepares/);
    expect(windowLedger({ Transaction: { ...definition, options: { cursorSecret: 'x'.repeat(16) } } }).name).toBe('prisma-window-ledger');
  });

  it('windowLedger derives and checks each definition when the extension is built, not at the first call', () => {
    const definition = { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' } as const;
    const pool = new pg.Pool();
    // Unknown keys do not compile (OnlyKnownKeys), and a caller without types gets the same refusal at run time.
    // @ts-expect-error pgPool belongs in options
    expect(() => windowLedger({ Transaction: { ...definition, pgPool: pool } })).toThrow(/"pgPool" is not a key of Transaction's definition \(pgPool belongs in options: \{ pgPool \}\)/);
    // @ts-expect-error a misspelt key
    expect(() => windowLedger({ Transaction: { ...definition, partitonBy: 'accountId' } })).toThrow(WindowSpecError);
    // @ts-expect-error a model the schema does not have
    expect(() => windowLedger({ Transfer: definition })).toThrow(WindowSpecError);
    // A misspelt option beside a known one (which alone would satisfy TypeScript's weak-type check).
    // @ts-expect-error preparedStatement is not an option
    expect(() => windowLedger({ Transaction: { ...definition, options: { pgPool: pool, preparedStatement: true } } })).toThrow(/options\.preparedStatement: is not a known option/);
    // @ts-expect-error cursorSecert is not an option
    expect(() => windowLedger({ Transaction: { ...definition, options: { pgPool: pool, cursorSecert: 'x'.repeat(16) } } })).toThrow(ValidationError);
    expect(windowLedger({ Transaction: { ...definition, options: { pgPool: pool, preparedStatements: true } } }).name).toBe('prisma-window-ledger');
    expect(() => windowLedger({ Transaction: { ...definition, orderBy: 'amount' } as never })).toThrow(WindowSpecError);
    void pool.end();
  });
});

describe('retry callbacks', () => {
  const conflict = () => new SerializationFailureError('could not serialize access', '40001');

  it.each([
    ['retryOn', { retryOn: () => { throw new TypeError('bad predicate'); } }],
    ['onRetry', { onRetry: () => { throw new RangeError('metrics down'); } }],
    ['random', { random: () => { throw new Error('no entropy'); } }],
    ['sleep', { sleep: () => Promise.reject(new Error('timer gone')) }],
  ])('what %s throws ends the retries as an UnexpectedError naming it, with the thrown error as cause', async (name, options) => {
    let attempts = 0;
    const failure = await withRetry(async () => {
      attempts++;
      throw conflict();
    }, { sleep: async () => {}, ...options }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedError);
    expect((failure as Error).message).toMatch(new RegExp(`^retry\\.${name} threw: `));
    expect((failure as Error).cause).toBeInstanceOf(Error);
    // The serialization failure being retried is kept, in the message and as `during`.
    expect((failure as Error).message).toMatch(/\(while handling SerializationFailureError: could not serialize access\)$/);
    expect((failure as UnexpectedError).during).toBeInstanceOf(SerializationFailureError);
    expect(attempts).toBe(1);
  });

  it('a LedgerError thrown by a callback is passed on as it is', async () => {
    const own = new ValidationError('policy', 'refused by the application');
    await expect(withRetry(async () => { throw conflict(); }, { retryOn: () => { throw own; } })).rejects.toBe(own);
  });
});

describe('validator overrides', () => {
  const row = { accountId: 1, amount: '1.00', createdAt: new Date('2026-01-01T00:00:00Z') };

  it('what an override returns passes the derived check too, before any SQL', async () => {
    const Repository = defineRunningTotalRepository('Transaction', {
      partitionBy: 'accountId',
      orderBy: 'createdAt',
      amount: 'amount',
      requireRow: (path, value, derived) => ({ ...derived(path, value), createdAt: '2026-01-01' as never }),
      requireKey: (path, value, derived) => String(derived(path, value)) as never,
    });
    const { prisma, sent } = recordingPrisma();
    await expect(new Repository(prisma).insertMany([row])).rejects.toThrow(/^rows\[0\]\.createdAt: expected a Date/);
    await expect(new Repository(prisma).runningTotals({ partitions: [1] })).rejects.toThrow(/^options\.partitions\[0\]: .*integer/);
    expect(nothingSent(sent)).toBe(true);
  });

  it("an override's own exception is a ValidationError naming the value and the override, with the cause kept", async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'trim')");
    const Repository = defineRunningTotalRepository('Transaction', {
      partitionBy: 'accountId',
      orderBy: 'createdAt',
      amount: 'amount',
      requireBound: () => {
        throw bug;
      },
    });
    const { prisma, sent } = recordingPrisma();
    const failure = await new Repository(prisma).runningTotals({ from: new Date() }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as Error).message).toMatch(/^options\.from: the requireBound override threw: Cannot read properties/);
    expect((failure as Error).cause).toBe(bug);
    expect(nothingSent(sent)).toBe(true);
  });
});

describe('builder parts that are not parts', () => {
  const query = () => windowQuery('Transaction').select('id');
  const spec = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
  const total = windowFunctions('Transaction').runningTotal('amount');

  it.each<[string, () => unknown]>([
    ['add without an alias', () => query().add(undefined as never, total, spec)],
    ['add with a null function', () => query().add('t', null as never, spec)],
    ['add with a string window that is not declared', () => query().add('t', total, 'nope' as never)],
    ['add over null', () => query().add('t', total, null as never)],
    ['window without a name', () => query().window(null as never, spec)],
    ['window of a string', () => query().window('w', 'nope' as never)],
    ['where(null)', () => query().where(null as never)],
    ['where(undefined)', () => query().where(undefined as never)],
    ['where with an object that is not a condition', () => query().where({ model: 'Transaction', sql: 'TRUE' } as never)],
    ['topPerPartition over a number', () => query().topPerPartition(1, 42 as never)],
    ['selectExpr without an alias', () => query().selectExpr(null as never, null as never)],
    ['selectExactText without an alias', () => query().selectExactText(undefined as never, 'id')],
    ['queryOver(null)', () => queryOver(null as never)],
    ['queryOver of a plain object', () => queryOver({} as never)],
  ])('%s: WindowSpecError', (_, build) => {
    expect(build).toThrow(WindowSpecError);
  });

  it('a spec rendered with null options renders as with none', () => {
    expect(spec.toSql(null as never).text).toBe(spec.toSql().text);
    expect(spec.effectiveOrder(null as never)).toEqual(spec.effectiveOrder());
  });

  it('every refusal above is a LedgerError, so one catch handles them', () => {
    expect(() => query().where(null as never)).toThrow(LedgerError);
  });
});

describe('caller values that throw when read', () => {
  const throwing = () => {
    throw new RangeError('boom');
  };

  it('an option whose getter throws is that option\'s ValidationError, cause kept, before any SQL', async () => {
    const { prisma, sent } = recordingPrisma();
    const repo = new TransactionRepository(prisma);
    const failure = await repo.runningTotals({ get partitions(): number[] { return throwing(); } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure).toMatchObject({ path: 'options.partitions', message: 'options.partitions: could not be read: reading it threw RangeError: boom.' });
    expect((failure as Error).cause).toBeInstanceOf(RangeError);
    expect(nothingSent(sent)).toBe(true);
  });

  it.each(['unnest', 'createMany', 'copy'] as const)('a row whose field getter throws is that row\'s ValidationError (%s), before any SQL', async (strategy) => {
    const { prisma, sent } = recordingPrisma();
    const pgPool = new pg.Pool({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' });
    const repo = new TransactionRepository(prisma, { pgPool });
    const rows = [
      { accountId: 1, amount: '1.00', createdAt: new Date('2026-01-01T00:00:00Z') },
      { accountId: 1, createdAt: new Date('2026-01-01T00:00:00Z'), get amount(): string { return throwing(); } },
    ];
    const failure = await repo.insertMany(rows, { strategy }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure).toMatchObject({ path: 'rows[1].amount' });
    expect((failure as Error).cause).toBeInstanceOf(RangeError);
    expect(nothingSent(sent)).toBe(true);
    expect(pgPool.totalCount).toBe(0);
    await pgPool.end();
  });

  it('a bad key inside insertAndReport\'s report is named under options.report', async () => {
    const { prisma, sent } = recordingPrisma();
    const row = { accountId: 1, amount: '1.00', createdAt: new Date('2026-01-01T00:00:00Z') };
    const report = new TransactionRepository(prisma).insertAndReport([row], { report: { bogus: 1 } as never });
    await expect(report).rejects.toMatchObject({ path: 'options.report.bogus' });
    await expect(new TransactionRepository(prisma).insertAndReport([row], { report: { frame: 'window' } as never })).rejects.toMatchObject({ path: 'options.report.frame' });
    expect(nothingSent(sent)).toBe(true);
  });

  it.each<[string, (client: never) => Promise<unknown>]>([
    ['execute', (client) => windowQuery('Transaction').select('id').execute(client)],
    ['stream', async (client) => { for await (const _ of windowQuery('Transaction').select('id').stream(client)); }],
    ['page', (client) => windowQuery('Transaction').select('id').page(client, { limit: 1 })],
    ['explain', (client) => windowQuery('Transaction').select('id').explain(client)],
  ])('the builder\'s %s on something that is not a client: ValidationError naming it', async (_, run) => {
    for (const client of [null, undefined, {}, 'prisma']) {
      await expect(run(client as never)).rejects.toThrow(/^client: expected a PrismaClient or a transaction client/);
    }
  });
});
