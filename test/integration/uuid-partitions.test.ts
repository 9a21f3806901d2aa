/**
 * A model partitioned by a `String @db.Uuid` field, as an application's schema has it (registered at run time the
 * way its generated catalog module registers it): every write strategy, reads on both paths, pages, streams,
 * buckets and the builder take UUIDs in either case, bind them as `uuid` and return them in lower case, the text
 * PostgreSQL prints. The reference reads the table through plain `pg`, amounts as integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '../../prisma/app/index.ts';
import {
  conditions,
  defineRunningTotalRepository,
  groupedQuery,
  queryOver,
  registerWindowCatalog,
  ValidationError,
  WindowSpecError,
  windowQuery,
  windowSpec,
  windowFunctions,
  type ModelName,
} from '../../src/index.ts';
import { catalogColumn } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { useTestPool } from '../support/pg-pool.ts';

registerWindowCatalog({
  WalletTransfer: {
    name: 'WalletTransfer',
    table: 'wallet_transfers',
    schema: null,
    id: 'id',
    columns: {
      id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
      walletId: catalogColumn('wallet_id', 'String', { nativeType: ['Uuid', []] }),
      amount: catalogColumn('amount', 'Decimal', { nativeType: ['Decimal', ['12', '2']] }),
      at: catalogColumn('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
      reference: catalogColumn('reference', 'String', { nullable: true, unique: true, nativeType: ['Uuid', []] }),
    },
  },
  Wallet: {
    name: 'Wallet',
    table: 'wallets',
    schema: null,
    id: 'id',
    columns: {
      id: catalogColumn('id', 'String', { isId: true, unique: true, nativeType: ['Uuid', []] }),
      owner: catalogColumn('owner', 'String', { nativeType: ['Text', []] }),
    },
  },
});

// Not in this repository's schema: known at run time only, as in a test of an application's model.
const model = 'WalletTransfer' as ModelName;
type Key = string;
interface Row { id: bigint; walletId: string; amount: { toFixed(places: number): string }; at: Date; runningTotal: { toFixed(places: number): string } }
const Transfers = defineRunningTotalRepository(model, { partitionBy: 'walletId', orderBy: 'at', amount: 'amount' } as never) as unknown as new (
  db: PrismaClient,
  options?: object,
) => {
  insertMany(rows: readonly object[], options?: object): Promise<{ inserted: number; skipped: number; strategy: string }>;
  runningTotals(options: object): Promise<Row[]>;
  page(options: object): Promise<{ rows: Row[]; nextCursor: string | null }>;
  streamRunningTotals(options: object, stream?: object): AsyncIterable<Row>;
  bucketTotals(options: object): Promise<Array<{ key: Key; count: bigint; runningTotal: { toFixed(places: number): string } }>>;
  balanceAsOf(options: object): Promise<Array<{ key: Key; balance: { toFixed(places: number): string } }>>;
};

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const WALLETS = ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '00000000-0000-0000-0000-000000000001', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];
const lower = WALLETS.map((w) => w.toLowerCase());
const cents = (text: string) => BigInt(text.replace('.', ''));
const centsText = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

// 3 wallets × 40 rows, microsecond instants, some equal (the id breaks the tie); every write strategy.
const rows = Array.from({ length: 120 }, (_, i) => ({
  walletId: WALLETS[i % 3]!,
  amount: `${(i * 37) % 500 - 250}.${String((i * 13) % 100).padStart(2, '0')}`,
  at: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 6) * 3_600_000),
  reference: `${String(i).padStart(8, '0')}-AAAA-4AAA-8AAA-${String(i).padStart(12, '0')}`,
}));

beforeAll(async () => {
  await pool().query(`CREATE TABLE wallet_transfers (
    id bigserial PRIMARY KEY, wallet_id uuid NOT NULL, amount numeric(12, 2) NOT NULL, at timestamptz(6) NOT NULL, reference uuid UNIQUE)`);
  await pool().query('CREATE INDEX ON wallet_transfers (wallet_id, at, id)');
  await pool().query(`CREATE TABLE wallets (id uuid PRIMARY KEY, owner text NOT NULL)`);
  await pool().query(`INSERT INTO wallets VALUES ($1, 'Ada'), ($2, 'Grace'), ($3, 'Edsger')`, WALLETS);
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS wallet_transfers, wallets');
});

/** Per wallet (lower case), the running totals in (at, id) order, from the stored rows. */
async function reference(): Promise<Map<string, Array<[string, string]>>> {
  const { rows: stored } = await pool().query<{ id: string; wallet: string; amount: string }>(
    `SELECT id::text, wallet_id::text AS wallet, amount::text FROM wallet_transfers AS t ORDER BY t.wallet_id, t.at, t.id`,
  );
  const byWallet = new Map<string, Array<[string, string]>>();
  const totals = new Map<string, bigint>();
  for (const row of stored) {
    const total = (totals.get(row.wallet) ?? 0n) + cents(row.amount);
    totals.set(row.wallet, total);
    byWallet.set(row.wallet, [...(byWallet.get(row.wallet) ?? []), [row.id, centsText(total)]]);
  }
  return byWallet;
}

