/**
 * A model with enum columns, as an application's schema has them (registered at run time the way its generated
 * catalog module registers it): the enum lives in a schema of its own (`@@schema`), is renamed (`@@map`), and some
 * of its values are stored under other labels (`@map`), one holding a quote, a backslash and a space. Conditions
 * and inserts take the values' names, as Prisma's client does, bind the stored labels, and rows come back with
 * the names on both read paths. The reference reads the table through plain `pg` with literal SQL and maps the
 * labels by a table of its own; amounts are compared as integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PrismaClient } from '../../prisma/app/index.ts';
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
import { centsToString, stringToCents } from '../../scripts/lib/reference.ts';
import { catalogColumn, shardLedgerColumns } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const WEIRD_LABEL = "fee 'n' \\ charge";
const KIND = { name: 'entry kind', schema: 'ledger_enums', values: { CREDIT: 'credit', DEBIT: 'DEBIT', FEE: WEIRD_LABEL } } as const;
// The reference's own map from stored label to name, written out rather than read from the catalog above.
const NAME_OF_LABEL: Record<string, string> = { credit: 'CREDIT', DEBIT: 'DEBIT', [WEIRD_LABEL]: 'FEE' };

registerWindowCatalog({
  KindedEntry: {
    name: 'KindedEntry',
    table: 'kinded_entries',
    schema: null,
    id: 'id',
    columns: {
      ...shardLedgerColumns(),
      kind: catalogColumn('kind', 'EntryKind', { kind: 'enum', enum: KIND }),
      prior: catalogColumn('prior', 'EntryKind', { kind: 'enum', nullable: true, enum: KIND }),
      reference: catalogColumn('reference', 'String', { nullable: true, unique: true }),
    },
  },
  // The same table with its enum list column, which the bulk insert does not write (a list): read only.
  KindedEntryTagged: {
    name: 'KindedEntryTagged',
    table: 'kinded_entries',
    schema: null,
    id: 'id',
    columns: {
      id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
      tags: catalogColumn('tags', 'EntryKind', { kind: 'enum', isList: true, nullable: true, enum: KIND }),
    },
  },
  // The same table as a catalog generated before enums were bound: no `enum` entry.
  KindedEntryBefore: {
    name: 'KindedEntryBefore',
    table: 'kinded_entries',
    schema: null,
    id: 'id',
    columns: {
      id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
      kind: catalogColumn('kind', 'EntryKind', { kind: 'enum' }),
    },
  },
});

// Not in this repository's schema: known at run time only, as in a test of an application's model.
const model = 'KindedEntry' as ModelName;
interface Row { id: bigint; shard: number; kind: string; prior: string | null; value: { toFixed(places: number): string }; runningTotal: { toFixed(places: number): string } }
const Entries = defineRunningTotalRepository(model, { partitionBy: 'shard', orderBy: 'at', amount: 'value', idempotencyKey: 'reference' } as never) as unknown as new (
  db: PrismaClient,
  options?: object,
) => {
  insertMany(rows: readonly object[], options?: object): Promise<{ inserted: number; skipped: number; strategy: string }>;
  runningTotals(options: object): Promise<Row[]>;
  page(options: object): Promise<{ rows: Row[]; nextCursor: string | null }>;
  streamRunningTotals(options: object, stream?: object): AsyncIterable<Row>;
};

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const NAMES = ['CREDIT', 'DEBIT', 'FEE'] as const;

// 2 shards × 30 rows, microsecond instants, every kind, `prior` NULL on every fourth row.
const rows = Array.from({ length: 60 }, (_, i) => ({
  shard: i % 2,
  at: new Date(Date.UTC(2026, 2, 29) + Math.floor(i / 4) * 3_600_000),
  value: `${(i * 37) % 500 - 250}.${String((i * 13) % 100).padStart(2, '0')}`,
  kind: NAMES[i % 3]!,
  prior: i % 4 === 0 ? null : NAMES[(i + 1) % 3]!,
  reference: `ref-${i}`,
}));

beforeAll(async () => {
  await pool().query(`CREATE SCHEMA ledger_enums`);
  await pool().query(`CREATE TYPE ledger_enums."entry kind" AS ENUM ('credit', 'DEBIT', $$${WEIRD_LABEL}$$)`);
  await pool().query(`CREATE TABLE kinded_entries (
    id bigserial PRIMARY KEY, shard int NOT NULL, at timestamptz(6) NOT NULL, value numeric(12, 2) NOT NULL,
    kind ledger_enums."entry kind" NOT NULL, prior ledger_enums."entry kind", reference text UNIQUE,
    tags ledger_enums."entry kind"[])`);
  await pool().query('CREATE INDEX ON kinded_entries (shard, at, id)');
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS kinded_entries');
  await pool().query('DROP SCHEMA IF EXISTS ledger_enums CASCADE');
});

/** The stored rows by plain SQL, `where` a literal condition: id, shard, kind and prior by name, running total per shard. */
async function reference(where = 'true'): Promise<Array<[string, number, string, string | null, string]>> {
  const { rows: stored } = await pool().query<{ id: string; shard: number; kind: string; prior: string | null; value: string }>(
    `SELECT id::text, shard, kind::text, prior::text, value::text FROM kinded_entries AS t WHERE ${where} ORDER BY t.shard, t.at, t.id`,
  );
  const totals = new Map<number, bigint>();
  return stored.map((row) => {
    const total = (totals.get(row.shard) ?? 0n) + stringToCents(row.value);
    totals.set(row.shard, total);
    return [row.id, row.shard, NAME_OF_LABEL[row.kind]!, row.prior === null ? null : NAME_OF_LABEL[row.prior]!, centsToString(total)];
  });
}

