/**
 * Calendar buckets next to the clock changes that break naive bucketing, checked against a reference that shares
 * no code with the library: each instant's local calendar day or hour (with its offset) as `Intl` reports it,
 * amounts as integer cents, rows written with plain `pg`. The cases (found by an outside trial):
 * - a local midnight that happens twice (Atlantic/Azores and America/Havana fall back from 01:00 to 00:00);
 * - a local midnight that never happens (America/Sao_Paulo, Asia/Beirut spring forward at 00:00) and a whole day
 *   that never happens (Pacific/Apia, 2011-12-30);
 * - offsets that change by 30 minutes (Australia/Lord_Howe) or at a quarter past the hour (Pacific/Chatham);
 * - local mean time, whose offsets and changes fall on any second (America/New_York 1883, Asia/Kolkata 1869).
 * Every bucket must start at its first instant and end where the next begins, and every row must be counted once:
 * in its bucket, in the running total, in the balance carried in, and in the previous or compared bucket's sum.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { conditions, expressions, groupedQuery, windowFunctions, windowQuery, type Bucket } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const ledger = () => new TransactionRepository(db.prisma);
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

/** Writes `rows` (amount, instant) as account `account`, runs `work`, then removes them. */
async function withRows<T>(account: number, rows: ReadonlyArray<readonly [string, string]>, work: () => Promise<T>): Promise<T> {
  for (const [amount, at] of rows) await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [account, amount, at]);
  try {
    return await work();
  } finally {
    await client.query('DELETE FROM "Transaction" WHERE "accountId" = $1', [account]);
  }
}

/** Rows of `account` counted per `e.bucket(createdAt, bucket, { timeZone })` by a grouped query: [bucket start, count]. */
async function groupedCounts(account: number, bucket: Bucket, timeZone: string): Promise<Array<[string, bigint]>> {
  const groups = await groupedQuery('Transaction')
    .where(conditions('Transaction').compare('accountId', '=', account))
    .groupBy('b', expressions('Transaction').bucket('createdAt', bucket, { timeZone }))
    .aggregate('n', windowFunctions('Transaction').count())
    .execute(db.prisma);
  return groups.map((g) => [g.b.toISOString(), g.n]);
}

// ---- reference ------------------------------------------------------------------------------------------
const formats = new Map<string, Intl.DateTimeFormat>();
/** The reference's label of an instant: its local day (or ISO week, month), or its local hour and offset. */
function label(ms: number, timeZone: string, bucket: Bucket): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', timeZoneName: 'longOffset' });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  switch (bucket) {
    case 'hour':
      return `${p.year}-${p.month}-${p.day} ${p.hour} ${p.timeZoneName}`;
    case 'day':
      return `${p.year}-${p.month}-${p.day}`;
    case 'week': {
      const monday = new Date(Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)));
      monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
      return `week of ${monday.toISOString().slice(0, 10)}`;
    }
    case 'month':
      return `${p.year}-${p.month}`;
    default:
      return `${p.year}`;
  }
}
/**
 * The reference's runs of one label over [from, to), to the second: every minute's label, and every second's of a
 * minute whose first and last second differ (clocks change on whole seconds, local mean time's anywhere).
 */
function labelRuns(from: number, to: number, timeZone: string, bucket: Bucket): Array<{ label: string; start: number; end: number }> {
  const runs: Array<{ label: string; start: number; end: number }> = [];
  const visit = (t: number) => {
    const here = label(t, timeZone, bucket);
    const last = runs.at(-1);
    if (last?.label === here) return;
    if (last) last.end = t;
    runs.push({ label: here, start: t, end: to });
  };
  for (let minute = from; minute < to; minute += 60_000) {
    const next = Math.min(minute + 60_000, to);
    visit(minute);
    if (label(minute, timeZone, bucket) !== label(next - 1_000, timeZone, bucket)) for (let t = minute + 1_000; t < next; t += 1_000) visit(t);
  }
  return runs;
}
const cents = (amount: string) => BigInt(amount.replace('.', ''));
const centsOf = (value: { toFixed(places: number): string }) => cents(value.toFixed(2));