describe('a String @db.Uuid partition field', () => {
  // `createMany` is Prisma's own write, which needs the model in the generated client: not this run-time model.
  it('is written by unnest and by COPY, normalised to lower case; a retry in the other case is the same key', async () => {
    const repository = new Transfers(db.prisma, { pgPool: pool() });
    const written = [
      await repository.insertMany(rows.slice(0, 70), { strategy: 'unnest' }),
      await repository.insertMany(rows.slice(70), { strategy: 'copy' }),
    ];
    expect(written.map((w) => [w.strategy, w.inserted])).toEqual([['unnest', 70], ['copy', 50]]);
    const retried = await repository.insertMany(rows.map((row) => ({ ...row, reference: row.reference.toLowerCase() })), { strategy: 'unnest' });
    expect([retried.inserted, retried.skipped]).toEqual([0, 120]);
    const { rows: stored } = await pool().query<{ wallet: string; n: string }>('SELECT wallet_id::text AS wallet, count(*)::text AS n FROM wallet_transfers GROUP BY 1 ORDER BY 1');
    expect(stored).toEqual([...lower].sort().map((wallet) => ({ wallet, n: '40' })));
  });

  it('reads running totals equal to the reference, through Prisma and the pgPool, keys in either case', async () => {
    const expected = await reference();
    for (const repository of [new Transfers(db.prisma), new Transfers(db.prisma, { pgPool: pool() })]) {
      const read = await repository.runningTotals({ partitions: [WALLETS[0], lower[1]] });
      for (const wallet of [lower[0]!, lower[1]!]) {
        expect(read.filter((r) => r.walletId === wallet).map((r) => [String(r.id), r.runningTotal.toFixed(2)])).toEqual(expected.get(wallet));
      }
      expect(read).toHaveLength(80);
    }
  });

  it('pages and streams the same rows, in one partition and across all', async () => {
    const expected = await reference();
    const repository = new Transfers(db.prisma, { pgPool: pool() });
    const walked: Array<[string, string]> = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page: { rows: Row[]; nextCursor: string | null } = await repository.page({ partition: WALLETS[0], limit: 7, after: after ?? undefined });
      walked.push(...page.rows.map((r): [string, string] => [String(r.id), r.runningTotal.toFixed(2)]));
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(walked).toEqual(expected.get(lower[0]!));
    for (const reader of [new Transfers(db.prisma), repository]) {
      const streamed: Array<[string, string, string]> = [];
      for await (const r of reader.streamRunningTotals({ partitions: WALLETS }, { chunkSize: 11 })) streamed.push([r.walletId, String(r.id), r.runningTotal.toFixed(2)]);
      expect(streamed).toEqual([...lower].sort().flatMap((wallet) => expected.get(wallet)!.map(([id, total]): [string, string, string] => [wallet, id, total])));
    }
  });

  it('buckets and balances per wallet; the builder filters and partitions by the uuid', async () => {
    const expected = await reference();
    const repository = new Transfers(db.prisma);
    const days = await repository.bucketTotals({ partitions: WALLETS, bucket: 'day', from: new Date('2026-01-01T00:00Z'), to: new Date('2026-01-02T00:00Z') });
    expect(days.map((d) => [d.key, Number(d.count), d.runningTotal.toFixed(2)])).toEqual(
      [...lower].sort().map((wallet) => [wallet, 40, expected.get(wallet)!.at(-1)![1]]),
    );
    const balances = await repository.balanceAsOf({ partitions: [WALLETS[2]], at: new Date('2027-01-01T00:00Z') });
    expect(balances.map((b) => [b.key, b.balance.toFixed(2)])).toEqual([[lower[2], expected.get(lower[2]!)!.at(-1)![1]]]);

    const built = (await windowQuery(model)
      .select('id' as never, 'walletId' as never)
      .where(conditions(model).in('walletId' as never, [WALLETS[1]] as never), conditions(model).compare('walletId' as never, '=', WALLETS[1] as never))
      .add('total', windowFunctions(model).runningTotal('amount' as never), windowSpec(model).partitionBy('walletId' as never).orderBy('at' as never))
      .execute(db.prisma)) as unknown as Array<{ id: bigint; walletId: string; total: { toFixed(places: number): string } }>;
    expect(built.map((r) => [String(r.id), r.total.toFixed(2)])).toEqual(expected.get(lower[1]!));
    expect(new Set(built.map((r) => r.walletId))).toEqual(new Set([lower[1]]));
  });

  it('groups by the uuid and joins another model on it, equal to plain SQL; a uuid meets only a uuid', async () => {
    const wallet = 'Wallet' as ModelName;
    const byWallet = groupedQuery(model)
      .groupBy('walletId' as never)
      .aggregate('total', windowFunctions(model).sum('amount' as never));
    const wallets = byWallet.overGroups().orderBy(byWallet.column('walletId' as never) as never);
    const grouped = (await byWallet
      .add('position', windowFunctions(model).rowNumber(), wallets)
      .execute(db.prisma)) as unknown as Array<{ walletId: string; total: { toFixed(places: number): string }; position: bigint }>;
    expect(grouped.map((g) => [g.walletId, Number(g.position)])).toEqual([...lower].sort().map((w, i) => [w, i + 1]));
    const withWallet = windowQuery(model).join(wallet, { walletId: 'id' } as never);
    const joined = (await withWallet
      .select('id' as never)
      .selectExpr('owner', withWallet.joinedField(wallet, 'owner' as never) as never)
      .execute(db.prisma)) as unknown as Array<{ id: bigint; owner: string }>;
    const { rows: sums } = await pool().query<{ wallet: string; total: string }>(
      'SELECT wallet_id::text AS wallet, sum(amount)::text AS total FROM wallet_transfers GROUP BY 1 ORDER BY 1',
    );
    expect(grouped.map((g) => [g.walletId, g.total.toFixed(2)]).sort()).toEqual(sums.map((r) => [r.wallet, r.total]));
    const { rows: owners } = await pool().query<{ key: string; owner: string }>(
      'SELECT t.id::text AS key, w.owner FROM wallet_transfers t JOIN wallets w ON w.id = t.wallet_id ORDER BY 1',
    );
    expect(joined.map((r) => [String(r.id), r.owner]).sort()).toEqual(owners.map((r) => [r.key, r.owner]).sort());
    expect(joined).toHaveLength(rows.length);
    expect(() => windowQuery(model).join(wallet, { amount: 'id' } as never)).toThrow(/\(numeric\) and Wallet\.id \(uuid\) cannot be compared/);
  });

  it("filters a query's uuid output (whereResult) and orders windows over another query's uuid column (queryOver)", async () => {
    const f = windowFunctions(model);
    const perWallet = windowSpec(model).partitionBy('walletId' as never).orderBy('at' as never);
    const balances = windowQuery(model)
      .select('id' as never, 'walletId' as never)
      .add('balance', f.runningTotal('amount' as never), perWallet as never);
    // Upper case in, bound as a uuid: the same rows as plain SQL.
    const filtered = (await balances.whereResult('walletId' as never, '=', WALLETS[0] as never).execute(db.prisma)) as unknown as Array<{ id: bigint }>;
    const { rows: expected } = await pool().query<{ row_id: string }>('SELECT id::text AS row_id FROM wallet_transfers WHERE wallet_id = $1::uuid ORDER BY at, id', [lower[0]]);
    expect(filtered.map((r) => String(r.id))).toEqual(expected.map((r) => r.row_id));
    expect(() => balances.whereResult('walletId' as never, '=', 'not-a-uuid' as never).toSql()).toThrow(ValidationError);

    const q = queryOver(balances);
    const ranked = (await q
      .add('walletRank', f.denseRank(), q.overRows().orderBy(q.column('walletId' as never) as never))
      .execute(db.prisma)) as unknown as Array<{ walletId: string; walletRank: bigint }>;
    const { rows: ranks } = await pool().query<{ wallet: string; rank: string }>(
      'SELECT DISTINCT wallet_id::text AS wallet, dense_rank() OVER (ORDER BY wallet_id)::text AS rank FROM wallet_transfers ORDER BY 1',
    );
    expect([...new Map(ranked.map((r) => [r.walletId, String(r.walletRank)]))].sort()).toEqual(ranks.map((r) => [r.wallet, r.rank]));
  });

  it('a uuid passed through by lag, lead, firstValue, lastValue and nthValue is filtered and ordered as a uuid', async () => {
    const f = windowFunctions(model);
    const inTime = windowSpec(model).orderBy('at' as never);
    const perWallet = windowSpec(model).partitionBy('walletId' as never).orderBy('at' as never);
    const whole = perWallet.rows('UNBOUNDED PRECEDING', 'UNBOUNDED FOLLOWING');
    const passed = windowQuery(model)
      .select('id' as never, 'walletId' as never)
      .add('previousWallet', f.lag('walletId' as never), inTime as never)
      .add('nextWallet', f.lead('walletId' as never), inTime as never)
      .add('firstReference', f.firstValue('reference' as never), perWallet as never)
      .add('lastReference', f.lastValue('reference' as never), whole as never)
      .add('secondReference', f.nthValue('reference' as never, 2), whole as never);
    const { rows: expected } = await pool().query<{ row_id: string; previous: string | null; first: string; second: string | null }>(
      `SELECT id::text AS row_id, lag(wallet_id) OVER (ORDER BY at, id)::text AS previous,
              first_value(reference) OVER (PARTITION BY wallet_id ORDER BY at, id)::text AS first,
              nth_value(reference, 2) OVER (PARTITION BY wallet_id ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)::text AS second
       FROM wallet_transfers ORDER BY id`,
    );
    const byId = new Map(expected.map((r) => [r.row_id, r]));
    // Upper case in, bound as a uuid: the rows whose previous row (in time) is of wallet 0.
    const afterFirst = (await passed.whereResult('previousWallet' as never, '=', WALLETS[0] as never).execute(db.prisma)) as unknown as Array<{ id: bigint }>;
    expect(afterFirst.map((r) => String(r.id)).sort()).toEqual(expected.filter((r) => r.previous === lower[0]).map((r) => r.row_id).sort());
    expect(afterFirst.length).toBeGreaterThan(0);
    for (const alias of ['previousWallet', 'nextWallet', 'firstReference', 'lastReference', 'secondReference']) {
      expect(() => passed.whereResult(alias as never, '=', 'not-a-uuid' as never).toSql(), alias).toThrow(ValidationError);
    }
    const seconds = (await passed.whereResult('secondReference' as never, '>', rows[1]!.reference as never).execute(db.prisma)) as unknown as Array<{ id: bigint }>;
    expect(seconds.map((r) => String(r.id)).sort()).toEqual(expected.filter((r) => r.second !== null && r.second > rows[1]!.reference.toLowerCase()).map((r) => r.row_id).sort());

    // Over those rows: partitioned by the first reference (one per wallet) and ranked by it, as plain SQL does.
    const q = queryOver(passed);
    const ranked = (await q
      .add('n', f.rowNumber(), q.overRows().partitionBy(q.column('firstReference' as never) as never).orderBy(q.column('id' as never) as never))
      .add('rank', f.denseRank(), q.overRows().orderBy(q.column('firstReference' as never) as never))
      .execute(db.prisma)) as unknown as Array<{ id: bigint; firstReference: string; n: bigint; rank: bigint }>;
    expect(ranked).toHaveLength(rows.length);
    const firsts = [...new Set(expected.map((r) => r.first))].sort();
    for (const row of ranked) {
      expect(row.firstReference).toBe(byId.get(String(row.id))!.first);
      expect(String(row.rank)).toBe(String(firsts.indexOf(row.firstReference) + 1));
    }
    expect(ranked.filter((r) => r.n === 1n)).toHaveLength(3);

  });

  it("a joined model's uuid field orders pages and filters results as a uuid", async () => {
    const wallet = 'Wallet' as ModelName;
    const joined = windowQuery(model).join(wallet, { walletId: 'id' } as never);
    const walletKey = joined.joinedField(wallet, 'id' as never);
    const byWallet = joined
      .select('id' as never)
      .selectExpr('walletKey', walletKey as never)
      .orderBy(walletKey as never, 'desc');
    const everyRow = (await byWallet.execute(db.prisma)) as unknown as Array<{ id: bigint; walletKey: string }>;
    const { rows: expected } = await pool().query<{ row_id: string }>('SELECT t.id::text AS row_id FROM wallet_transfers t JOIN wallets w ON w.id = t.wallet_id ORDER BY w.id DESC, t.id DESC');
    expect(everyRow.map((r) => String(r.id))).toEqual(expected.map((r) => r.row_id));
    const walked: bigint[] = [];
    let after: string | null | undefined;
    do {
      const page = (await byWallet.page(db.prisma, { limit: 7, after })) as unknown as { rows: Array<{ id: bigint }>; nextCursor: string | null };
      walked.push(...page.rows.map((r) => r.id));
      after = page.nextCursor;
    } while (after);
    expect(walked).toEqual(everyRow.map((r) => r.id));
    const one = (await byWallet.whereResult('walletKey' as never, '=', WALLETS[2] as never).execute(db.prisma)) as unknown as Array<{ walletKey: string }>;
    expect(one.length).toBe(rows.filter((r) => r.walletId === WALLETS[2]).length);
    expect(new Set(one.map((r) => r.walletKey))).toEqual(new Set([lower[2]]));

    // lag of the joined uuid, with a uuid default (upper case in): filtered as a uuid; min / max refused before SQL.
    const f = windowFunctions(model);
    const inTime = windowSpec(model).orderBy('at' as never);
    const lagged = joined.select('id' as never).add('previousWallet', f.lag(walletKey as never, { default: WALLETS[1] as never }), inTime as never);
    const { rows: previous } = await pool().query<{ row_id: string; previous: string }>(
      `SELECT t.id::text AS row_id, lag(w.id, 1, $1::uuid) OVER (ORDER BY t.at, t.id)::text AS previous FROM wallet_transfers t JOIN wallets w ON w.id = t.wallet_id`,
      [lower[1]],
    );
    const defaulted = (await lagged.whereResult('previousWallet' as never, '=', lower[1] as never).execute(db.prisma)) as unknown as Array<{ id: bigint }>;
    expect(defaulted.map((r) => String(r.id)).sort()).toEqual(previous.filter((r) => r.previous === lower[1]).map((r) => r.row_id).sort());
    expect(() => f.lag(walletKey as never, { default: 'not-a-uuid' as never })).toThrow(ValidationError);
    expect(() => f.lead('walletId' as never, { default: 'not-a-uuid' as never })).toThrow(ValidationError);
    expect(() => f.min(walletKey as never)).toThrow(WindowSpecError);
  });

  it('min and max of a uuid are refused before any SQL: PostgreSQL has neither', () => {
    const f = windowFunctions(model);
    expect(() => f.max('walletId' as never)).toThrow(/max\(walletId\): a uuid has no max in PostgreSQL/);
    expect(() => f.min('reference' as never)).toThrow(WindowSpecError);
  });

  it('refuses text that is not a UUID with ValidationError, before any SQL', async () => {
    const repository = new Transfers(db.prisma);
    for (const bad of ['not-a-uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 7]) {
      await expect(repository.runningTotals({ partitions: [bad] }), String(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(repository.insertMany([{ ...rows[0], walletId: bad }]), String(bad)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});
