/**
 * A model with `Json` columns (`jsonb`, and `json` for `@db.Json`), as an application's ledger often has for
 * metadata (registered at run time the way its generated catalog module registers it): the bulk insert writes them
 * by `unnest` and by COPY exactly as given (text with quotes, backslashes, tabs, newlines and astral characters;
 * numbers as written; nested nulls), a plain `null` or `Prisma.DbNull` as SQL NULL and `Prisma.JsonNull` as the
 * JSON `null`; values JSON would silently change are refused before any SQL. The reference reads the stored
 * JSON back through plain `pg` as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PrismaClient } from '../../prisma/app/index.ts';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import {
  defineRunningTotalRepository,
  groupedQuery,
  registerWindowCatalog,
  ValidationError,
  windowFunctions,
  windowQuery,
  windowSpec,
  WindowSpecError,
  type ModelName,
} from '../../src/index.ts';
import { catalogColumn, shardLedgerColumns } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { useTestPool } from '../support/pg-pool.ts';

registerWindowCatalog({
  NotedEntry: {
    name: 'NotedEntry',
    table: 'noted_entries',
    schema: null,
    id: 'id',
    columns: {
      ...shardLedgerColumns(),
      details: catalogColumn('details', 'Json', { nullable: true }),
      raw: catalogColumn('raw', 'Json', { nativeType: ['Json', []] }),
      preset: catalogColumn('preset', 'Json', { default: { value: '{"b": 2, "a": [1, "x"]}' } }),
      unset: catalogColumn('unset', 'Json', { nullable: true, default: { value: 'null' } }),
    },
  },
});

const model = 'NotedEntry' as ModelName;
const Entries = defineRunningTotalRepository(model, { partitionBy: 'shard', orderBy: 'at', amount: 'value' } as never) as unknown as new (
  db: PrismaClient,
  options?: object,
) => { insertMany(rows: readonly object[], options?: object): Promise<{ inserted: number; strategy: string }> };

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const AWKWARD = 'tab\there "quoted" back\\slash\nnew line 😀 é';
const DETAILS: unknown[] = [
  { note: AWKWARD, tags: ['a', 'b'], nested: { deep: [1, 2.5, -0.125, 1e21, null, true] } },
  [],
  {},
  'just text',
  12345678901234567,
  false,
  { 'key with "quotes"': { '': null } },
];

// Each stored value as PostgreSQL prints it from what we sent; the reference parses that text itself.
const rowsOf = (shard: number) =>
  DETAILS.map((details, i) => ({
    shard,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i, 123) + 0.456),
    value: `${i}.25`,
    details,
    raw: { i, text: AWKWARD },
  }));

beforeAll(async () => {
  await pool().query(`CREATE TABLE noted_entries (
    id bigserial PRIMARY KEY, shard int NOT NULL, at timestamptz(6) NOT NULL, value numeric(12, 2) NOT NULL, details jsonb, raw json NOT NULL,
    preset jsonb NOT NULL DEFAULT '{"b": 2, "a": [1, "x"]}', unset jsonb DEFAULT 'null')`);
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS noted_entries');
});

// An override that only builds on the derived check, as README shows: what it returns is checked again.
const CheckedEntries = defineRunningTotalRepository(model, {
  partitionBy: 'shard',
  orderBy: 'at',
  amount: 'value',
  requireRow: (path: string, value: unknown, derived: (path: string, value: unknown) => unknown) => derived(path, value),
} as never) as unknown as typeof Entries;

async function stored(shard: number): Promise<Array<{ details: string | null; raw: string; preset: string; unset: string | null }>> {
  const { rows } = await pool().query<{ details: string | null; raw: string; preset: string; unset: string | null }>(
    'SELECT details::text AS details, raw::text AS raw, preset::text AS preset, unset::text AS unset FROM noted_entries AS t WHERE t.shard = $1 ORDER BY t.id',
    [shard],
  );
  return rows;
}

describe('Json columns', () => {
  it.each(['unnest', 'copy'])('are written exactly by %s: values as given, JSON and SQL nulls as asked', async (strategy) => {
    const shard = strategy === 'unnest' ? 1 : 2;
    const repository = new Entries(db.prisma, { pgPool: pool() });
    const nulls = [
      { ...rowsOf(shard)[0]!, details: null },
      { ...rowsOf(shard)[0]!, details: Prisma.DbNull },
      { ...rowsOf(shard)[0]!, details: Prisma.JsonNull },
    ];
    const written = await repository.insertMany([...rowsOf(shard), ...nulls], { strategy });
    expect([written.strategy, written.inserted]).toEqual([strategy, DETAILS.length + 3]);
    const back = await stored(shard);
    expect(back.map((row) => (row.details === null ? null : JSON.parse(row.details)))).toEqual([...DETAILS, null, null, null]);
    // SQL NULL twice, then the JSON null (stored as the text 'null').
    expect(back.slice(-3).map((row) => row.details)).toEqual([null, null, 'null']);
    // `json` keeps the text as sent: the value's own JSON.
    expect(back.map((row) => JSON.parse(row.raw))).toEqual([...rowsOf(shard), ...nulls].map((row) => row.raw));
    expect(back[0]!.raw).toBe(JSON.stringify(rowsOf(shard)[0]!.raw));
    // The @default, left out of every row, is the document itself, as PostgreSQL's own default stores it.
    expect(new Set(back.map((row) => row.preset))).toEqual(new Set(['{"a": [1, "x"], "b": 2}']));
    // `@default("null")` is the JSON null, as Prisma and PostgreSQL's own default store it.
    expect(new Set(back.map((row) => row.unset))).toEqual(new Set(['null']));
  });

  it.each(['unnest', 'copy'])('are written the same through a requireRow override (%s), which checks what it returns again', async (strategy) => {
    const shard = strategy === 'unnest' ? 4 : 5;
    await new CheckedEntries(db.prisma, { pgPool: pool() }).insertMany([...rowsOf(shard), { ...rowsOf(shard)[0]!, details: Prisma.JsonNull }], { strategy });
    const back = await stored(shard);
    expect(back.map((row) => (row.details === null ? null : JSON.parse(row.details)))).toEqual([...DETAILS, null]);
    expect(back.at(-1)!.details).toBe('null');
    expect(back.map((row) => JSON.parse(row.raw))).toEqual([...rowsOf(shard), rowsOf(shard)[0]!].map((row) => row.raw));
  });

  it('reads them back as Prisma does: parsed JSON', async () => {
    const read = (await windowQuery(model).select('id' as never, 'details' as never, 'raw' as never).orderBy('id' as never).execute(db.prisma)) as unknown as Array<{
      details: unknown;
      raw: unknown;
    }>;
    const { rows } = await pool().query<{ details: unknown; raw: unknown }>('SELECT details, raw FROM noted_entries AS t ORDER BY t.id');
    expect(read.map((row) => [row.details, row.raw])).toEqual(rows.map((row) => [row.details, row.raw]));
  });

  it('refuses, before any SQL, what JSON would change or PostgreSQL refuse; nothing is written', async () => {
    const repository = new Entries(db.prisma, { pgPool: pool() });
    const base = rowsOf(3)[1]!;
    const bad: Array<[string, object]> = [
      ['NaN', { ...base, details: { n: Number.NaN } }],
      ['Infinity', { ...base, details: [Number.POSITIVE_INFINITY] }],
      ['a bigint', { ...base, details: { n: 1n } }],
      ['a Date', { ...base, details: { at: new Date() } }],
      ['a Decimal', { ...base, details: new Prisma.Decimal('1.5') }],
      ['a hole', { ...base, details: [1, , 3] }],
      ['undefined in an array', { ...base, details: [undefined] }],
      ['NUL', { ...base, details: { text: 'a\u0000b' } }],
      ['a lone surrogate key', { ...base, details: { ['\ud800']: 1 } }],
      ['a function', { ...base, details: { f: () => 1 } }],
      ['an array with a named property', { ...base, details: Object.assign([1, 2], { note: 'lost' }) }],
      ['a __proto__ key', { ...base, details: JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as object }],
      ['a subclass of Array with toJSON', { ...base, details: Object.assign(new (class Hijack extends Array { toJSON = () => 'hijacked' })(), [1, 2]) }],
      ['a getter', { ...base, details: { get x() { return 1; } } }],
      ['a cycle', { ...base, details: (() => { const self: Record<string, unknown> = { a: 1 }; self['again'] = [self]; return self; })() }],
      ['DbNull on a NOT NULL column', { ...base, raw: Prisma.DbNull }],
      ['null on a NOT NULL column', { ...base, raw: null }],
    ];
    for (const [what, row] of bad) {
      for (const strategy of ['unnest', 'copy']) {
        await expect(repository.insertMany([base, row], { strategy }), `${what} (${strategy})`).rejects.toThrow(ValidationError);
      }
    }
    await expect(repository.insertMany([{ ...base, details: { at: new Date() } }])).rejects.toThrow(/rows\[0\]\.details\.at: an instance of Date is not a plain object/);
    await expect(repository.insertMany([{ ...base, details: { a: [1, , 3] } }])).rejects.toThrow(/rows\[0\]\.details\.a\[1\]: is missing/);
    const shared = { n: 1 };
    const self: Record<string, unknown> = {};
    self['me'] = self;
    await expect(repository.insertMany([{ ...base, details: self }])).rejects.toThrow(/rows\[0\]\.details\.me: contains itself/);
    // The same object twice, side by side, is no cycle: written twice.
    await repository.insertMany([{ ...base, shard: 6, details: { a: shared, b: [shared] } }]);
    expect((await stored(6)).map((row) => row.details)).toEqual(['{"a": {"n": 1}, "b": [{"n": 1}]}']);
    expect(await stored(3)).toEqual([]);
  });

  it('has no min, max or result order where PostgreSQL has none: WindowSpecError before any SQL', () => {
    const f = windowFunctions(model);
    for (const field of ['details', 'raw']) {
      expect(() => f.min(field as never), field).toThrow(WindowSpecError);
      expect(() => f.max(field as never), field).toThrow(/only numbers, text, times, dates and enums have a max/);
      expect(() => groupedQuery(model).groupBy('shard' as never).aggregate('m', f.max(field as never)), field).toThrow(WindowSpecError);
    }
    const byTime = windowSpec(model).partitionBy('shard' as never).orderBy('at' as never);
    expect(() => windowQuery(model).select('id' as never).add('previous', f.lag('raw' as never), byTime).orderByResult('previous' as never)).toThrow(/has no order here/);
  });
});
