/**
 * A ledger partitioned by an enum beside an integer (`(shard, currency)`, the `Currency` enum of a wallet app), as
 * an application's schema has it (registered at run time the way its generated catalog module registers it). The
 * enum lives in a schema of its own, its values are stored under other labels (`@map`), one holding a quote and a
 * backslash, and the database orders them otherwise than schema.prisma declares them (a migration added one at the
 * front). Keys are given and returned as the values' names; partitions come in PostgreSQL's order of the enum on
 * every path (reads, streams resumed across partitions, pages, bucket pages), so positions never skip or repeat
 * rows. The reference reads the table through plain `pg` with literal SQL and maps labels by a table of its own;
 * amounts are compared as integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PrismaClient } from '../../prisma/app/index.ts';
import { balanceCheckpointsSql, defineRunningTotalRepository, registerWindowCatalog, ValidationError, WindowSpecError, type ModelName } from '../../src/index.ts';
import { centsToString, stringToCents } from '../../scripts/lib/reference.ts';
import { catalogColumn, shardLedgerColumns } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const ODD_LABEL = "y'en \\";
// schema.prisma declares EUR, USD, JPY; the database orders them JPY, EUR, USD (see beforeAll).
const CURRENCY = { name: 'cur rency', schema: 'wallet_enums', values: { EUR: 'eur', USD: 'USD', JPY: ODD_LABEL } } as const;
// The reference's own map from stored label to name, written out rather than read from the catalog above.
const NAME_OF_LABEL: Record<string, string> = { eur: 'EUR', USD: 'USD', [ODD_LABEL]: 'JPY' };
const currency = () => catalogColumn('currency', 'Currency', { kind: 'enum', enum: CURRENCY });

registerWindowCatalog({
  WalletEntry: {
    name: 'WalletEntry',
    table: 'wallet_entries',
    schema: null,
    id: 'id',
    uniqueKeys: [['shard', 'currency', 'reference']],
    columns: { ...shardLedgerColumns(), currency: currency(), reference: catalogColumn('reference', 'String') },
  },
  WalletEntryCheckpoint: {
    name: 'WalletEntryCheckpoint',
    table: 'wallet_entry_checkpoints',
    schema: null,
    id: null,
    idScope: [],
    uniqueKeys: [['shard', 'currency', 'through']],
    columns: {
      shard: catalogColumn('shard', 'Int'),
      currency: currency(),
      through: catalogColumn('through', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
      balance: catalogColumn('balance', 'Decimal', { nativeType: ['Decimal', ['30', '2']] }),
    },
  },
  // The same table in a catalog generated before enums were bound: no `enum` entry.
  WalletEntryBefore: {
    name: 'WalletEntryBefore',
    table: 'wallet_entries',
    schema: null,
    id: 'id',
    columns: { ...shardLedgerColumns(), currency: catalogColumn('currency', 'Currency', { kind: 'enum' }) },
  },
});

// Not in this repository's schema: known at run time only, as in a test of an application's model.
const model = 'WalletEntry' as ModelName;
type Key = { shard: number; currency: string };
type Money = { toFixed(places: number): string };
interface Row { id: bigint; shard: number; currency: string; runningTotal: Money }
const definition = { partitionBy: ['shard', 'currency'], orderBy: 'at', amount: 'value', idempotencyKey: 'reference', checkpoints: 'WalletEntryCheckpoint' };
const Entries = defineRunningTotalRepository(model, definition as never) as unknown as new (
  db: PrismaClient,
  options?: object,
) => {
  insertMany(rows: readonly object[], options?: object): Promise<{ inserted: number; skipped: number; strategy: string }>;
  runningTotals(options?: object): Promise<Row[]>;
  page(options: object): Promise<{ rows: Row[]; nextCursor: string | null }>;
  streamRunningTotals(options?: object, stream?: object): AsyncIterable<Row>;
  bucketTotals(options: object): Promise<Array<{ key: Key; bucketStart: Date; sum: Money; runningTotal: Money }>>;
  pageBucketTotals(options: object): Promise<{ rows: Array<{ key: Key; bucketStart: Date; runningTotal: Money }>; nextCursor: string | null }>;
  balanceAsOf(options: object): Promise<Array<{ key: Key; balance: Money }>>;
  currentBalances(options?: object): Promise<Array<{ key: Key; balance: Money }>>;
  writeCheckpoints(options: object): Promise<{ written: number }>;
};

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const NAMES = ['EUR', 'USD', 'JPY'] as const;
const START = Date.UTC(2026, 2, 28, 22);
// 2 shards × 3 currencies, 90 rows over three days, microsecond instants (set after the insert), some equal.
const rows = Array.from({ length: 90 }, (_, i) => ({
  shard: i % 2,
  currency: NAMES[Math.floor(i / 2) % 3]!,
  at: new Date(START + Math.floor(i / 4) * 3 * 3_600_000),
  value: `${(i * 37) % 500 - 250}.${String((i * 13) % 100).padStart(2, '0')}`,
  reference: `ref-${i % 45}`,
}));

beforeAll(async () => {
  await pool().query(`CREATE SCHEMA wallet_enums`);
  await pool().query(`CREATE TYPE wallet_enums."cur rency" AS ENUM ('eur', 'USD'); ALTER TYPE wallet_enums."cur rency" ADD VALUE $$${ODD_LABEL}$$ BEFORE 'eur'`);
  await pool().query(`CREATE TABLE wallet_entries (
    id bigserial PRIMARY KEY, shard int NOT NULL, currency wallet_enums."cur rency" NOT NULL, at timestamptz(6) NOT NULL,
    value numeric(12, 2) NOT NULL, reference text NOT NULL, UNIQUE (shard, currency, reference))`);
  await pool().query('CREATE INDEX ON wallet_entries (shard, currency, at, id)');
  await pool().query(`CREATE TABLE wallet_entry_checkpoints (
    shard int NOT NULL, currency wallet_enums."cur rency" NOT NULL, through timestamptz(6) NOT NULL, balance numeric(30, 2) NOT NULL,
    PRIMARY KEY (shard, currency, through))`);
  await pool().query(balanceCheckpointsSql({ model, ...definition } as never));
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS wallet_entries, wallet_entry_checkpoints');
  await pool().query('DROP SCHEMA IF EXISTS wallet_enums CASCADE');
});

type Ref = [shard: number, currency: string, id: string, total: string];

/** The stored rows by plain SQL in PostgreSQL's order of the enum, names mapped by the table above, totals per key. */
async function reference(): Promise<Ref[]> {
  const { rows: stored } = await pool().query<{ id: string; shard: number; label: string; value: string }>(
    `SELECT id::text, shard, currency::text AS label, value::text FROM wallet_entries AS t ORDER BY t.shard, t.currency, t.at, t.id`,
  );
  const totals = new Map<string, bigint>();
  return stored.map((row) => {
    const key = `${row.shard}|${row.label}`;
    const total = (totals.get(key) ?? 0n) + stringToCents(row.value);
    totals.set(key, total);
    return [row.shard, NAME_OF_LABEL[row.label]!, row.id, centsToString(total)];
  });
}

