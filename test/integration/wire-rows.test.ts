/**
 * The pgPool paths read rows straight from the socket (`WireRowsQuery`): every value must equal PostgreSQL's own
 * text of it, whatever the row's size, the socket's chunking, the session's DateStyle or the number of callers, and
 * the connection must stay usable (or be dropped) whatever way the read ends.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { queryThroughPool, readThroughPool } from '../../src/executor/pool-query.ts';
import { streamRows } from '../../src/executor/row-stream.ts';
import { LedgerError, QueryFailedError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { useTestPool, withTestPool } from '../support/pg-pool.ts';
import { textRows } from '../support/plain-sql.ts';
import { seeded } from '../support/property-seed.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 2);
const LONG = { idleTimeoutMs: 60_000, timeoutMs: 600_000, maxWaitMs: 10_000 };

/** Rows of every shape the library reads, from a seeded server-side generator; every value also as text. */
const shapes = (seed: number, rows: number) => `
  WITH s AS (SELECT setseed(${(seed % 1000) / 1000})), g AS (
    SELECT i,
      round(((random() - 0.5) * 10 ^ (i % 24))::numeric, i % 13) AS num,
      CASE i % 5 WHEN 0 THEN '-9223372036854775808'::int8 WHEN 1 THEN '9223372036854775807'::int8 ELSE (random() * 1e18)::int8 * (1 - 2 * (i % 2)) END AS big,
      (i % 3 - 1) * i AS int4,
      timestamp '1969-12-31 23:59:59' + (random() * 1e11)::int8 * interval '1 microsecond' * (1 - 2 * (i % 2)) AS at,
      timestamp '0001-01-01' + (random() * 315537897599)::int8 * interval '1 second' + (random() * 1e6)::int8 * interval '1 microsecond' AS wide,
      date '2000-02-29' + (i % 20000 - 10000) AS day,
      repeat(E'Zürich\\t✓\\n🌍', i % 4) AS label,
      CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS flag
    FROM s, generate_series(1, ${rows}) AS i)
  SELECT i, num, big, int4, at, wide, day, label, flag FROM g ORDER BY i`;

const COLUMNS = { num: 'decimal', big: 'bigint', day: 'date' } as const;

/** The decoded row as text, by rules that share nothing with the decoders. */
function asText(row: Record<string, unknown>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) out[key] = null;
    else if (value instanceof Date) out[key] = value.toISOString();
    else out[key] = String(value);
  }
  return out;
}

/** PostgreSQL's text, normalised the way the decoded types hold it (Decimal drops trailing zeros, Dates ms). */
function expectedText(row: Record<string, string | null>): Record<string, string | null> {
  const value = (key: string) => row[key] ?? null;
  const at = value('at');
  const wide = value('wide');
  const num = value('num');
  const day = value('day');
  const flag = value('flag');
  return {
    i: value('i'),
    num: num === null ? null : new Prisma.Decimal(num).toString(),
    big: value('big'),
    int4: value('int4'),
    at: at === null ? null : new Date(`${at.replace(' ', 'T').slice(0, 23)}Z`).toISOString(),
    wide: wide === null ? null : new Date(`${wide.replace(' ', 'T').slice(0, 23)}Z`).toISOString(),
    day: day === null ? null : `${day}T00:00:00.000Z`,
    label: value('label'),
    flag: flag === null ? null : String(flag === 't'),
  };
}

