/**
 * Bucketed running totals, balances as of an instant, and period-over-period changes, against a reference that
 * shares no code or SQL with the library: rows read back through plain `pg` (amounts as integer cents, instants
 * as epoch microseconds), bucketed in JavaScript from each instant's local calendar parts as `Intl` reports them.
 * Zones with DST (Berlin, New York), half- and three-quarter-hour offsets (Kolkata, Chatham), month ends, a leap
 * day and ISO weeks across a year boundary; a session whose own TimeZone is not UTC gives the same rows.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient, SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { ValidationError, type Bucket, type BucketTotal } from '../../src/index.ts';
import { comparable } from '../support/comparable.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();

// ---- data ------------------------------------------------------------------------------------------------
// Rows around DST changes, month ends, a leap day and a year boundary; duplicates, microseconds, NULL amounts.
const INSTANTS = [
  '2026-01-30 23:30:00.000001+00', '2026-01-31 23:59:59.999999+00', '2026-02-01 00:00:00+00',
  '2026-03-28 22:59:59.999999+00', '2026-03-28 23:00:00+00', '2026-03-29 00:30:00+00', '2026-03-29 01:00:00.5+00',
  '2026-03-29 01:59:59+00', '2026-03-29 22:00:00+00', '2026-03-29 22:00:00+00', '2026-03-30 06:00:00+00',
  '2026-10-24 22:30:00+00', '2026-10-25 00:15:00+00', '2026-10-25 00:45:00+00', '2026-10-25 01:15:00+00',
  '2026-10-25 01:45:00+00', '2026-10-25 02:10:00+00', '2026-10-25 23:10:00+00', '2026-11-01 05:30:00+00',
  '2026-11-01 06:30:00+00', '2026-12-27 12:00:00+00', '2026-12-31 23:59:59+00', '2027-01-01 00:00:01+00',
  '2027-01-03 20:00:00+00', '2027-01-04 00:00:00+00', '2028-02-28 23:00:00+00', '2028-02-29 12:00:00+00',
  '2028-03-01 00:00:00+00',
];
const ROWS = INSTANTS.flatMap((createdAt, i) =>
  [1, 2, 3].map((accountId) => ({
    accountId,
    createdAt,
    amount: (i + accountId) % 5 === 0 ? null : `${((i * 37 + accountId * 11) % 300) - 120}.${String((i * 7 + accountId) % 100).padStart(2, '0')}`,
  })),
);
// Account 4 only has history before the ranges below: its buckets are empty, its balance carried.
ROWS.push({ accountId: 4, createdAt: '2025-06-01 12:00:00+00', amount: '1000.01' }, { accountId: 4, createdAt: '2025-06-01 12:00:00+00', amount: '-0.01' });

interface StoredRow {
  readonly accountId: number;
  readonly micros: bigint;
  readonly cents: bigint | null;
}
let stored: StoredRow[] = [];

async function withPg<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await withPg(async (client) => {
    for (const row of ROWS) {
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [row.accountId, row.amount, row.createdAt]);
    }
    const { rows } = await client.query<{ accountId: number; micros: string; amount: string | null }>(
      `SELECT "accountId", (extract(epoch FROM "createdAt") * 1000000)::int8::text AS micros, amount::text FROM "Transaction"`,
    );
    stored = rows.map((row) => ({
      accountId: row.accountId,
      micros: BigInt(row.micros),
      cents: row.amount === null ? null : BigInt(row.amount.replace('.', '')),
    }));
  });
});

// ---- reference ------------------------------------------------------------------------------------------
const formats = new Map<string, Intl.DateTimeFormat>();
function localParts(ms: number, timeZone: string) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), offset: parts.timeZoneName! };
}

/** The reference's bucket label of an instant: its local calendar unit (hours also by offset: DST fall-back). */
function bucketLabel(ms: number, timeZone: string, bucket: Bucket): string {
  const p = localParts(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (bucket) {
    case 'hour':
      return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)} ${p.offset}`;
    case 'day':
      return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    case 'week': {
      // ISO week: the Monday on or before the local date (calendar arithmetic on a UTC date of the same digits).
      const date = new Date(Date.UTC(p.year, p.month - 1, p.day));
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      return `week of ${date.toISOString().slice(0, 10)}`;
    }
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'quarter':
      return `${p.year} Q${Math.ceil(p.month / 3)}`;
    case 'year':
      return `${p.year}`;
  }
}

const centsText = (cents: bigint) => {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
const decimalCents = (value: { toFixed(places: number): string }) => BigInt(value.toFixed(2).replace('.', ''));

function referenceSums(accountId: number, timeZone: string, bucket: Bucket): Map<string, { count: number; cents: bigint }> {
  const sums = new Map<string, { count: number; cents: bigint }>();
  for (const row of stored.filter((r) => r.accountId === accountId)) {
    const label = bucketLabel(Number(row.micros / 1000n), timeZone, bucket);
    const entry = sums.get(label) ?? { count: 0, cents: 0n };
    sums.set(label, { count: entry.count + 1, cents: entry.cents + (row.cents ?? 0n) });
  }
  return sums;
}

/** Checks one partition's buckets against the reference: labels, contiguity, counts, sums, running totals. */
function expectMatchesReference(buckets: readonly BucketTotal[], accountId: number, timeZone: string, bucket: Bucket, fill: 'zero' | 'none') {
  const sums = referenceSums(accountId, timeZone, bucket);
  expect(buckets.length, 'some buckets').toBeGreaterThan(0);
  const first = buckets[0]!.bucketStart.getTime();
  const before = stored.filter((r) => r.accountId === accountId && r.micros < BigInt(first) * 1000n).reduce((t, r) => t + (r.cents ?? 0n), 0n);
  let running = before;
  for (const [i, row] of buckets.entries()) {
    const label = bucketLabel(row.bucketStart.getTime(), timeZone, bucket);
    // A bucket starts where its label starts: the instant just before belongs to another bucket.
    expect(bucketLabel(row.bucketStart.getTime() - 1, timeZone, bucket), `${label} starts at its first instant`).not.toBe(label);
    expect(bucketLabel(row.bucketEnd.getTime() - 1, timeZone, bucket), `${label} ends where the next begins`).toBe(label);
    if (fill === 'zero' && i > 0) expect(row.bucketStart.getTime(), 'buckets are contiguous').toBe(buckets[i - 1]!.bucketEnd.getTime());
    const expected = sums.get(label) ?? { count: 0, cents: 0n };
    running += expected.cents;
    expect([label, Number(row.count), centsText(decimalCents(row.sum)), centsText(decimalCents(row.runningTotal))]).toEqual([
      label,
      expected.count,
      centsText(expected.cents),
      centsText(running),
    ]);
    const previous = sums.get(bucketLabel(row.bucketStart.getTime() - 1, timeZone, bucket))?.cents ?? 0n;
    expect(centsText(decimalCents(row.previousSum)), `${label}: previous bucket's sum`).toBe(centsText(previous));
    expect(centsText(decimalCents(row.change))).toBe(centsText(expected.cents - previous));
    expect(row.changeRatio === null).toBe(previous === 0n);
    if (fill === 'none') expect(Number(row.count)).toBeGreaterThan(0);
  }
  if (fill === 'none') {
    const inRange = [...sums.keys()].filter((label) => buckets.some((b) => bucketLabel(b.bucketStart.getTime(), timeZone, bucket) === label));
    expect(buckets.length).toBe(inRange.length);
  }
}

