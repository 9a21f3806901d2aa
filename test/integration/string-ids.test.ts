/**
 * Models whose `@id` is a string, as many Prisma schemas have it: `String @id @db.Uuid @default(uuid())` and a
 * plain `String @id` (codes the application gives). The id is every order's tiebreaker, so it is also the last
 * value of every keyset position: pages (repository and builder) and streams must bind it back as the stored
 * value, whatever its type. Many rows share an instant, so the id decides their order. The reference reads the
 * stored rows through plain `pg` in the order PostgreSQL sorts them, amounts as integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '../../prisma/app/index.ts';
import { defineRunningTotalRepository, registerWindowCatalog, windowFunctions, windowQuery, windowSpec, type ModelName } from '../../src/index.ts';
import { catalogColumn } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { useTestPool } from '../support/pg-pool.ts';

const MODELS = {
  UuidTransfer: { table: 'uuid_transfers', idType: 'uuid', id: catalogColumn('id', 'String', { isId: true, unique: true, nativeType: ['Uuid', []], default: { function: 'uuid', args: [] } }) },
  CodedTransfer: { table: 'coded_transfers', idType: 'text', id: catalogColumn('id', 'String', { isId: true, unique: true }) },
} as const;

registerWindowCatalog(
  Object.fromEntries(
    Object.entries(MODELS).map(([name, { table, id }]) => [
      name,
      {
        name,
        table,
        schema: null,
        id: 'id',
        columns: {
          id,
          account: catalogColumn('account', 'Int'),
          amount: catalogColumn('amount', 'Decimal', { nativeType: ['Decimal', ['12', '2']] }),
          at: catalogColumn('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
        },
      },
    ]),
  ),
);

interface Row { id: string; account: number; runningTotal: { toFixed(places: number): string } }
interface Repository {
  insertMany(rows: readonly object[], options?: object): Promise<{ inserted: number }>;
  runningTotals(options: object): Promise<Row[]>;
  page(options: object): Promise<{ rows: Row[]; nextCursor: string | null }>;
  streamRunningTotals(options: object, stream?: object): AsyncIterable<Row>;
}

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const cents = (text: string) => BigInt(text.replace('.', ''));
const centsText = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

// 2 accounts × 23 rows; six rows share each millisecond, and after the insert some move 1 µs later (by their id's
// last character), so positions differ in microseconds and ids still order most ties.
const ROWS = 46;
const rowsFor = (model: keyof typeof MODELS) =>
  Array.from({ length: ROWS }, (_, i) => ({
    ...(model === 'CodedTransfer' && { id: `code-${(i * 7919) % 1000}-${i % 3 === 0 ? 'Z' : 'a'}` }),
    account: i % 2,
    amount: `${((i * 37) % 500) - 250}.${String((i * 13) % 100).padStart(2, '0')}`,
    at: new Date(Date.UTC(2026, 2, 29, 0, 59, 59, 990) + Math.floor(i / 6)),
  }));

/** Per account, `[id, running total]` in PostgreSQL's (account, at, id) order, from the stored rows. */
async function reference(table: string): Promise<Map<number, Array<[string, string]>>> {
  const { rows } = await pool().query<{ id: string; account: number; amount: string }>(
    `SELECT id::text AS id, account, amount::text AS amount FROM ${table} ORDER BY account, at, id`,
  );
  const byAccount = new Map<number, Array<[string, string]>>();
  const totals = new Map<number, bigint>();
  for (const row of rows) {
    const total = (totals.get(row.account) ?? 0n) + cents(row.amount);
    totals.set(row.account, total);
    byAccount.set(row.account, [...(byAccount.get(row.account) ?? []), [row.id, centsText(total)]]);
  }
  return byAccount;
}

/** `[id, running total]` over every row in PostgreSQL's (at, id) order: the global total. */
async function globalReference(table: string): Promise<Array<[string, string]>> {
  const { rows } = await pool().query<{ id: string; amount: string }>(`SELECT id::text AS id, amount::text AS amount FROM ${table} ORDER BY at, id`);
  let total = 0n;
  return rows.map((row): [string, string] => [row.id, centsText((total += cents(row.amount)))]);
}