describe('rows read from the socket', () => {
  it(
    'equal PostgreSQL’s own text of every value, 20,000 rows of every shape',
    seeded(async (seed) => {
      const sql = shapes(seed, 20_000);
      const reference = (await textRows(db.url, sql)).map(expectedText);
      const read = await queryThroughPool<Record<string, unknown>>(pool(), Prisma.sql([sql]), COLUMNS);
      expect(read.map(asText)).toEqual(reference);
      // Types, not only text: exact Decimals and bigints, Dates.
      expect(read[1]!.num).toBeInstanceOf(Prisma.Decimal);
      expect(typeof read[1]!.big).toBe('bigint');
      expect(read[1]!.at).toBeInstanceOf(Date);
      // Plain objects, as `$queryRaw` returns them: a literal with the same values is strictly equal.
      expect(read[1]).toStrictEqual({ ...read[1] });
      expect(Object.getPrototypeOf(read[1])).toBe(Object.prototype);
      const streamed: Record<string, unknown>[] = [];
      for await (const row of streamRows<Record<string, unknown>>(pool(), Prisma.sql([sql]), { columns: COLUMNS, ...LONG })) streamed.push(row);
      expect(streamed.map(asText)).toEqual(reference);
    }),
  );

  it('bound values reach the statement (the extended protocol, not text substitution)', async () => {
    const sql = Prisma.sql`SELECT ${"it's; DROP TABLE x"}::text AS t, ${[1, 2, 3]}::int4[] AS a, ${'12.50'}::numeric AS n`;
    expect(await queryThroughPool(pool(), sql, { n: 'decimal' })).toEqual([{ t: "it's; DROP TABLE x", a: [1, 2, 3], n: new Prisma.Decimal('12.5') }]);
  });

  it("a 'sparse-text' column is a property only on the rows where it is not NULL", async () => {
    const rows = await queryThroughPool<Record<string, unknown>>(
      pool(),
      Prisma.sql`SELECT i, CASE WHEN i % 3 = 0 THEN 'at ' || i END AS p, CASE WHEN i % 3 = 0 THEN 'x' END AS q FROM generate_series(1, 9) AS i`,
      { p: 'sparse-text' },
    );
    expect(rows.map((row) => Object.keys(row).join())).toEqual(['i,q', 'i,q', 'i,p,q', 'i,q', 'i,q', 'i,p,q', 'i,q', 'i,q', 'i,p,q']);
    expect(rows.filter((row) => 'p' in row).map((row) => row.p)).toEqual(['at 3', 'at 6', 'at 9']);
    // Other columns keep their NULLs.
    expect(rows[0]).toEqual({ i: 1, q: null });
  });

  it('rows larger than a socket read, and many small ones, arrive whole', async () => {
    const big = await queryThroughPool<{ i: number; t: string }>(
      pool(),
      Prisma.sql`SELECT i, repeat(chr(65 + i), 1048576 + i) AS t FROM generate_series(0, 4) AS i`,
      {},
    );
    expect(big.map((r) => [r.i, r.t.length, r.t[0], r.t.at(-1)])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 1048576 + i, String.fromCharCode(65 + i), String.fromCharCode(65 + i)]));
    let count = 0;
    let sum = 0n;
    for await (const row of streamRows<{ v: bigint }>(pool(), Prisma.sql`SELECT g::int8 AS v FROM generate_series(1, 300000) g`, { columns: { v: 'bigint' }, ...LONG })) {
      count += 1;
      sum += row.v;
    }
    expect([count, sum]).toEqual([300000, 45000150000n]);
  });

  it.each([0, 1])('%i rows', async (n) => {
    const rows = await queryThroughPool(pool(), Prisma.sql`SELECT g AS v FROM generate_series(1, ${n}::int) g`, {});
    expect(rows).toEqual(n === 0 ? [] : [{ v: 1 }]);
  });

  it('a session whose DateStyle is not ISO reads the same instants and dates', async () => {
    await withTestPool(db.url, 1, async (odd) => {
      odd.on('connect', (client) => void client.query("SET DateStyle = 'SQL, DMY'"));
      const sql = Prisma.sql`SELECT timestamp '2024-03-10 02:30:00.123456' AS at, date '2024-12-31' AS day`;
      const expected = [{ at: new Date('2024-03-10T02:30:00.123Z'), day: new Date('2024-12-31T00:00:00Z') }];
      expect(await queryThroughPool(odd, sql, { day: 'date' })).toEqual(expected);
      const streamed = [];
      for await (const row of streamRows(odd, sql, { columns: { day: 'date' }, ...LONG })) streamed.push(row);
      expect(streamed).toEqual(expected);
      // Set for the read only: the session keeps its own.
      expect((await odd.query<{ DateStyle: string }>('SHOW DateStyle')).rows[0]!.DateStyle).toBe('SQL, DMY');
    });
  });

  it('a session whose extra_float_digits is 0 reads every double exactly: a single read, a snapshot, a stream', async () => {
    await withTestPool(db.url, 1, async (odd) => {
      odd.on('connect', (client) => void client.query('SET extra_float_digits = 0'));
      // Neighbours one ulp apart print alike at 15 digits (all as 1).
      const sql = Prisma.sql`SELECT 0.9999999999999999::float8 AS below, 1::float8 AS one, 1.0000000000000002::float8 AS above, (1/3::float8)::real AS third`;
      const expected = [{ below: 0.9999999999999999, one: 1, above: 1.0000000000000002, third: 0.33333334 }]; // a real as its shortest text, as node-postgres and Prisma read it
      expect(await queryThroughPool(odd, sql, {})).toEqual(expected);
      expect(await readThroughPool(odd, (read) => read(sql, {}), { snapshot: true })).toEqual(expected);
      const streamed = [];
      for await (const row of streamRows(odd, sql, { columns: {}, ...LONG })) streamed.push(row);
      expect(streamed).toEqual(expected);
      // Set for the read only: the session keeps its own.
      expect((await odd.query<{ extra_float_digits: string }>('SHOW extra_float_digits')).rows[0]!.extra_float_digits).toBe('0');
    });
  });

  it('a session that changes its DateStyle between reads (SET, SET LOCAL, RESET) is read right each time', async () => {
    await withTestPool(db.url, 1, async (one) => {
      const sql = Prisma.sql`SELECT timestamp '2024-03-10 02:30:00.123456' AS at, date '2024-12-31' AS day`;
      const expected = [{ at: new Date('2024-03-10T02:30:00.123Z'), day: new Date('2024-12-31T00:00:00Z') }];
      const read = () => queryThroughPool(one, sql, { day: 'date' });
      expect(await read()).toEqual(expected);
      await one.query("SET DateStyle = 'German'");
      expect(await read()).toEqual(expected);
      await one.query("SET DateStyle = 'ISO, DMY'");
      expect(await read()).toEqual(expected);
      const client = await one.connect();
      try {
        await client.query("BEGIN; SET LOCAL DateStyle = 'Postgres, MDY'; COMMIT");
      } finally {
        client.release();
      }
      expect(await read()).toEqual(expected);
      await one.query("SET DateStyle = 'SQL, MDY'");
      expect(await read()).toEqual(expected);
      await one.query('RESET DateStyle');
      expect(await read()).toEqual(expected);
      expect((await one.query<{ DateStyle: string }>('SHOW DateStyle')).rows[0]!.DateStyle).toMatch(/^ISO/);
    });
  });

  it('a DateStyle that changes while a read runs (as after a configuration reload) is caught, and the read done again', async () => {
    // The change is reported only after the rows it already shaped: here the statement itself changes it once, the
    // way a reload applied between its messages would.
    await withTestPool(db.url, 1, async (one) => {
      const plain = Prisma.sql`SELECT timestamp '2024-03-10 02:30:00.123456' AS at, date '2024-12-31' AS day`;
      const expected = { at: new Date('2024-03-10T02:30:00.123Z'), day: new Date('2024-12-31T00:00:00Z') };
      expect(await queryThroughPool(one, plain, { day: 'date' })).toEqual([expected]);
      const changing = Prisma.sql`
        SELECT CASE WHEN current_setting('ledger_test.changed', true) IS DISTINCT FROM 'yes'
                    THEN set_config('DateStyle', 'SQL, DMY', false) || set_config('ledger_test.changed', 'yes', false) END AS changed,
               timestamp '2024-03-10 02:30:00.123456' AS at, date '2024-12-31' AS day`;
      expect(await queryThroughPool(one, changing, { day: 'date' })).toEqual([{ changed: null, ...expected }]);
      expect((await one.query<{ DateStyle: string }>('SHOW DateStyle')).rows[0]!.DateStyle).toBe('SQL, DMY');
      expect(await queryThroughPool(one, plain, { day: 'date' })).toEqual([expected]);
    });
  });

  it('callers at once each get their own rows', async () => {
    await withTestPool(db.url, 4, async (many) => {
      const reads = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(async (k) => {
          const rows: number[] = [];
          for await (const row of streamRows<{ v: number }>(many, Prisma.sql`SELECT g * ${k}::int AS v FROM generate_series(1, 20000) g`, { columns: {}, ...LONG })) rows.push(row.v);
          return rows;
        }),
      );
      reads.forEach((rows, index) => expect(rows).toEqual(Array.from({ length: 20000 }, (_, i) => (i + 1) * (index + 1))));
    });
  });
});