describe('a local midnight that happens twice', () => {
  for (const [zone, sunday, firstMidnight] of [
    ['Atlantic/Azores', '2026-10-25', '2026-10-25T00:00:00Z'],
    ['America/Havana', '2026-11-01', '2026-11-01T04:00:00Z'],
  ] as const) {
    it(`${zone}, ${sunday}: the day starts at the first midnight; its first hour is counted once`, async () => {
      const start = Date.parse(firstMidnight);
      const at = (ms: number) => new Date(ms).toISOString();
      const rows = [['1.00', at(start - 12 * 3_600_000)], ['2.00', at(start + 30 * 60_000)], ['4.00', at(start + 12 * 3_600_000)]] as const;
      expect(label(start + 30 * 60_000, zone, 'day'), 'the 2.00 row is on the Sunday').toBe(sunday);
      expect(label(start - 1, zone, 'day'), 'the day starts at the first midnight').not.toBe(sunday);
      await withRows(60, rows, async () => {
        const days = await ledger().bucketTotals({ partitions: [60], bucket: 'day', timeZone: zone, from: new Date(start + 11 * 3_600_000), to: new Date(start + 13 * 3_600_000) });
        expect(days.map((d) => [d.bucketStart.toISOString(), label(d.bucketStart.getTime(), zone, 'day'), d.count, d.sum.toFixed(2), d.runningTotal.toFixed(2)])).toEqual([
          [new Date(start).toISOString(), sunday, 2n, '6.00', '7.00'],
        ]);
        expect(days[0]!.bucketEnd.getTime() - start, 'a 25-hour day').toBe(25 * 3_600_000);
        expect(await groupedCounts(60, 'day', zone), 'e.bucket is the same first instant').toEqual([
          [new Date(start - 24 * 3_600_000).toISOString(), 1n],
          [new Date(start).toISOString(), 2n],
        ]);
      });
    });
  }
});

