// A custom window query can be streamed (one snapshot, bounded memory) and explained like the repositories' own.
import { setTimeout as sleep } from 'node:timers/promises';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  TransactionTimeoutError,
  ValidationError,
  windowFunctions,
  windowQuery,
  windowSpec,
} from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const db = useTestDatabase();
const admin = useTestPool(db, 1);

beforeAll(async () => {
  // 3 accounts, microsecond times, duplicate amounts (rank ties) and NULLs.
  await admin().query(`
    INSERT INTO "Transaction" ("accountId", amount, "createdAt")
    SELECT 1 + (g % 3), CASE WHEN g % 9 = 0 THEN NULL ELSE (g % 7) * 1.25 END,
           timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' + (g % 5) * interval '1 microsecond'
    FROM generate_series(1, 60) g`);
});

const f = windowFunctions('Transaction');
const byAccount = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
const query = windowQuery('Transaction')
  .select('id', 'accountId', 'amount', 'createdAt')
  .add('balance', f.runningTotal('amount'), byAccount)
  .add('previous', f.lag('amount'), byAccount)
  .add('rank', f.rank(), windowSpec('Transaction').partitionBy('accountId').orderBy('amount', 'desc'));

type Row = (typeof query)['row'];
const shape = (rows: readonly Row[]) =>
  rows.map((r) => [r.id, r.accountId, r.amount?.toFixed(2) ?? null, r.createdAt.toISOString(), r.balance.toFixed(2), r.previous?.toFixed(2) ?? null, r.rank]);

describe('windowQuery(...).stream', () => {
  it('yields exactly what execute returns (order, values, types) for every chunk size', async () => {
    const expected = await query.execute(db.prisma);
    expect(expected).toHaveLength(60);
    expect(typeof expected[0]!.id).toBe('bigint');
    for (const chunkSize of [1, 7, 59, 60, 61, 10_000]) {
      expect(shape(await collect(query.stream(db.prisma, { chunkSize }), 60)), `chunk ${chunkSize}`).toEqual(shape(expected));
    }
  });

  it('reads one snapshot: rows committed after the first chunk are not in the stream', async () => {
    const before = shape(await query.execute(db.prisma));
    const rows = query.stream(db.prisma, { chunkSize: 5 });
    const seen: Row[] = [(await rows.next()).value as Row];
    await admin().query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 1000.00, '2025-12-31 00:00:00+00')`);
    for await (const row of { [Symbol.asyncIterator]: () => rows }) seen.push(row);
    expect(shape(seen)).toEqual(before);
    await admin().query(`DELETE FROM "Transaction" WHERE amount = 1000.00`);
  });

  it('inside a caller transaction, reads there and closes its cursor so the transaction goes on', async () => {
    const expected = shape(await query.execute(db.prisma));
    const [streamed, after] = await db.prisma.$transaction(async (tx) => {
      const rows = await collect(query.stream(tx, { chunkSize: 8 }), 60);
      const [open] = await tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_cursors`;
      return [rows, open?.n] as const;
    });
    expect(shape(streamed)).toEqual(expected);
    expect(after).toBe(0);
  });

  it('an abandoned stream frees its connection after idleTimeoutMs; a later read throws TransactionTimeoutError', async () => {
    const rows = query.stream(db.prisma, { chunkSize: 4, idleTimeoutMs: 200 });
    await rows.next();
    let late: unknown;
    for (let read = 1; late === undefined; read += 1) {
      if (read > 60) throw new Error('the abandoned stream went on reading');
      // Wait past the idle limit before each read, so the transaction is certainly ended by the time one needs it.
      await sleep(300);
      late = await rows.next().then(
        (step) => (step.done ? 'ended' : undefined),
        (error: unknown) => error,
      );
    }
    expect(late).toBeInstanceOf(TransactionTimeoutError);
  });

  it('rejects bad options before any SQL', async () => {
    await expect(query.stream(db.prisma, { chunkSize: 0 }).next()).rejects.toBeInstanceOf(ValidationError);
    await expect(query.stream(db.prisma, { unknown: 1 } as never).next()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('windowQuery(...).explain', () => {
  // Node types of a plan, depth first: what PostgreSQL itself reports for the same statement, read through pg.
  const nodeTypes = (node: { 'Node Type': string; Plans?: unknown[] }): string[] => [
    node['Node Type'],
    ...((node.Plans ?? []) as Array<{ 'Node Type': string; Plans?: unknown[] }>).flatMap(nodeTypes),
  ];
  const treeTypes = (node: { nodeType: string; children: readonly unknown[] }): string[] => [
    node.nodeType,
    ...(node.children as Array<{ nodeType: string; children: readonly unknown[] }>).flatMap(treeTypes),
  ];

  it('explains exactly this query: the same plan PostgreSQL gives for its SQL and values, run (ANALYZE) or not', async () => {
    await admin().query('ANALYZE "Transaction"');
    const sql = query.toSql();
    const { rows } = await admin().query<{ 'QUERY PLAN': Array<{ Plan: { 'Node Type': string; Plans?: unknown[] } }> }>(
      `EXPLAIN (FORMAT JSON) ${sql.text}`,
      sql.values as unknown[],
    );
    const expected = nodeTypes(rows[0]!['QUERY PLAN'][0]!.Plan);
    expect(expected).toContain('WindowAgg');

    const analyzed = await query.explain(db.prisma);
    expect(analyzed.analyzed).toBe(true);
    expect(analyzed.hasWindowAgg).toBe(true);
    expect(analyzed.rows).toBe(60);
    expect(treeTypes(analyzed.root)).toEqual(expected);

    const estimated = await query.explain(db.prisma, { analyze: false });
    expect(estimated.analyzed).toBe(false);
    expect(treeTypes(estimated.root)).toEqual(expected);
  });
});