const asRef = (r: Row): Ref => [r.shard, r.currency, String(r.id), r.runningTotal.toFixed(2)];
const lastTotals = (refs: readonly Ref[]) => [...new Map(refs.map((r) => [`${r[0]}|${r[1]}`, r])).values()].map((r): [Key, string] => [{ shard: r[0], currency: r[1] }, r[3]]);

describe('an enum partition field', () => {
  it('takes names, refuses a label or an unknown name before any SQL, and writes every strategy all-or-nothing', async () => {
    const repository = new Entries(db.prisma, { pgPool: pool() });
    for (const strategy of ['unnest', 'copy']) {
      await expect(repository.insertMany([rows[0]!, { ...rows[1], currency: 'eur' }], { strategy })).rejects.toThrow(ValidationError);
      await expect(repository.runningTotals({ partitions: [{ shard: 0, currency: 'GBP' }] })).rejects.toThrow(/partitions\[0\]\.currency: expected one of/);
    }
    const written = [
      await repository.insertMany(rows.slice(0, 44), { strategy: 'unnest' }),
      await repository.insertMany(rows.slice(44), { strategy: 'copy' }),
    ];
    expect(written.map((w) => [w.strategy, w.inserted])).toEqual([['unnest', 44], ['copy', 46]]);
    // The same reference in another currency is another key; a retried batch is skipped whole.
    for (const strategy of ['unnest', 'copy']) expect(await repository.insertMany(rows, { strategy })).toMatchObject({ inserted: 0, skipped: 90 });
    await pool().query(`UPDATE wallet_entries SET at = at + make_interval(secs => (id % 7) * 0.000001)`);
    expect((await reference()).length).toBe(90);
  });

  it('reads running totals per key, keys listed or not, equal to the reference on both paths', async () => {
    const expected = await reference();
    const listed = [{ shard: 1, currency: 'JPY' }, { shard: 0, currency: 'USD' }];
    for (const repository of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      expect((await repository.runningTotals()).map(asRef)).toEqual(expected);
      expect((await repository.runningTotals({ partitions: listed })).map(asRef)).toEqual(expected.filter((r) => (r[0] === 1 && r[1] === 'JPY') || (r[0] === 0 && r[1] === 'USD')));
      expect((await repository.runningTotals({ partitions: [listed[0]] })).map(asRef)).toEqual(expected.filter((r) => r[0] === 1 && r[1] === 'JPY'));
    }
  });

  it('streams across keys and walks pages of one key: every row once, in the reference order', async () => {
    const expected = await reference();
    for (const repository of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      for (const chunkSize of [1, 2, 14, 15, 16, 89, 90, 91]) {
        expect((await collect(repository.streamRunningTotals({}, { chunkSize }))).map(asRef), `chunk ${chunkSize}`).toEqual(expected);
      }
      const some = [{ shard: 1, currency: 'EUR' }, { shard: 0, currency: 'JPY' }];
      expect((await collect(repository.streamRunningTotals({ partitions: some }, { chunkSize: 4 }))).map(asRef)).toEqual(
        expected.filter((r) => (r[0] === 1 && r[1] === 'EUR') || (r[0] === 0 && r[1] === 'JPY')),
      );
      const walked: Ref[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 40; pages++) {
        const page: { rows: Row[]; nextCursor: string | null } = await repository.page({ partition: { shard: 1, currency: 'JPY' }, limit: 4, ...(after !== null && { after }) });
        walked.push(...page.rows.map(asRef));
        after = page.nextCursor;
        if (after === null) break;
      }
      expect(walked).toEqual(expected.filter((r) => r[0] === 1 && r[1] === 'JPY'));
    }
  });

  it('buckets per key with the key as names, in pages resumed after an enum position, and balances from checkpoints', async () => {
    const expected = await reference();
    const repository = new Entries(db.prisma, { pgPool: pool() });
    const range = { bucket: 'day', timeZone: 'Europe/Berlin', from: new Date(START - 86_400_000), to: new Date(START + 4 * 86_400_000) };
    const days = await repository.bucketTotals(range);
    // The last day of each key carries its last running total; keys come in the database's order of the enum.
    const lastDay = new Map(days.map((d) => [`${d.key.shard}|${d.key.currency}`, d]));
    expect([...lastDay.values()].map((d): [Key, string] => [d.key, d.runningTotal.toFixed(2)])).toEqual(lastTotals(expected));
    expect(new Set(days.map((d) => d.key.currency))).toEqual(new Set(NAMES));
    const paged: Array<{ key: Key; bucketStart: Date; runningTotal: Money }> = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: Awaited<ReturnType<InstanceType<typeof Entries>['pageBucketTotals']>> = await repository.pageBucketTotals({ ...range, limit: 5, ...(after !== null && { after }) });
      paged.push(...page.rows);
      after = page.nextCursor;
      if (after === null) break;
    }
    expect(paged.map((d) => [d.key, d.bucketStart.getTime(), d.runningTotal.toFixed(2)])).toEqual(days.map((d) => [d.key, d.bucketStart.getTime(), d.runningTotal.toFixed(2)]));

    const through = new Date(START + 86_400_000);
    const { rows: before } = await pool().query<{ shard: number; label: string; cents: string }>(
      `SELECT shard, currency::text AS label, (sum(value) * 100)::bigint::text AS cents FROM wallet_entries WHERE at <= $1 GROUP BY shard, currency ORDER BY shard, currency`,
      [through],
    );
    const asOf = (b: { key: Key; balance: Money }): [Key, string] => [b.key, b.balance.toFixed(2)];
    const expectedAsOf = before.map((b): [Key, string] => [{ shard: b.shard, currency: NAME_OF_LABEL[b.label]! }, centsToString(BigInt(b.cents))]);
    expect((await repository.balanceAsOf({ at: through })).map(asOf)).toEqual(expectedAsOf);
    expect((await repository.writeCheckpoints({ through })).written).toBe(6);
    const { rows: stored } = await pool().query<{ label: string }>('SELECT DISTINCT currency::text AS label FROM wallet_entry_checkpoints ORDER BY 1');
    expect(stored.map((s) => NAME_OF_LABEL[s.label]).sort()).toEqual([...NAMES].sort());
    const keys = [{ shard: 0, currency: 'JPY' }, { shard: 1, currency: 'EUR' }];
    expect((await repository.balanceAsOf({ at: through, partitions: keys })).map(asOf)).toEqual(expectedAsOf.filter(([k]) => keys.some((key) => key.shard === k.shard && key.currency === k.currency)));
    expect((await repository.currentBalances({ partitions: keys })).map(asOf)).toEqual(lastTotals(expected).filter(([k]) => keys.some((key) => key.shard === k.shard && key.currency === k.currency)));
    // A later write the trigger sees reaches back before `through`: that key's checkpoint goes, its balance stays exact.
    await pool().query(`INSERT INTO wallet_entries (shard, currency, at, value, reference) VALUES (0, $$${ODD_LABEL}$$, $1, 1.01, 'late')`, [new Date(START)]);
    const [late] = await repository.balanceAsOf({ at: through, partitions: [keys[0]] });
    expect(asOf(late!)).toEqual([keys[0], centsToString(BigInt(before.find((b) => b.shard === 0 && b.label === ODD_LABEL)!.cents) + 101n)]);
  });

  it('needs the enum recorded in the catalog to partition by it', () => {
    const Before = defineRunningTotalRepository('WalletEntryBefore' as ModelName, { partitionBy: ['shard', 'currency'], orderBy: 'at', amount: 'value' } as never);
    expect(() => new Before(db.prisma)).toThrow(WindowSpecError);
    expect(() => new Before(db.prisma)).toThrow(/run `prisma generate`/);
  });
});