describe('a day split in two by a fall-back across its midnight', () => {
  // America/St_Johns, 2006-10-29: Sunday began at 02:30Z (00:00 -02:30); at 02:31Z the clocks went back to Saturday
  // 23:01 (-03:30), and Sunday began again at 03:30Z.
  const zone = 'America/St_Johns';
  const rows = [['1.00', '2006-10-28T12:00:00Z'], ['2.00', '2006-10-29T02:30:30Z'], ['4.00', '2006-10-29T03:00:00Z'], ['8.00', '2006-10-29T12:00:00Z']] as const;
  const days = (from: string, to: string) => ledger().bucketTotals({ partitions: [67], bucket: 'day', timeZone: zone, from: new Date(from), to: new Date(to) });
  const shape = (d: { bucketStart: Date; bucketEnd: Date; count: bigint; sum: { toFixed(n: number): string }; runningTotal: { toFixed(n: number): string } }) =>
    [label(d.bucketStart.getTime(), zone, 'day'), d.bucketStart.toISOString(), d.bucketEnd.toISOString(), d.count, d.sum.toFixed(2), d.runningTotal.toFixed(2)];

  it('Sunday starts at its first midnight; Saturday ends at the second; every row is counted once, by its day', async () => {
    expect(rows.map(([, at]) => label(Date.parse(at), zone, 'day'))).toEqual(['2006-10-28', '2006-10-29', '2006-10-28', '2006-10-29']);
    await withRows(67, rows, async () => {
      const saturday = ['2006-10-28', '2006-10-28T02:30:00.000Z', '2006-10-29T03:30:00.000Z', 2n, '5.00', '5.00'];
      const sunday = ['2006-10-29', '2006-10-29T02:30:00.000Z', '2006-10-30T03:30:00.000Z', 2n, '10.00', '15.00'];
      expect((await days('2006-10-29T03:30Z', '2006-10-30T02:30Z')).map(shape), 'a range from the second midnight').toEqual([sunday]);
      expect((await days('2006-10-29T02:30Z', '2006-10-29T02:31Z')).map(shape), "Sunday's first minute, inside Saturday's span").toEqual([saturday, sunday]);
      expect((await days('2006-10-28T12:00Z', '2006-10-30T00:00Z')).map(shape), 'both days').toEqual([saturday, sunday]);
      const global = await ledger().globalBucketTotals({ bucket: 'day', timeZone: zone, from: new Date('2006-10-29T03:30Z'), to: new Date('2006-10-30T02:30Z') });
      expect(global.map(shape), 'one series for all partitions').toEqual([sunday]);
      expect(await groupedCounts(67, 'day', zone), 'e.bucket: the same first instants').toEqual([
        ['2006-10-28T02:30:00.000Z', 2n],
        ['2006-10-29T02:30:00.000Z', 2n],
      ]);
    });
  });

  it('America/Phoenix, New Year 1944: the year and the month split alike', async () => {
    // 1944-01-01 00:01 MWT (-06:00, 06:01Z) went back to 1943-12-31 23:01 MST (-07:00).
    const phoenix = [['1.00', '1943-12-31T12:00:00Z'], ['2.00', '1944-01-01T06:00:30Z'], ['4.00', '1944-01-01T06:30:00Z'], ['8.00', '1944-01-01T12:00:00Z']] as const;
    await withRows(67, phoenix, async () => {
      for (const bucket of ['month', 'year'] as const) {
        const got = await ledger().bucketTotals({ partitions: [67], bucket, timeZone: 'America/Phoenix', from: new Date('1944-01-01T07:00Z'), to: new Date('1944-01-02T07:00Z') });
        expect(got.map((b) => [b.bucketStart.toISOString(), b.count, b.sum.toFixed(2), b.runningTotal.toFixed(2), b.previousSum.toFixed(2)]), bucket).toEqual([
          ['1944-01-01T06:00:00.000Z', 2n, '10.00', '15.00', '5.00'],
        ]);
      }
    });
  });
});