const ledger = () => new TransactionRepository(db.prisma);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Asia/Beirut'];
const RANGES: Record<Bucket, { from: string; to: string }> = {
  hour: { from: '2026-10-24T18:00:00Z', to: '2026-10-25T06:00:00Z' },
  day: { from: '2026-03-20T00:00:00Z', to: '2026-04-05T00:00:00Z' },
  week: { from: '2026-12-20T00:00:00Z', to: '2027-01-20T00:00:00Z' },
  month: { from: '2026-01-15T00:00:00Z', to: '2028-03-15T00:00:00Z' },
  quarter: { from: '2026-01-01T00:00:00Z', to: '2028-04-01T00:00:00Z' },
  year: { from: '2026-06-01T00:00:00Z', to: '2028-06-01T00:00:00Z' },
};

describe('bucketTotals', () => {
  for (const timeZone of ZONES) {
    for (const bucket of Object.keys(RANGES) as Bucket[]) {
      it(`${bucket} buckets in ${timeZone}, filled and not, equal the reference`, async () => {
        const range = { from: new Date(RANGES[bucket].from), to: new Date(RANGES[bucket].to) };
        for (const fill of ['zero', 'none'] as const) {
          const rows = await ledger().bucketTotals({ partitions: [1, 2, 3], bucket, timeZone, fill, ...range });
          for (const accountId of [1, 2, 3]) {
            const mine = rows.filter((row) => row.key === accountId);
            expectMatchesReference(mine, accountId, timeZone, bucket, fill);
          }
        }
      });
    }
  }

  it('DST: a 23-hour and a 25-hour day in Berlin, 25 hourly buckets on the fall-back day; Kolkata and Chatham hours', async () => {
    const days = await ledger().bucketTotals({
      partitions: [1], bucket: 'day', timeZone: 'Europe/Berlin', from: new Date('2026-03-28T12:00:00Z'), to: new Date('2026-03-30T12:00:00Z'),
    });
    expect(days.map((d) => (d.bucketEnd.getTime() - d.bucketStart.getTime()) / 3_600_000)).toEqual([24, 23, 24]);
    const autumn = await ledger().bucketTotals({
      partitions: [1], bucket: 'day', timeZone: 'Europe/Berlin', from: new Date('2026-10-25T12:00:00Z'), to: new Date('2026-10-25T13:00:00Z'),
    });
    expect(autumn.map((d) => (d.bucketEnd.getTime() - d.bucketStart.getTime()) / 3_600_000)).toEqual([25]);
    const hours = await ledger().bucketTotals({
      partitions: [1], bucket: 'hour', timeZone: 'Europe/Berlin', from: new Date('2026-10-24T22:00:00Z'), to: new Date('2026-10-25T23:00:00Z'),
    });
    expect(hours).toHaveLength(25);
    expect(new Set(hours.map((h) => h.bucketStart.getTime())).size).toBe(25);
    const kolkata = await ledger().bucketTotals({ partitions: [1], bucket: 'hour', timeZone: 'Asia/Kolkata', from: new Date('2026-11-01T05:00:00Z'), to: new Date('2026-11-01T07:00:00Z') });
    expect(kolkata.map((h) => h.bucketStart.toISOString())).toEqual(['2026-11-01T04:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
    const chatham = await ledger().bucketTotals({ partitions: [1], bucket: 'day', timeZone: 'Pacific/Chatham', from: new Date('2026-01-31T00:00:00Z'), to: new Date('2026-01-31T01:00:00Z') });
    expect(chatham[0]!.bucketStart.toISOString()).toBe('2026-01-30T10:15:00.000Z'); // midnight at +13:45 (summer)
  });

  it('carries the true balance before the first bucket, or starts at zero with carry: false; empty partitions get every bucket', async () => {
    const range = { bucket: 'month' as const, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
    const carried = await ledger().bucketTotals({ partitions: [4, 99], ...range });
    expect(carried.map((row) => [row.key, centsText(decimalCents(row.runningTotal)), Number(row.count)])).toEqual([
      [4, '1000.00', 0], [4, '1000.00', 0], [4, '1000.00', 0],
      [99, '0.00', 0], [99, '0.00', 0], [99, '0.00', 0],
    ]);
    const fresh = await ledger().bucketTotals({ partitions: [4], carry: false, ...range });
    expect(fresh.map((row) => centsText(decimalCents(row.runningTotal)))).toEqual(['0.00', '0.00', '0.00']);
    const all = await ledger().bucketTotals(range);
    expect([...new Set(all.map((row) => row.key))]).toEqual([1, 2, 3, 4]);
  });

  it('compares each month with the same month a year earlier, exactly', async () => {
    const months = await ledger().bucketTotals({
      partitions: [2], bucket: 'month', compareWith: 'year', from: new Date('2027-01-01T00:00:00Z'), to: new Date('2028-04-01T00:00:00Z'),
    });
    const sums = referenceSums(2, 'UTC', 'month');
    for (const row of months) {
      const start = row.bucketStart;
      const yearBefore = `${start.getUTCFullYear() - 1}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
      const base = sums.get(yearBefore)?.cents ?? 0n;
      expect(centsText(decimalCents(row.comparedSum!))).toBe(centsText(base));
      expect(centsText(decimalCents(row.comparedChange!))).toBe(centsText(decimalCents(row.sum) - base));
      expect(row.comparedRatio === null).toBe(base === 0n);
    }
    expect(months.some((row) => row.comparedSum!.isZero() === false)).toBe(true);
  });

  it('streams the same rows as bucketTotals, in chunks of any size, in one snapshot', async () => {
    const options = { bucket: 'hour' as const, timeZone: 'Europe/Berlin', from: new Date('2026-10-24T18:00:00Z'), to: new Date('2026-10-25T06:00:00Z') };
    const all = await ledger().bucketTotals(options);
    expect(all.length).toBeGreaterThan(40); // 4 accounts × 13 hours (one of them twice)
    for (const chunkSize of [1, 7, 1000]) {
      const streamed = [];
      for await (const row of ledger().streamBucketTotals(options, { chunkSize })) streamed.push(row);
      expect(comparable(streamed)).toEqual(comparable(all));
    }
  });

  it('pages the same rows as bucketTotals with signed cursors, for page sizes 1 to 100', async () => {
    const options = { bucket: 'hour' as const, timeZone: 'Asia/Kolkata', from: new Date('2026-10-24T18:00:00Z'), to: new Date('2026-10-25T06:00:00Z') };
    const all = comparable(await ledger().bucketTotals(options));
    for (const limit of [1, 3, 7, 100]) {
      const walked = [];
      let after: string | null = null;
      for (let pages = 0; pages <= all.length + 1; pages++) {
        const page: { rows: object[]; nextCursor: string | null } = await ledger().pageBucketTotals({ ...options, limit, after });
        expect(page.rows.length).toBeLessThanOrEqual(limit);
        walked.push(...page.rows);
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      expect(comparable(walked), `limit ${limit}`).toEqual(all);
    }
    const first = await ledger().pageBucketTotals({ ...options, limit: 2 });
    await expect(ledger().pageBucketTotals({ ...options, timeZone: 'UTC', limit: 2, after: first.nextCursor })).rejects.toThrow(/different query/);
  });

  it('one global series across partitions', async () => {
    const global = await ledger().globalBucketTotals({ bucket: 'year', from: new Date('2026-01-01T00:00:00Z'), to: new Date('2029-01-01T00:00:00Z') });
    const total = stored.reduce((t, r) => t + (r.cents ?? 0n), 0n);
    expect(global.map((row) => row.bucketStart.toISOString().slice(0, 4))).toEqual(['2026', '2027', '2028']);
    expect(centsText(decimalCents(global.at(-1)!.runningTotal))).toBe(centsText(total));
  });

  it('a session in another time zone gives the same rows', async () => {
    const chatham = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, options: '-c TimeZone=Pacific/Chatham' }) });
    try {
      const options = { partitions: [1, 2], bucket: 'day' as const, timeZone: 'America/New_York', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
      const here = await ledger().bucketTotals(options);
      const there = await new TransactionRepository(chatham).bucketTotals(options);
      expect(there.map((r) => [r.key, r.bucketStart.toISOString(), r.sum.toFixed(2), r.runningTotal.toFixed(2)])).toEqual(
        here.map((r) => [r.key, r.bucketStart.toISOString(), r.sum.toFixed(2), r.runningTotal.toFixed(2)]),
      );
    } finally {
      await chatham.$disconnect();
    }
  });

  it('refuses bad input with ValidationError before any SQL', async () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    const bad: unknown[] = [
      { bucket: 'fortnight', from, to },
      { bucket: 'day', from, to, timeZone: 'Mars/Olympus' },
      { bucket: 'day', from, to, timeZone: '+05:30' },
      { bucket: 'day', from, to, timeZone: "UTC'; DROP TABLE x; --" },
      { bucket: 'day', from },
      { bucket: 'day', from: to, to: from },
      { bucket: 'hour', from: new Date('2000-01-01T00:00:00Z'), to },
      { bucket: 'day', from, to, fill: 'ffill' },
      { bucket: 'day', from, to, compareWith: 'century' },
      { bucket: 'day', from, to, partitions: ['x'] },
      { bucket: 'day', from, to, unknown: 1 },
    ];
    for (const options of bad) await expect(ledger().bucketTotals(options as never), JSON.stringify(options)).rejects.toThrow(ValidationError);
  });
});

describe('zones whose clocks jump by half an hour or at midnight (found by an outside review)', () => {
  // Rows of account 50 only, written and removed here so the shared ledger above stays as it is.
  async function withRows<T>(rows: ReadonlyArray<readonly [string, string]>, work: () => Promise<T>): Promise<T> {
    await withPg(async (client) => {
      for (const [amount, at] of rows) await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (50, $1, $2)', [amount, at]);
    });
    try {
      return await work();
    } finally {
      await withPg((client) => client.query('DELETE FROM "Transaction" WHERE "accountId" = 50'));
    }
  }

  it('Australia/Lord_Howe: hours after its 30-minute DST change start at :30 and keep every row', async () => {
    const rows = [['1', '2026-04-04T13:10Z'], ['2', '2026-04-04T14:10Z'], ['4', '2026-04-04T15:10Z'], ['8', '2026-04-04T16:10Z'], ['16', '2026-04-04T17:40Z']] as const;
    const hours = await withRows(rows, () =>
      ledger().bucketTotals({ partitions: [50], bucket: 'hour', timeZone: 'Australia/Lord_Howe', from: new Date('2026-04-04T13:00Z'), to: new Date('2026-04-04T18:00Z') }),
    );
    expect(hours.reduce((n, h) => n + Number(h.count), 0)).toBe(5);
    expect(hours.at(-1)!.runningTotal.toFixed(2)).toBe('31.00');
    for (const [i, h] of hours.entries()) if (i > 0) expect(h.bucketStart.getTime()).toBe(hours[i - 1]!.bucketEnd.getTime());
    expect(hours.map((h) => h.bucketStart.toISOString().slice(11, 16))).toContain('17:30');
  });

  it("refuses zone names without a slash ('CET', 'IST', 'BST'), which PostgreSQL and JavaScript read as different zones, before any SQL", async () => {
    const range = { from: new Date('2026-06-30T00:00Z'), to: new Date('2026-07-04T00:00Z') };
    for (const timeZone of ['CET', 'IST', 'BST']) {
      await expect(ledger().bucketTotals({ partitions: [50], bucket: 'day', timeZone, ...range })).rejects.toBeInstanceOf(ValidationError);
    }
    // 'UTC' stays welcome, bound as Etc/UTC.
    const days = await withRows([['1.00', '2026-07-01T22:30Z']], () =>
      ledger().bucketTotals({ partitions: [50], bucket: 'day', timeZone: 'UTC', fill: 'none', ...range }),
    );
    expect(days.map((d) => d.bucketStart.toISOString())).toEqual(['2026-07-01T00:00:00.000Z']);
  });

  it('Asia/Beirut: the day after a midnight spring-forward is compared with the day before it', async () => {
    const days = await withRows([['10.00', '2026-03-28T12:00:00+02'], ['5.00', '2026-03-29T12:00:00+03']], () =>
      ledger().bucketTotals({ partitions: [50], bucket: 'day', timeZone: 'Asia/Beirut', from: new Date('2026-03-27T22:00Z'), to: new Date('2026-03-29T21:00Z') }),
    );
    const last = days.at(-1)!;
    expect([last.sum.toFixed(2), last.previousSum.toFixed(2), last.change.toFixed(2)]).toEqual(['5.00', '10.00', '-5.00']);
  });

  it('Pacific/Apia skipped 2011-12-30: no bucket for the missing day, every row counted once (found by an outside trial)', async () => {
    // One row of 1.00 every 20 minutes, 2011-12-28 to 2012-01-02 (UTC): 360 rows. Apia went from 23:59:59 on
    // the 29th (-10:00) straight to 00:00 on the 31st (+14:00).
    const rows = Array.from({ length: 360 }, (_, i) => ['1.00', new Date(Date.UTC(2011, 11, 28) + i * 20 * 60_000).toISOString()] as const);
    const range = { timeZone: 'Pacific/Apia', from: new Date('2011-12-28T00:00Z'), to: new Date('2012-01-02T00:00Z') };
    const expectedDays = new Map<string, number>();
    for (const [, at] of rows) {
      const label = bucketLabel(Date.parse(at), 'Pacific/Apia', 'day');
      expectedDays.set(label, (expectedDays.get(label) ?? 0) + 1);
    }
    expect(expectedDays.has('2011-12-30'), 'the reference knows the day is missing').toBe(false);
    await withRows(rows, async () => {
      for (const bucket of ['day', 'week', 'month'] as const) {
        for (const fill of ['zero', 'none'] as const) {
          const label = `${bucket}, fill ${fill}`;
          const series = await ledger().bucketTotals({ partitions: [50], bucket, fill, ...range });
          const global = (await ledger().globalBucketTotals({ bucket, fill, ...range })).map((b) => ({ ...b }));
          for (const buckets of [series, global]) {
            for (const [i, b] of buckets.entries()) {
              expect(b.bucketEnd.getTime(), `${label}: ${b.bucketStart.toISOString()} has a length`).toBeGreaterThan(b.bucketStart.getTime());
              if (i > 0) expect(b.bucketStart.getTime(), `${label}: buckets follow each other`).toBeGreaterThanOrEqual(buckets[i - 1]!.bucketEnd.getTime());
              expect(bucketLabel(b.bucketStart.getTime() - 1, 'Pacific/Apia', bucket), `${label}: starts at its first instant`).not.toBe(bucketLabel(b.bucketStart.getTime(), 'Pacific/Apia', bucket));
            }
            const counted = rows.filter(([, at]) => Date.parse(at) >= buckets[0]!.bucketStart.getTime() && Date.parse(at) < buckets.at(-1)!.bucketEnd.getTime()).length;
            expect(buckets.reduce((n, b) => n + Number(b.count), 0), `${label}: every row once`).toBe(counted);
            expect(buckets.at(-1)!.runningTotal.toFixed(2), `${label}: final balance`).toBe(`${counted}.00`);
          }
          if (bucket === 'day') {
            expect(series.map((b) => [bucketLabel(b.bucketStart.getTime(), 'Pacific/Apia', 'day'), Number(b.count)]), label).toEqual(
              [...expectedDays].filter(([, n]) => fill === 'zero' || n > 0),
            );
            const afterGap = series.find((b) => bucketLabel(b.bucketStart.getTime(), 'Pacific/Apia', 'day') === '2011-12-31')!;
            expect([afterGap.previousSum.toFixed(2), afterGap.bucketStart.toISOString()], `${label}: the 31st follows the 29th`).toEqual([
              `${expectedDays.get('2011-12-29')}.00`,
              '2011-12-30T10:00:00.000Z',
            ]);
          }
        }
      }
    });
  });

  it('a partition with rows only after `to` but inside the last (whole) bucket is reported, as in the global series', async () => {
    const months = await withRows([['5.00', '2026-09-20T00:00Z']], () =>
      ledger().bucketTotals({ bucket: 'month', from: new Date('2026-09-01T00:00Z'), to: new Date('2026-09-15T00:00Z') }),
    );
    expect(months.filter((m) => m.key === 50).map((m) => m.sum.toFixed(2))).toEqual(['5.00']);
  });

  it('a comparison period the buckets do not divide (weeks vs years) is refused; a missing local time compares with nothing', async () => {
    const from = new Date('2026-01-05T00:00Z');
    const to = new Date('2026-01-12T00:00Z');
    await expect(ledger().bucketTotals({ bucket: 'week', from, to, compareWith: 'year' })).rejects.toThrow(ValidationError);
    await expect(ledger().bucketTotals({ bucket: 'year', from, to, compareWith: 'month' })).rejects.toThrow(ValidationError);
    const hours = await withRows([['7.00', '2026-03-29T01:30Z']], () =>
      ledger().bucketTotals({ partitions: [50], bucket: 'hour', timeZone: 'Europe/Berlin', compareWith: 'day', from: new Date('2026-03-30T00:00Z'), to: new Date('2026-03-30T02:00Z') }),
    );
    // 02:00 local on the 30th: 02:00 on the 29th did not exist (clocks went 02:00 → 03:00). 03:00 local: the row's hour.
    expect(hours.map((h) => h.comparedSum!.toFixed(2))).toEqual(['0.00', '7.00']);
  });

  it('bounds outside years 1000 to 9998 are refused', async () => {
    await expect(ledger().bucketTotals({ bucket: 'year', from: new Date('9999-06-01T00:00Z'), to: new Date('9999-12-31T00:00Z') })).rejects.toThrow(ValidationError);
    await expect(ledger().bucketTotals({ bucket: 'day', from: new Date('0001-01-01T00:00Z'), to: new Date('0001-01-02T00:00Z') })).rejects.toThrow(ValidationError);
  });
});

describe('date order columns bucket as calendar days', () => {
  const sales = () => new SalesRecordRepository(db.prisma);
  beforeAll(async () => {
    await sales().insertMany([
      { region: 'EMEA', saleDate: new Date('2028-02-28'), revenue: '10.00' },
      { region: 'EMEA', saleDate: new Date('2028-02-29'), revenue: '20.00' },
      { region: 'EMEA', saleDate: new Date('2028-03-01'), revenue: '30.00' },
    ]);
  });
  afterAll(() => db.truncate('SalesRecord'));

  it('days and months without a zone shift in any zone; hour buckets are refused', async () => {
    const days = await sales().bucketTotals({ partitions: ['EMEA'], bucket: 'day', from: new Date('2028-02-28'), to: new Date('2028-03-02') });
    expect(days.map((d) => [d.bucketStart.toISOString().slice(0, 10), d.sum.toFixed(2), d.runningTotal.toFixed(2)])).toEqual([
      ['2028-02-28', '10.00', '10.00'],
      ['2028-02-29', '20.00', '30.00'],
      ['2028-03-01', '30.00', '60.00'],
    ]);
    const months = await sales().bucketTotals({ partitions: ['EMEA'], bucket: 'month', from: new Date('2028-02-01'), to: new Date('2028-04-01') });
    expect(months.map((m) => [m.bucketStart.toISOString().slice(0, 10), m.sum.toFixed(2)])).toEqual([['2028-02-01', '30.00'], ['2028-03-01', '30.00']]);
    const inTokyo = await sales().bucketTotals({ partitions: ['EMEA'], bucket: 'day', timeZone: 'Asia/Tokyo', from: new Date('2028-02-28'), to: new Date('2028-03-02') });
    expect(inTokyo.map((d) => [d.bucketStart.toISOString().slice(0, 10), d.sum.toFixed(2)])).toEqual(days.map((d) => [d.bucketStart.toISOString().slice(0, 10), d.sum.toFixed(2)]));
    await expect(sales().bucketTotals({ bucket: 'day', from: new Date('2028-02-01'), to: new Date('2028-03-01'), timeZone: 'Mars/Olympus' })).rejects.toThrow(ValidationError);
    await expect(sales().bucketTotals({ bucket: 'hour', from: new Date('2028-02-01'), to: new Date('2028-03-01') })).rejects.toThrow(ValidationError);
  });
});

describe('balanceAsOf and currentBalances', () => {
  const reference = (accountId: number, atMicros?: bigint) =>
    centsText(stored.filter((r) => r.accountId === accountId && (atMicros === undefined || r.micros <= atMicros)).reduce((t, r) => t + (r.cents ?? 0n), 0n));

  it('includes every row at or before `at` (inclusive, to the microsecond), 0 for partitions without rows', async () => {
    for (const at of ['2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00.000Z', '2026-10-25T01:15:00.000Z', '2030-01-01T00:00:00.000Z']) {
      const balances = await ledger().balanceAsOf({ partitions: [1, 2, 3, 4, 99], at: new Date(at) });
      const atMicros = BigInt(new Date(at).getTime()) * 1000n;
      expect(balances.map((b) => [b.key, b.balance.toFixed(2)])).toEqual([1, 2, 3, 4, 99].map((id) => [id, reference(id, atMicros)]));
    }
  });

  it('currentBalances covers every partition with rows', async () => {
    const balances = await ledger().currentBalances();
    expect(balances.map((b) => [b.key, b.balance.toFixed(2)])).toEqual([1, 2, 3, 4].map((id) => [id, reference(id)]));
    await expect(ledger().balanceAsOf({ partitions: [1] } as never)).rejects.toThrow(ValidationError);
  });
});
