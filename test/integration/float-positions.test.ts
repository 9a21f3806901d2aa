/**
 * Keyset positions on float keys, whatever `extra_float_digits` says. PostgreSQL prints a double with 15
 * significant digits when that setting is 0 or less (a session or a whole database may set it), and such text
 * reads back as another double: a page walk ordered by a float then repeated its first page forever, or skipped and
 * repeated rows. Positions are printed with 17 digits instead. The reference is the same order by hand through
 * plain `pg`; the values include neighbours one ulp apart, which print alike at 15 digits.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '../../prisma/app/index.ts';
import { SESSION_OPTIONS, expressions, windowQuery, type WindowQuery } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg } from '../support/plain-sql.ts';

const db = useTestDatabase();
const r = expressions('Reading');

// value (float8) and ratio (real) as SQL, so the server computes them: thirds, sums that are not what they look
// like, neighbours one ulp apart, tiny and huge magnitudes, -0 beside 0, ±Infinity and NaN, repeated values.
const VALUES: Array<[string, string]> = [
  ['1/3::float8', '(1/3::float8)::real'],
  ['1/3::float8 + 5.551115123125783e-17', '(1/3::float8)::real'],
  ['1/3::float8 - 5.551115123125783e-17', '(2/3::float8)::real'],
  ['2/3::float8', '(2/3::float8)::real'],
  ['0.1::float8 + 0.2::float8', '0.1::real + 0.2::real'],
  ['0.3::float8', '0.3::real'],
  ['123456789.123456789::float8 / 7', '123456.789::real / 7'],
  ['1e-300::float8 / 3', '1e-30::real / 3'],
  ['1.7976931348623157e308::float8', '3.4028235e38::real'],
  ["'-0'::float8", "'-0'::real"],
  ['0::float8', '0::real'],
  ["'Infinity'::float8", "'-Infinity'::real"],
  ["'NaN'::float8", "'NaN'::real"],
  ['1/3::float8', '(1/3::float8)::real'],
  ['-2/3::float8', '(-2/3::float8)::real'],
];

beforeAll(async () => {
  await withPg(db.url, async (client) => {
    for (const [i, [value, ratio]] of VALUES.entries()) {
      await client.query(`INSERT INTO readings (sensor_id, taken_at, day_time, value, ratio) VALUES (1, timestamp '2026-05-01' + $1 * interval '1 minute', '08:00', ${value}, ${ratio})`, [i]);
    }
  });
});

type ReadingQuery = WindowQuery<'Reading', { id: bigint }, never>;

/** Every page until nextCursor is null; bounded, so a repeated page fails instead of looping. */
async function walk(prisma: PrismaClient, query: ReadingQuery, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages <= VALUES.length + 1; pages++) {
    const page: { rows: Array<{ id: bigint }>; nextCursor: string | null } = await query.page(prisma, { limit, after });
    ids.push(...page.rows.map((row) => String(row.id)));
    if (page.nextCursor === null) return ids;
    after = page.nextCursor;
  }
  throw new Error(`no last page after ${VALUES.length + 1} pages of ${limit}: ids so far ${ids.join(', ')}`);
}

const ORDERS: Array<[string, ReadingQuery, string]> = [
  ['a float8 field', windowQuery('Reading').select('id').orderBy('value'), 'value, id'],
  // The id appended to a query's order takes its last key's direction.
  ['a real field, descending', windowQuery('Reading').select('id').orderBy(r.coalesce('ratio', r.value(0)), 'desc'), 'COALESCE(ratio, 0) DESC, id DESC'],
  ['a float8 expression', windowQuery('Reading').select('id').orderBy(r.sub('value', r.value(1))), 'value - 1, id'],
];

describe.each([0, -3, -15, 1, 3])('pages ordered by floats, extra_float_digits = %i', (digits) => {
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: `${SESSION_OPTIONS} -c extra_float_digits=${digits}` }) });
  });
  afterAll(async () => {
    await prisma.$disconnect();
  });

  it.each(ORDERS)('by %s: every row once, in the order of the plain query, at every page size', async (_name, query, orderBy) => {
    // Named apart from `id`, which ORDER BY would otherwise read as the text output.
    const expected = (await textRows(db.url, `SELECT id::text AS key FROM readings ORDER BY ${orderBy}`)).map((row) => row.key!);
    expect(expected).toHaveLength(VALUES.length);
    for (const limit of [1, 2, 3, VALUES.length - 1, VALUES.length, VALUES.length + 1]) {
      expect(await walk(prisma, query, limit), `limit ${limit}`).toEqual(expected);
    }
  });
});

describe('a database whose own setting is extra_float_digits = 0', () => {
  it('pages a float order to the end, every row once', async () => {
    await withPg(db.url, (client) => client.query(`ALTER DATABASE "${db.name}" SET extra_float_digits = 0`));
    // A client without any option: its sessions take the database's setting.
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    try {
      const [{ setting }] = await prisma.$queryRaw<[{ setting: string }]>`SELECT current_setting('extra_float_digits') AS setting`;
      expect(setting).toBe('0');
      const expected = (await textRows(db.url, 'SELECT id::text AS key FROM readings ORDER BY value, id')).map((row) => row.key!);
      expect(await walk(prisma, ORDERS[0]![1], 1)).toEqual(expected);
      // SESSION_OPTIONS pins the default (1): selected doubles come back exact, not rounded to 15 digits.
      const pinned = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: SESSION_OPTIONS }) });
      try {
        const rows = await windowQuery('Reading').select('id', 'value').orderBy('id').execute(pinned);
        const exact = await withPg(db.url, async (client) => {
          await client.query('SET extra_float_digits = 1');
          return (await client.query<{ value: string }>({ text: 'SELECT value::text AS value FROM readings ORDER BY id', types: { getTypeParser: () => (v: string) => v } })).rows;
        });
        expect(rows.map((row) => row.value)).toEqual(exact.map((row) => Number(row.value)));
      } finally {
        await pinned.$disconnect();
      }
    } finally {
      await prisma.$disconnect();
      await withPg(db.url, (client) => client.query(`ALTER DATABASE "${db.name}" RESET extra_float_digits`));
    }
  });
});