describe('offsets that change within an hour', () => {
  const zone = 'Australia/Lord_Howe'; // 2026-04-04T15:00Z: 02:00 +11:00 becomes 01:30 +10:30
  const rows = [['1.00', '2026-04-04T14:10:00Z'], ['2.00', '2026-04-04T14:40:00Z'], ['4.00', '2026-04-04T15:10:00Z']] as const;

  it('Lord_Howe: the hour after the change starts at the change; a range starting or ending there keeps every row', async () => {
    await withRows(61, rows, async () => {
      const after = await ledger().bucketTotals({ partitions: [61], bucket: 'hour', timeZone: zone, from: new Date('2026-04-04T15:00Z'), to: new Date('2026-04-04T15:30Z') });
      expect(after.map((h) => [label(h.bucketStart.getTime(), zone, 'hour'), h.bucketStart.toISOString(), h.bucketEnd.toISOString(), h.count, h.sum.toFixed(2), h.runningTotal.toFixed(2)])).toEqual([
        ['2026-04-05 01 GMT+10:30', '2026-04-04T15:00:00.000Z', '2026-04-04T15:30:00.000Z', 1n, '4.00', '7.00'],
      ]);
      const options = { bucket: 'hour' as const, timeZone: zone, from: new Date('2026-04-04T14:00Z'), to: new Date('2026-04-04T15:00Z') };
      const expected = [['2026-04-04T14:00:00.000Z', '2026-04-04T15:00:00.000Z', 2n, '3.00', '3.00']];
      const shape = (h: { bucketStart: Date; bucketEnd: Date; count: bigint; sum: { toFixed(n: number): string }; runningTotal: { toFixed(n: number): string } }) =>
        [h.bucketStart.toISOString(), h.bucketEnd.toISOString(), h.count, h.sum.toFixed(2), h.runningTotal.toFixed(2)];
      expect((await ledger().bucketTotals({ ...options, partitions: [61] })).map(shape)).toEqual(expected);
      expect((await ledger().globalBucketTotals(options)).map(shape), 'global').toEqual(expected);
      const streamed = [];
      for await (const h of ledger().streamBucketTotals({ ...options, partitions: [61] }, { chunkSize: 1 })) streamed.push(shape(h));
      expect(streamed, 'streamed').toEqual(expected);
      expect((await ledger().pageBucketTotals({ ...options, partitions: [61], limit: 5 })).rows.map(shape), 'paged').toEqual(expected);
    });
  });

  it('Lord_Howe: a filled hour key holds the hours overlapping the range, each at its first instant', async () => {
    await withRows(61, rows, async () => {
      const e = expressions('Transaction');
      const f = windowFunctions('Transaction');
      const hours = await groupedQuery('Transaction')
        .where(conditions('Transaction').compare('accountId', '=', 61))
        .groupBy('hour', e.bucket('createdAt', 'hour', { timeZone: zone }))
        .aggregate('n', f.count())
        .aggregate('total', f.sum('amount'))
        .fill('hour', { from: new Date('2026-04-04T15:10Z'), to: new Date('2026-04-04T16:00Z') })
        .execute(db.prisma);
      expect(hours.map((h) => [h.hour.toISOString(), h.n, h.total?.toFixed(2) ?? null])).toEqual([
        ['2026-04-04T15:00:00.000Z', 1n, '4.00'],
        ['2026-04-04T15:30:00.000Z', 0n, null],
      ]);
    });
  });

  it('Pacific/Chatham falls back at 03:45: 03 +13:45, then 02 +12:45 for 15 minutes, then 03 +12:45, three hours', async () => {
    const chatham = 'Pacific/Chatham';
    const at = ['2026-04-04T13:20:00Z', '2026-04-04T13:50:00Z', '2026-04-04T14:05:00Z', '2026-04-04T14:20:00Z', '2026-04-04T15:10:00Z'];
    await withRows(62, at.map((t, i) => [`${2 ** i}.00`, t] as const), async () => {
      const hours = await ledger().bucketTotals({ partitions: [62], bucket: 'hour', timeZone: chatham, from: new Date('2026-04-04T13:15Z'), to: new Date('2026-04-04T15:15Z') });
      expect(hours.map((h) => [label(h.bucketStart.getTime(), chatham, 'hour'), h.bucketStart.toISOString().slice(11, 16), h.bucketEnd.toISOString().slice(11, 16), h.count])).toEqual([
        ['2026-04-05 03 GMT+13:45', '13:15', '14:00', 2n],
        ['2026-04-05 02 GMT+12:45', '14:00', '14:15', 1n],
        ['2026-04-05 03 GMT+12:45', '14:15', '15:15', 2n],
      ]);
      const grouped = await groupedCounts(62, 'hour', chatham);
      expect(grouped.map(([start, n]) => [start.slice(11, 16), n]), 'e.bucket: the same three hours').toEqual([['13:15', 2n], ['14:00', 1n], ['14:15', 2n]]);
    });
  });
});