describe('how a read ends', () => {
  it('a server error mid-result is a LedgerError after the rows before it, and the pool serves the next read', async () => {
    await withTestPool(db.url, 1, async (one) => {
      const read: number[] = [];
      const failure = await (async () => {
        for await (const row of streamRows<{ v: number }>(one, Prisma.sql`SELECT 100000 / (g - 50000) AS v FROM generate_series(1, 60000) g`, { columns: {}, ...LONG })) read.push(row.v);
      })().then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(QueryFailedError);
      // The rows the server sent before the error, in order (how many depends on when its output was flushed).
      expect(read.length).toBeGreaterThan(0);
      expect(read.length).toBeLessThan(50000);
      expect(read).toEqual(Array.from({ length: read.length }, (_, i) => Math.trunc(100000 / (i + 1 - 50000))));
      const pid = async () => (await queryThroughPool<{ pid: number }>(one, Prisma.sql`SELECT pg_backend_pid() AS pid`, {}))[0]!.pid;
      const before = await pid();
      const viaQuery = await queryThroughPool(one, Prisma.sql`SELECT 1 / (g - 2) AS v FROM generate_series(1, 3) g`, {}).catch((e: unknown) => e);
      expect(viaQuery).toBeInstanceOf(QueryFailedError);
      // A refused read leaves its connection usable: rolled back and handed back, not replaced.
      expect(await pid()).toBe(before);
      expect(await queryThroughPool(one, Prisma.sql`SELECT 7 AS v`, {})).toEqual([{ v: 7 }]);
    });
  });

  it('a consumer that leaves early stops the server and frees the pool', async () => {
    await withTestPool(db.url, 1, async (one) => {
      const pid = (await one.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      for await (const row of streamRows<{ v: number }>(one, Prisma.sql`SELECT g AS v FROM generate_series(1, 5000000) g`, { columns: {}, ...LONG })) {
        expect(row.v).toBe(1);
        break;
      }
      // The backend that ran it is gone (it was ended, not left sending 5M rows), and the pool has a new one.
      await expect
        .poll(async () => (await pool().query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0].n, { timeout: 20_000, interval: 50 })
        .toBe(0);
      expect(await queryThroughPool(one, Prisma.sql`SELECT 8 AS v`, {})).toEqual([{ v: 8 }]);
    });
  });

  it('a connection the server ends mid-read is a LedgerError, and the pool recovers', async () => {
    await withTestPool(db.url, 1, async (one) => {
      const pid = (await one.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const failure = await (async () => {
        for await (const row of streamRows<{ v: number }>(one, Prisma.sql`SELECT g AS v FROM generate_series(1, 5000000) g`, { columns: {}, ...LONG })) {
          if (row.v === 1) await pool().query('SELECT pg_terminate_backend($1)', [pid]);
        }
      })().then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(LedgerError);
      expect(await queryThroughPool(one, Prisma.sql`SELECT 9 AS v`, {})).toEqual([{ v: 9 }]);
    });
  });

  it("node-postgres's query_timeout ends a read or a stream with a LedgerError, and the pool recovers", async () => {
    await withTestPool(db.url, 1, async (hasty) => {
      hasty.options.query_timeout = 300;
      const slow = Prisma.sql`SELECT g AS v FROM generate_series(1, 3) g, pg_sleep(2)`;
      await expect(queryThroughPool(hasty, slow, {})).rejects.toBeInstanceOf(LedgerError);
      await expect(streamRows(hasty, slow, { columns: {}, ...LONG }).next()).rejects.toBeInstanceOf(LedgerError);
      // Rows already arriving when the timer fires: the rest of the result is dropped with the connection.
      const partial = Prisma.sql`SELECT g AS v, CASE WHEN g = 1000 THEN pg_sleep(2) END AS pause FROM generate_series(1, 2000) g`;
      await expect(queryThroughPool(hasty, partial, {})).rejects.toBeInstanceOf(LedgerError);
      expect(await queryThroughPool(hasty, Prisma.sql`SELECT 10 AS v`, {})).toEqual([{ v: 10 }]);
    });
  });

  it("a row that cannot be decoded (an app's type parser throws) is a LedgerError, and its connection is ended, not held", async () => {
    const OID = 26; // the oid type: read by node-postgres's own parser, which an app may replace
    const original = pg.types.getTypeParser(OID, 'text');
    pg.types.setTypeParser(OID, (text: string) => {
      if (text === '5000') throw new Error('the app refuses this value');
      return Number(text);
    });
    try {
      await withTestPool(db.url, 1, async (one) => {
        const many = Prisma.sql`SELECT g::oid AS v FROM generate_series(1, 20000) g`;
        await expect(queryThroughPool(one, many, {})).rejects.toBeInstanceOf(LedgerError);
        // The pool's only connection came back (replaced): the next read runs instead of waiting forever.
        expect(await queryThroughPool(one, Prisma.sql`SELECT 12 AS v`, {})).toEqual([{ v: 12 }]);
        expect(one.totalCount).toBeLessThanOrEqual(1);
      });
    } finally {
      pg.types.setTypeParser(OID, original);
    }
  });

  it('a value node-postgres cannot send is a LedgerError before any row, and the pool serves the next read', async () => {
    await withTestPool(db.url, 1, async (one) => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(queryThroughPool(one, Prisma.sql`SELECT ${circular}::text AS t`, {})).rejects.toBeInstanceOf(LedgerError);
      expect(await queryThroughPool(one, Prisma.sql`SELECT 11 AS v`, {})).toEqual([{ v: 11 }]);
    });
  });

  it('notices raised while rows arrive still reach the client', async () => {
    await withTestPool(db.url, 1, async (noisy) => {
      const notices: string[] = [];
      noisy.on('connect', (client) => void client.on('notice', (notice) => notices.push(notice.message ?? '')));
      await noisy.query(`CREATE OR REPLACE FUNCTION pg_temp.noisy(i int) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN RAISE NOTICE 'row %', i; RETURN i; END $$`);
      const rows = await queryThroughPool<{ v: number }>(noisy, Prisma.sql`SELECT pg_temp.noisy(g) AS v FROM generate_series(1, 500) g`, {});
      expect(rows.map((r) => r.v)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(notices).toEqual(Array.from({ length: 500 }, (_, i) => `row ${i + 1}`));
    });
  });

  it('a pool that cannot connect is a LedgerError', async () => {
    const nowhere = new pg.Pool({ connectionString: 'postgresql://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    nowhere.on('error', () => {});
    try {
      await expect(queryThroughPool(nowhere, Prisma.sql`SELECT 1`, {})).rejects.toBeInstanceOf(LedgerError);
      await expect(streamRows(nowhere, Prisma.sql`SELECT 1`, { columns: {}, ...LONG }).next()).rejects.toBeInstanceOf(LedgerError);
    } finally {
      await nowhere.end();
    }
  });
});
