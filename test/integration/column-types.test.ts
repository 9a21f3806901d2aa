/**
 * Column types the ledgers do not have — float8 and float4, a nullable int, a timestamp without zone, a time of
 * day — through the window builder, against the same windows written by hand in plain SQL through `pg`: result
 * types, RANGE offsets measured along float, time and timestamp keys, and comparisons bound in each type.
 */
import pg from 'pg';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { conditions, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const f = windowFunctions('Reading');
const c = conditions('Reading');

// Values with binary fractions and ties; times of day a few hours apart; microseconds in the timestamps.
const READINGS: Array<[number, string, string, number, number | null, number | null]> = [
  [1, '2026-05-01 08:00:00.000001', '08:00:00', 0.1, 0.5, 3],
  [1, '2026-05-01 08:00:00.000002', '08:30:00', 0.2, null, null],
  [1, '2026-05-01 09:15:00', '09:15:00', 0.30000000000000004, 1.25, -7],
  [1, '2026-05-01 11:00:00', '11:00:00', 2.5, 0.125, 2147483647],
  [1, '2026-05-02 08:00:00', '08:00:00', 2.5, 3.5, 1],
  [2, '2026-05-01 23:59:59.999999', '23:59:59.999999', -1e-9, null, null],
  [2, '2026-05-02 00:00:00', '00:00:00', 1e300, 0, 0],
];

async function byHand(select: string): Promise<Map<string, string | null>> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; v: string | null }>(`SELECT id::text, (${select})::text AS v FROM readings`);
    return new Map(rows.map((row) => [row.id, row.v]));
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const [sensor, takenAt, dayTime, value, ratio, level] of READINGS) {
      await client.query('INSERT INTO readings (sensor_id, taken_at, day_time, value, ratio, level) VALUES ($1, $2, $3, $4, $5, $6)', [
        sensor, takenAt, dayTime, value, ratio, level,
      ]);
    }
  } finally {
    await client.end();
  }
});

describe('comparing two fields of a row', () => {
  it('float with float (a NULL on either side never matches), and kinds that cannot meet are refused', async () => {
    const rows = await windowQuery('Reading')
      .select('id')
      .where(c.compareFields('value', '>', 'ratio'))
      .add('n', f.count(), windowSpec('Reading').wholePartition())
      .execute(db.prisma);
    const expected = await byHand(`CASE WHEN value > ratio THEN 'in' END`);
    expect(rows.map((row) => String(row.id)).sort()).toEqual([...expected].filter(([, v]) => v === 'in').map(([id]) => id).sort());
    expect(rows.length).toBeGreaterThan(0);
    expect(() => c.compareFields('takenAt', '<', 'dayTime')).toThrow(WindowSpecError);
    expect(() => c.compareFields('value', 'LIKE' as never, 'ratio')).toThrow(WindowSpecError);
    expect(() => c.compareFields('value', '=', 'nope' as never)).toThrow(WindowSpecError);
  });
});

describe('float, nullable int, timestamp and time columns in the builder', () => {
  const perSensor = windowSpec('Reading').partitionBy('sensorId').orderBy('takenAt');

  it('types and reads them like Prisma, and sums and averages them like PostgreSQL', async () => {
    const query = windowQuery('Reading')
      .select('id', 'takenAt', 'dayTime', 'value', 'ratio', 'level')
      .add('valueSum', f.sum('value'), perSensor)
      .add('levelSum', f.sum('level'), perSensor)
      .add('ratioAvg', f.avg('ratio'), perSensor);
    const rows = await query.execute(db.prisma);
    type Row = (typeof rows)[number];
    expectTypeOf<Row['value']>().toEqualTypeOf<number>();
    expectTypeOf<Row['ratio']>().toEqualTypeOf<number | null>();
    expectTypeOf<Row['level']>().toEqualTypeOf<number | null>();
    expectTypeOf<Row['takenAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Row['levelSum']>().toEqualTypeOf<bigint | null>();

    const valueSum = await byHand(`sum(value) OVER (PARTITION BY sensor_id ORDER BY taken_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`);
    const levelSum = await byHand(`sum(level) OVER (PARTITION BY sensor_id ORDER BY taken_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`);
    const takenAt = await byHand(`to_char(taken_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
    const dayTime = await byHand(`to_char(day_time, 'HH24:MI:SS.MS')`);
    expect(rows).toHaveLength(READINGS.length);
    for (const row of rows) {
      const id = String(row.id);
      expect(row.valueSum, `value sum of ${id}`).toBe(Number(valueSum.get(id)));
      expect(row.levelSum === null ? null : String(row.levelSum), `level sum of ${id}`).toBe(levelSum.get(id) ?? null);
      expect(row.takenAt.toISOString(), `takenAt of ${id}`).toBe(takenAt.get(id));
      expect(row.dayTime.toISOString().slice(11, 23), `dayTime of ${id}`).toBe(dayTime.get(id));
    }
  });

  it('RANGE offsets along a float, a time and a timestamp key count the same rows as PostgreSQL', async () => {
    const cases = [
      [windowSpec('Reading').orderBy('value').range({ preceding: 1.5 }, 'CURRENT ROW'), 'ORDER BY value RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW'],
      [windowSpec('Reading').orderBy('dayTime').range({ preceding: { interval: '1 hour' } }, 'CURRENT ROW'), "ORDER BY day_time RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW"],
      [windowSpec('Reading').partitionBy('sensorId').orderBy('takenAt').range({ preceding: { interval: '1 day' } }, { following: { interval: '1 hour' } }), "PARTITION BY sensor_id ORDER BY taken_at RANGE BETWEEN interval '1 day' PRECEDING AND interval '1 hour' FOLLOWING"],
    ] as const;
    for (const [spec, sql] of cases) {
      const rows = await windowQuery('Reading').select('id').add('n', f.count(), spec).execute(db.prisma);
      const expected = await byHand(`count(*) OVER (${sql})`);
      expect(new Map(rows.map((row) => [String(row.id), String(row.n)])), sql).toEqual(expected);
    }
    expect(() => windowSpec('Reading').orderBy('value').range({ preceding: { interval: '1 hour' } })).toThrow(WindowSpecError);
    expect(() => windowSpec('Reading').orderBy('dayTime').range({ preceding: 2 })).toThrow(WindowSpecError);
    expect(() => windowSpec('Reading').orderBy('sensorId').range({ preceding: 0.5 })).toThrow(/whole-number/);
    expect(() => windowSpec('Reading').orderBy('value').rows({ preceding: 1.5 })).toThrow(/integer/);
  });

  it('filters compare in the column type: float, nullable int, timestamp and time', async () => {
    const rows = await windowQuery('Reading')
      .select('id')
      .where(
        c.compare('value', '>', 0.15),
        c.isNotNull('level'),
        c.compare('takenAt', '<', new Date('2026-05-02T00:00:00Z')),
        c.compare('dayTime', '>=', new Date('1970-01-01T08:00:00Z')),
      )
      .add('n', f.rowNumber(), windowSpec('Reading').orderBy('takenAt'))
      .execute(db.prisma);
    const expected = await byHand(
      `CASE WHEN value > 0.15 AND level IS NOT NULL AND taken_at < '2026-05-02 00:00:00' AND day_time >= '08:00:00' THEN 'in' END`,
    );
    expect(rows.map((row) => String(row.id)).sort()).toEqual([...expected].filter(([, v]) => v === 'in').map(([id]) => id).sort());
  });
});