describe('grouped buckets equal the per-row bucket expression', () => {
  // A grouped query groups by the bucket's label and reads each group's first instant once; a window query computes
  // the bucket per row. Both must give the same instants, also for offsets of whole seconds (local mean time).
  it.each([
    ['Africa/Monrovia', 'hour', '1960-06-01T10:00:00Z'], // -00:44:30
    ['Africa/Monrovia', 'day', '1960-06-01T10:00:00Z'],
    ['Pacific/Chatham', 'hour', '2026-04-04T12:00:00Z'],
    ['Australia/Lord_Howe', 'hour', '2026-10-03T13:00:00Z'],
    ['Atlantic/Azores', 'day', '2026-10-24T12:00:00Z'],
  ] as const)('%s, %s buckets', async (zone, bucket, start) => {
    const rows = Array.from({ length: 40 }, (_, i) => ['1.00', new Date(Date.parse(start) + i * 11 * 60_000 * (bucket === 'day' ? 6 : 1)).toISOString()] as const);
    await withRows(66, rows, async () => {
      const key = expressions('Transaction').bucket('createdAt', bucket, { timeZone: zone });
      const grouped = await groupedCounts(66, bucket, zone);
      const perRow = await windowQuery('Transaction').where(conditions('Transaction').compare('accountId', '=', 66)).select('id').selectExpr('b', key).execute(db.prisma);
      const counted = new Map<number, bigint>();
      for (const row of perRow) counted.set(row.b.getTime(), (counted.get(row.b.getTime()) ?? 0n) + 1n);
      expect(grouped).toEqual([...counted].sort(([a], [b]) => a - b).map(([t, n]) => [new Date(t).toISOString(), n]));
      for (const [start] of grouped) {
        const at = Date.parse(start);
        expect(label(at - 1, zone, bucket), `${start} starts its bucket`).not.toBe(label(at, zone, bucket));
      }
    });
  });
});

describe('a local midnight or a whole day that never happens', () => {
  it('the day after a skipped midnight is compared with the day before (Beirut) and the year before (Sao Paulo)', async () => {
    const rows = [['10.00', '2026-03-29T12:00:00+03:00'], ['5.00', '2026-03-30T12:00:00+03:00'], ['20.00', '2018-11-04T12:00:00-02:00'], ['8.00', '2019-11-04T12:00:00-03:00']] as const;
    await withRows(63, rows, async () => {
      const beirut = await ledger().bucketTotals({ partitions: [63], bucket: 'day', timeZone: 'Asia/Beirut', compareWith: 'day', from: new Date('2026-03-30T00:00:00+03:00'), to: new Date('2026-03-31T00:00:00+03:00') });
      expect(beirut.map((d) => [label(d.bucketStart.getTime(), 'Asia/Beirut', 'day'), d.sum.toFixed(2), d.previousSum.toFixed(2), d.comparedSum!.toFixed(2)])).toEqual([['2026-03-30', '5.00', '10.00', '10.00']]);
      const saoPaulo = await ledger().bucketTotals({ partitions: [63], bucket: 'day', timeZone: 'America/Sao_Paulo', compareWith: 'year', from: new Date('2019-11-04T00:00:00-03:00'), to: new Date('2019-11-05T00:00:00-03:00') });
      expect(saoPaulo.map((d) => [label(d.bucketStart.getTime(), 'America/Sao_Paulo', 'day'), d.sum.toFixed(2), d.comparedSum!.toFixed(2)])).toEqual([['2019-11-04', '8.00', '20.00']]);
    });
  });

  it('Pacific/Apia: the 31st follows the 29th, also when the range starts on the 31st', async () => {
    const rows = [['3.00', '2011-12-29T20:00:00Z'], ['1.00', '2011-12-30T20:00:00Z']] as const; // the 29th 10:00 (-10), the 31st 10:00 (+14)
    await withRows(64, rows, async () => {
      const days = await ledger().bucketTotals({ partitions: [64], bucket: 'day', timeZone: 'Pacific/Apia', from: new Date('2011-12-30T10:00Z'), to: new Date('2011-12-31T10:00Z') });
      expect(days.map((d) => [label(d.bucketStart.getTime(), 'Pacific/Apia', 'day'), d.sum.toFixed(2), d.previousSum.toFixed(2), d.change.toFixed(2), d.runningTotal.toFixed(2)])).toEqual([
        ['2011-12-31', '1.00', '3.00', '-2.00', '4.00'],
      ]);
    });
  });
});