beforeAll(async () => {
  for (const { table, idType } of Object.values(MODELS)) {
    await pool().query(`CREATE TABLE ${table} (id ${idType} PRIMARY KEY, account int4 NOT NULL, amount numeric(12, 2) NOT NULL, at timestamptz(6) NOT NULL)`);
    await pool().query(`CREATE INDEX ON ${table} (account, at, id)`);
  }
});
afterAll(async () => {
  for (const { table } of Object.values(MODELS)) await pool().query(`DROP TABLE IF EXISTS ${table}`);
});

describe.each(Object.entries(MODELS))('a model whose id is a string: %s', (name, { table }) => {
  const model = name as ModelName;
  const Repo = defineRunningTotalRepository(model, { partitionBy: 'account', orderBy: 'at', amount: 'amount' } as never) as unknown as new (
    db: PrismaClient,
    options?: object,
  ) => Repository;

  it('is written by unnest and COPY (a uuid id from its default), and read equal to the reference', async () => {
    const rows = rowsFor(name as keyof typeof MODELS);
    const repository = new Repo(db.prisma, { pgPool: pool() });
    await repository.insertMany(rows.slice(0, 20), { strategy: 'unnest' });
    await repository.insertMany(rows.slice(20), { strategy: 'copy' });
    await pool().query(`UPDATE ${table} SET at = at + interval '1 microsecond' * (ascii(right(id::text, 1)) % 2)`);
    const expected = await reference(table);
    const read = await new Repo(db.prisma).runningTotals({ partitions: [0, 1] });
    expect(read.map((r) => [r.id, r.runningTotal.toFixed(2)])).toEqual([...expected.get(0)!, ...expected.get(1)!]);
  });

  it.each([1, 2, 5, 22, 23, 24])('pages of %i rows walk every row once, per account and across all, on both paths', async (limit) => {
    const expected = await reference(table);
    for (const repository of [new Repo(db.prisma), new Repo(db.prisma, { pgPool: pool() })]) {
      for (const partition of [0, 1, undefined]) {
        const walked: Array<[string, string]> = [];
        let after: string | undefined;
        for (let pages = 0; pages <= ROWS; pages++) {
          const page = await repository.page({ ...(partition !== undefined && { partition }), limit, ...(after !== undefined && { after }) });
          walked.push(...page.rows.map((r): [string, string] => [r.id, r.runningTotal.toFixed(2)]));
          if (page.nextCursor === null) break;
          after = page.nextCursor;
        }
        expect(walked, `account ${partition ?? 'all'}`).toEqual(partition === undefined ? await globalReference(table) : expected.get(partition));
      }
    }
  });

  it('streams in chunks that resume after a string id', async () => {
    const expected = await reference(table);
    for (const repository of [new Repo(db.prisma), new Repo(db.prisma, { pgPool: pool() })]) {
      const streamed: Array<[string, string]> = [];
      for await (const r of repository.streamRunningTotals({ partitions: [0, 1] }, { chunkSize: 5 })) streamed.push([r.id, r.runningTotal.toFixed(2)]);
      expect(streamed).toEqual([...expected.get(0)!, ...expected.get(1)!]);
    }
  });

  it("the builder's page() walks what execute() returns", async () => {
    const query = windowQuery(model)
      .select('id' as never, 'account' as never)
      .add('total', windowFunctions(model).runningTotal('amount' as never), windowSpec(model).partitionBy('account' as never).orderBy('at' as never));
    const all = (await query.execute(db.prisma)) as unknown as Array<{ id: string; total: { toFixed(places: number): string } }>;
    const walked: typeof all = [];
    let after: string | null = null;
    for (let pages = 0; pages <= ROWS; pages++) {
      const page = (await query.page(db.prisma, { limit: 4, after })) as unknown as { rows: typeof all; nextCursor: string | null };
      walked.push(...page.rows);
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(walked.map((r) => [r.id, r.total.toFixed(2)])).toEqual(all.map((r) => [r.id, r.total.toFixed(2)]));
    expect(all).toHaveLength(ROWS);
  });
});