const asTuple = (r: Row): [string, number, string, string | null, string] => [String(r.id), r.shard, r.kind, r.prior, r.runningTotal.toFixed(2)];

describe('enum columns', () => {
  it('refuses a stored label or an unknown name before any SQL; nothing is written', async () => {
    const repository = new Entries(db.prisma, { pgPool: pool() });
    for (const strategy of ['unnest', 'copy']) {
      await expect(repository.insertMany([rows[0]!, { ...rows[1], kind: 'credit' }], { strategy })).rejects.toThrow(ValidationError);
      await expect(repository.insertMany([{ ...rows[1], prior: 'REFUND' }], { strategy })).rejects.toThrow(/rows\[0\]\.prior: expected one of KindedEntry\.prior's values \(CREDIT, DEBIT, FEE\)/);
    }
    const { rows: count } = await pool().query<{ n: string }>('SELECT count(*)::text AS n FROM kinded_entries');
    expect(count[0]!.n).toBe('0');
  });

  // `createMany` is Prisma's own write, which needs the model in the generated client: not this run-time model.
  it('is written by unnest and by COPY as the stored labels; a retried batch is skipped by its keys', async () => {
    const repository = new Entries(db.prisma, { pgPool: pool() });
    const written = [
      await repository.insertMany(rows.slice(0, 31), { strategy: 'unnest' }),
      await repository.insertMany(rows.slice(31), { strategy: 'copy' }),
    ];
    expect(written.map((w) => [w.strategy, w.inserted])).toEqual([['unnest', 31], ['copy', 29]]);
    for (const strategy of ['unnest', 'copy']) {
      const retried = await repository.insertMany(rows, { strategy });
      expect([retried.inserted, retried.skipped]).toEqual([0, 60]);
    }
    const { rows: stored } = await pool().query<{ kind: string; prior: string | null; n: string }>(
      'SELECT kind::text, prior::text, count(*)::text AS n FROM kinded_entries GROUP BY 1, 2 ORDER BY 1, 2',
    );
    const expected = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.kind}|${row.prior}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(new Map(stored.map((s) => [`${NAME_OF_LABEL[s.kind]}|${s.prior === null ? null : NAME_OF_LABEL[s.prior]}`, Number(s.n)]))).toEqual(expected);
  });

  it('reads an enum list as an array of names, in order, NULL and empty kept, on both paths', async () => {
    await pool().query(`UPDATE kinded_entries SET tags = CASE id % 3 WHEN 0 THEN NULL WHEN 1 THEN '{}'
      ELSE ARRAY[$$${WEIRD_LABEL}$$, 'credit', 'DEBIT', $$${WEIRD_LABEL}$$]::ledger_enums."entry kind"[] END`);
    const { rows: stored } = await pool().query<{ id: string; tags: string[] | null }>('SELECT id::text, tags::text[] AS tags FROM kinded_entries ORDER BY kinded_entries.id');
    const expected = stored.map((row) => [row.id, row.tags === null ? null : row.tags.map((label) => NAME_OF_LABEL[label])]);
    expect(expected.some(([, tags]) => Array.isArray(tags) && tags.length === 4)).toBe(true);
    const tagged = 'KindedEntryTagged' as ModelName;
    const query = windowQuery(tagged).select('id' as never, 'tags' as never).orderBy('id' as never);
    for (const read of [await query.execute(db.prisma), await collect(query.stream(db.prisma, { chunkSize: 7 }))]) {
      const rows = (read as unknown as Array<{ id: bigint; tags: string[] | null }>).map((r) => [String(r.id), r.tags]);
      expect(rows.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expected);
    }
    // Read from another query's rows: arrays of names too. A window function does not pass on such a list (its
    // labels could be renamed only by a subquery over the result, where PostgreSQL allows no window function).
    const f = windowFunctions(tagged);
    expect(() => f.lag('tags' as never)).toThrow(/not passed on by a window function/);
    expect(() => f.firstValue('tags' as never)).toThrow(WindowSpecError);
    const over = queryOver(query as never) as unknown as ReturnType<typeof groupedQuery>;
    const nested = (await over.add('n', windowFunctions(tagged).rowNumber(), over.overRows().orderBy(over.column('id' as never) as never)).execute(db.prisma)) as unknown as Array<{
      id: bigint;
      tags: string[] | null;
    }>;
    expect(nested.map((r) => [String(r.id), r.tags])).toEqual(expected);
    expect(() => f.arrayAgg('tags' as never)).toThrow(WindowSpecError);
    expect(() => f.stringAgg('tags' as never, ',')).toThrow(/cannot be aggregated here/);
  });

  it('sorts an enum result as PostgreSQL sorts the enum, also after a migration added a value at the end', async () => {
    // Declared LOW, MID, HIGH in schema.prisma; in the database 'mid' came later (ALTER TYPE ... ADD VALUE).
    await pool().query(`CREATE TYPE ledger_enums.prio AS ENUM ('l', 'h'); ALTER TYPE ledger_enums.prio ADD VALUE 'm'`);
    await pool().query(`CREATE TABLE prio_entries (id bigserial PRIMARY KEY, p ledger_enums.prio NOT NULL);
      INSERT INTO prio_entries (p) SELECT (ARRAY['h', 'm', 'l']::ledger_enums.prio[])[1 + i % 3] FROM generate_series(0, 8) AS i`);
    registerWindowCatalog({
      PrioEntry: {
        name: 'PrioEntry',
        table: 'prio_entries',
        schema: null,
        id: 'id',
        columns: {
          id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
          p: catalogColumn('p', 'Prio', { kind: 'enum', enum: { name: 'prio', schema: 'ledger_enums', values: { LOW: 'l', MID: 'm', HIGH: 'h' } } }),
        },
      },
    });
    const prio = 'PrioEntry' as ModelName;
    const f = windowFunctions(prio);
    const sorted = (await windowQuery(prio)
      .select('id' as never)
      .add('q', f.firstValue('p' as never), windowSpec(prio).partitionBy('id' as never).orderBy('id' as never))
      .orderByResult('q' as never)
      .execute(db.prisma)) as unknown as Array<{ q: string }>;
    const grouped = (await groupedQuery(prio).groupBy('p' as never).aggregate('n', f.count()).execute(db.prisma)) as unknown as Array<{ p: string }>;
    const { rows: reference } = await pool().query<{ p: string }>('SELECT t.p::text AS p FROM prio_entries AS t GROUP BY t.p ORDER BY t.p');
    const names: Record<string, string> = { l: 'LOW', m: 'MID', h: 'HIGH' };
    expect(grouped.map((g) => g.p)).toEqual(reference.map((r) => names[r.p]));
    expect([...new Set(sorted.map((r) => r.q))]).toEqual(['LOW', 'HIGH', 'MID']);
    await pool().query('DROP TABLE prio_entries');
  });

  it('reads, pages and streams rows with the values\' names, through Prisma and the pgPool', async () => {
    const expected = await reference();
    for (const repository of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      expect((await repository.runningTotals({ partitions: [0, 1] })).map(asTuple)).toEqual(expected);
      const streamed: Row[] = [];
      for await (const r of repository.streamRunningTotals({ partitions: [0, 1] }, { chunkSize: 7 })) streamed.push(r);
      expect(streamed.map(asTuple)).toEqual(expected);
      const walked: Row[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await repository.page({ partition: 1, limit: 4, after });
        walked.push(...page.rows);
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      expect(walked.map(asTuple)).toEqual(expected.filter(([, shard]) => shard === 1));
    }
  });

  it('filters by names: equality, the enum\'s declared order, lists and another enum field', async () => {
    const c = conditions(model);
    const cases: Array<[ReturnType<typeof c.compare>, string]> = [
      [c.compare('kind' as never, '=', 'FEE' as never), `kind = $$${WEIRD_LABEL}$$`],
      [c.compare('kind' as never, '<', 'FEE' as never), `kind < $$${WEIRD_LABEL}$$`],
      [c.compare('kind' as never, '>=', 'DEBIT' as never), `kind >= 'DEBIT'`],
      [c.in('kind' as never, ['CREDIT', 'FEE'] as never), `kind IN ('credit', $$${WEIRD_LABEL}$$)`],
      [c.and(c.compareFields('kind' as never, '<', 'prior' as never), c.isNotNull('prior' as never)), 'kind < prior'],
    ];
    const f = windowFunctions(model);
    for (const [condition, sql] of cases) {
      const expected = await reference(sql);
      expect(expected.length, sql).toBeGreaterThan(0);
      const query = windowQuery(model)
        .select('id' as never, 'shard' as never, 'kind' as never, 'prior' as never)
        .where(condition)
        .add('runningTotal', f.runningTotal('value' as never), windowSpec(model).partitionBy('shard' as never).orderBy('at' as never));
      for (const read of [await query.execute(db.prisma), await collect(query.stream(db.prisma, { chunkSize: 5 }))]) {
        expect((read as unknown as Row[]).map(asTuple), sql).toEqual(expected);
      }
    }
  });

  it('groups by an enum in its declared order; group columns, window functions of it and another query\'s columns read by name', async () => {
    const f = windowFunctions(model);
    const byKind = groupedQuery(model).groupBy('kind' as never).aggregate('total', f.sum('value' as never));
    const groups = (await byKind
      .add('upTo', f.sum(byKind.column('total' as never) as never), byKind.overGroups().orderBy(byKind.column('kind' as never) as never))
      .execute(db.prisma)) as unknown as Array<{ kind: string; total: { toFixed(places: number): string }; upTo: { toFixed(places: number): string } }>;
    const { rows: sums } = await pool().query<{ kind: string; total: string }>('SELECT t.kind::text AS kind, sum(t.value)::text AS total FROM kinded_entries AS t GROUP BY t.kind ORDER BY t.kind');
    let upTo = 0n;
    expect(groups.map((g) => [g.kind, g.total.toFixed(2), g.upTo.toFixed(2)])).toEqual(
      sums.map((r) => [NAME_OF_LABEL[r.kind], r.total, centsToString((upTo += stringToCents(r.total)))]),
    );
    expect(groups.map((g) => g.kind)).toEqual(['CREDIT', 'DEBIT', 'FEE']);

    const source = windowQuery(model).select('id' as never, 'shard' as never, 'at' as never, 'kind' as never, 'prior' as never);
    const over = queryOver(source as never) as unknown as ReturnType<typeof groupedQuery>;
    const previous = (await over
      .add('previousKind', windowFunctions(model).lag(over.column('kind' as never) as never), over.overRows().partitionBy(over.column('shard' as never) as never).orderBy(over.column('at' as never) as never))
      .execute(db.prisma)) as unknown as Array<{ id: bigint; kind: string; prior: string | null; previousKind: string | null }>;
    const expected = await reference();
    const kindOf = new Map(expected.map(([id, , kind]) => [id, kind]));
    const previousOf = new Map<string, string | null>();
    for (const shard of [0, 1]) {
      expected.filter(([, s]) => s === shard).forEach(([id], i, list) => previousOf.set(id, i === 0 ? null : list[i - 1]![2]));
    }
    expect(previous).toHaveLength(expected.length);

    // Window functions passing an enum value through, over the model's own rows: lag with a default, max so far.
    const inShard = windowSpec(model).partitionBy('shard' as never).orderBy('at' as never);
    const passed = (await windowQuery(model)
      .select('id' as never)
      .add('previousKind', f.lag('kind' as never, { default: 'FEE' as never }), inShard)
      .add('highestKind', f.max('kind' as never), inShard)
      .execute(db.prisma)) as unknown as Array<{ id: bigint; previousKind: string; highestKind: string }>;
    const order = ['CREDIT', 'DEBIT', 'FEE'];
    for (const shard of [0, 1]) {
      let highest = -1;
      expected.filter(([, s]) => s === shard).forEach(([id, , kind], i, list) => {
        highest = Math.max(highest, order.indexOf(kind));
        const row = passed.find((r) => String(r.id) === id)!;
        expect([row.previousKind, row.highestKind], `id ${id}`).toEqual([i === 0 ? 'FEE' : list[i - 1]![2], order[highest]]);
      });
    }
    expect(() => f.lag('kind' as never, { default: 'credit' as never })).toThrow(ValidationError);

    // Aggregates of an enum: min / max of groups, the frame's values as an array and as text, all by name.
    const extremes = (await groupedQuery(model)
      .groupBy('shard' as never)
      .aggregate('lowest', f.min('kind' as never))
      .aggregate('highest', f.max('kind' as never))
      .execute(db.prisma)) as unknown as Array<{ shard: number; lowest: string; highest: string }>;
    expect(extremes.map((g) => [g.shard, g.lowest, g.highest])).toEqual(
      [0, 1].map((shard) => {
        const kinds = expected.filter(([, s]) => s === shard).map(([, , kind]) => order.indexOf(kind));
        return [shard, order[Math.min(...kinds)], order[Math.max(...kinds)]];
      }),
    );
    const collected = (await windowQuery(model)
      .select('id' as never)
      .add('kinds', f.arrayAgg('kind' as never), inShard)
      .add('text', f.stringAgg('kind' as never, '|'), inShard)
      .execute(db.prisma)) as unknown as Array<{ id: bigint; kinds: string[]; text: string }>;
    for (const shard of [0, 1]) {
      const inOrder = expected.filter(([, s]) => s === shard);
      inOrder.forEach(([id], i) => {
        const row = collected.find((r) => String(r.id) === id)!;
        const sofar = inOrder.slice(0, i + 1).map(([, , kind]) => kind);
        expect([row.kinds, row.text], `id ${id}`).toEqual([sofar, sofar.join('|')]);
      });
    }

    // A result ordered by an enum output sorts in the enum's declared order, not by the names' text.
    const sorted = (await windowQuery(model)
      .select('id' as never)
      .add('first', f.firstValue('kind' as never), windowSpec(model).partitionBy('id' as never).orderBy('at' as never))
      .orderByResult('first' as never, 'desc')
      .execute(db.prisma)) as unknown as Array<{ id: bigint; first: string }>;
    const ranks = sorted.map((r) => order.indexOf(r.first));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBe(3);
    for (const row of previous) {
      expect([row.kind, row.prior === null || NAMES.includes(row.prior as never)], `id ${row.id}`).toEqual([kindOf.get(String(row.id)), true]);
      expect(row.previousKind, `id ${row.id}`).toBe(previousOf.get(String(row.id)));
    }
  });

  it('refuses a label, an unknown name or a non-string in conditions; a catalog without the enum\'s storage says to regenerate', () => {
    const c = conditions(model);
    expect(() => c.compare('kind' as never, '=', 'credit' as never)).toThrow(ValidationError);
    expect(() => c.in('kind' as never, ['CREDIT', 3] as never)).toThrow(/in\(kind\)\[1\]: expected one of KindedEntry\.kind's values/);
    expect(() => c.compareFields('kind' as never, '=', 'shard' as never)).toThrow(WindowSpecError);
    const before = 'KindedEntryBefore' as ModelName;
    expect(() => conditions(before).compare('kind' as never, '=', 'CREDIT' as never)).toThrow(/prisma generate/);
    expect(() => groupedQuery(before).groupBy('kind' as never)).toThrow(/prisma generate/);
  });

  it('reads a catalog generated before enums were bound as before: the stored labels', async () => {
    const before = 'KindedEntryBefore' as ModelName;
    const read = (await windowQuery(before).select('id' as never, 'kind' as never).execute(db.prisma)) as unknown as Array<{ id: bigint; kind: string }>;
    const { rows: stored } = await pool().query<{ id: string; kind: string }>('SELECT id::text, kind::text FROM kinded_entries ORDER BY id');
    expect(read.map((r) => [String(r.id), r.kind]).sort()).toEqual(stored.map((s) => [s.id, s.kind]).sort());
  });
});