describe('scan: ranges starting at and around clock changes, bucket totals and the builder\'s filled key, against the reference', () => {
  // Zone, an instant at a clock change. Rows every 7 minutes for three days around it, every 3 hours further out.
  const CASES: ReadonlyArray<readonly [string, string]> = [
    ['Pacific/Apia', '2011-12-30T10:00Z'], ['Pacific/Kiritimati', '1995-01-01T10:00Z'], ['America/Sao_Paulo', '2018-11-04T03:00Z'],
    ['Asia/Beirut', '2026-10-24T21:00Z'], ['America/Havana', '2026-11-01T05:00Z'], ['Atlantic/Azores', '2026-10-25T01:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T15:00Z'], ['Australia/Lord_Howe', '2026-10-03T15:30Z'], ['Pacific/Chatham', '2026-04-04T14:00Z'],
    ['Pacific/Chatham', '2026-09-26T14:00Z'], ['America/Caracas', '2007-12-09T07:00Z'], ['Europe/Berlin', '2026-03-29T01:00Z'], ['Asia/Kolkata', '2026-06-01T00:00Z'],
    // Local mean time, whose changes fall on any second: New York's 12:00 -04:56:02 lasted 3 min 58 s (1883),
    // Kolkata went back 32 min 10 s at 18:06:40 UTC (1869), Monrovia forward 44 min 30 s at 00:44:30 UTC (1972).
    ['America/New_York', '1883-11-18T17:00:00Z'], ['Asia/Kolkata', '1869-12-31T18:06:40Z'], ['Africa/Monrovia', '1972-01-07T00:44:30Z'],
    // Across the date line from local mean time: Manila from -15:56:08 (past the 14 hours of any zone today) to
    // +08:03:52, skipping 1844-12-31; Apia the other way, living 1892-07-04 twice, from a midnight at :26:56 UTC.
    // And a midnight off the quarter hour next to a change: Mexico City, 1922.
    ['Asia/Manila', '1844-12-31T15:56:08Z'], ['Pacific/Apia', '1892-07-04T11:26:56Z'], ['America/Mexico_City', '1922-01-01T07:00:00Z'],
    // A fall-back across a midnight, splitting a day in two: the first minute of a Sunday, then the last hour of
    // Saturday again, then the rest of Sunday (St_Johns until 2010, Phoenix on New Year's Day 1944, Guam 1969);
    // Sitka from Russian to American time in 1867, living the 18th of October for a second time, from 15:30.
    ['America/St_Johns', '2006-10-29T02:31:00Z'], ['America/Phoenix', '1944-01-01T06:01:00Z'], ['Pacific/Guam', '1969-01-25T13:01:00Z'],
    ['America/Sitka', '1867-10-19T00:31:13Z'],
  ];
  const ACCOUNT = 65;

  for (const [zone, change] of CASES) {
    it(`${zone} around ${change}: hour and day buckets equal the reference`, async () => {
      const center = Date.parse(change);
      const rows: Array<{ t: number; c: bigint }> = [];
      for (let t = center - 20 * 86_400_000 + 180_000, i = 0; t < center + 20 * 86_400_000; i++) {
        rows.push({ t, c: BigInt(1 + (i % 97)) });
        t += Math.abs(t - center) < 3 * 86_400_000 ? 7 * 60_000 : 3 * 3_600_000 + 7 * 60_000;
      }
      // And right at the change, where an hour can be shorter than the rows' 7-minute step.
      for (const [i, offset] of [-180_000, -60_000, -1_000, 0, 1_000, 90_000].entries()) rows.push({ t: center + offset, c: BigInt(1_000 + i) });
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") SELECT $1, c::numeric / 100, t FROM unnest($2::bigint[], $3::timestamptz[]) AS u(c, t)', [
        ACCOUNT, rows.map((r) => r.c.toString()), rows.map((r) => new Date(r.t).toISOString()),
      ]);
      try {
        for (const bucket of ['hour', 'day'] as const) {
          const span = bucket === 'hour' ? 3 * 3_600_000 : 2 * 86_400_000;
          for (const shift of [-span, -3_600_000, -1, 0, 1, 1_800_000, 3_600_000]) {
            const from = center + shift;
            const to = from + span;
            const got = await ledger().bucketTotals({ partitions: [ACCOUNT], bucket, timeZone: zone, from: new Date(from), to: new Date(to) });
            // The reference: the runs of labels around the range, to the second; each label's first instant and the
            // end of its last run (a day split by a fall-back across its midnight has two runs, and the day before
            // it comes back between them); the labels whose [first instant, end) overlaps the range, in time order.
            const around = labelRuns(Math.floor(from / 3_600_000) * 3_600_000 - 3 * 86_400_000, to + 3 * 86_400_000, zone, bucket);
            const starts = new Map<string, number>();
            const ends = new Map<string, number>();
            for (const run of around) {
              if (!starts.has(run.label)) starts.set(run.label, run.start);
              ends.set(run.label, run.end);
            }
            const labels = [...starts.keys()].filter((l) => ends.get(l)! > from && starts.get(l)! < to);
            const sums = new Map<string, { n: number; c: bigint }>();
            for (const r of rows) {
              const l = label(r.t, zone, bucket);
              const s = sums.get(l) ?? { n: 0, c: 0n };
              sums.set(l, { n: s.n + 1, c: s.c + r.c });
            }
            // Carried in: the rows of every earlier bucket, whenever they happened.
            const first = starts.get(labels[0]!)!;
            let running = rows.filter((r) => (starts.get(label(r.t, zone, bucket)) ?? r.t) < first).reduce((total, r) => total + r.c, 0n);
            const expected = labels.map((l) => {
              const s = sums.get(l) ?? { n: 0, c: 0n };
              running += s.c;
              const previous = sums.get(label(starts.get(l)! - 1, zone, bucket))?.c ?? 0n;
              return `${l} [${new Date(starts.get(l)!).toISOString()}, ${new Date(ends.get(l)!).toISOString()}) n=${s.n} sum=${s.c} total=${running} previous=${previous}`;
            });
            const actual = got.map((b) =>
              `${label(b.bucketStart.getTime(), zone, bucket)} [${b.bucketStart.toISOString()}, ${b.bucketEnd.toISOString()}) n=${b.count} sum=${centsOf(b.sum)} total=${centsOf(b.runningTotal)} previous=${centsOf(b.previousSum)}`,
            );
            expect(actual, `${bucket} buckets of [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`).toEqual(expected);

            // The builder's filled key over the range's rows: every bucket overlapping the range once, at its first
            // instant, with the rows of the range in it (a bucket the fill misses loses its rows too).
            const inRange = rows.filter((r) => r.t >= from && r.t < to);
            const filledExpected = labels.map((l) => {
              const mine = inRange.filter((r) => label(r.t, zone, bucket) === l);
              return `${l} ${new Date(starts.get(l)!).toISOString()} n=${mine.length} sum=${mine.length === 0 ? 'null' : mine.reduce((total, r) => total + r.c, 0n)}`;
            });
            const c = conditions('Transaction');
            const filled = await groupedQuery('Transaction')
              .where(c.and(c.compare('accountId', '=', ACCOUNT), c.compare('createdAt', '>=', new Date(from)), c.compare('createdAt', '<', new Date(to))))
              .groupBy('b', expressions('Transaction').bucket('createdAt', bucket, { timeZone: zone }))
              .aggregate('n', windowFunctions('Transaction').count())
              .aggregate('total', windowFunctions('Transaction').sum('amount'))
              .fill('b', { from: new Date(from), to: new Date(to) })
              .execute(db.prisma);
            expect(
              filled.map((g) => `${label(g.b.getTime(), zone, bucket)} ${g.b.toISOString()} n=${g.n} sum=${g.total === null ? 'null' : centsOf(g.total)}`),
              `filled ${bucket} key of [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`,
            ).toEqual(filledExpected);
          }
        }
      } finally {
        await client.query('DELETE FROM "Transaction" WHERE "accountId" = $1', [ACCOUNT]);
      }
      // 10–40 s each; on PostgreSQL 15 under a busy host up to 43 s.
    }, 180_000);
  }
});
