/**
 * Filtered partitions of a composite key (issue 13, item 5, for keys of two fields): the running totals of 2, 10,
 * 190 and 1,000 (warehouse, product) keys of `inventory_movements` (100 warehouses × 37 products, every pair with
 * rows), two ways, by the server's own execution time (EXPLAIN ANALYZE, median of `repeat` runs, interleaved):
 *
 * - `compiled`: the repository's SQL, each key read on its own (`FROM keys CROSS JOIN LATERAL (... window ...)`),
 *   its rows from the `(warehouse_id, product_sku, moved_at, id, quantity)` index in window order;
 * - `joined list`: the same window over `"warehouse_id" = ANY($1) AND (...) IN (SELECT ... FROM unnest(...))`
 *   (`conditions(model).inTuples`), the statement compiled before: the planner sorts the joined rows, or reads the
 *   whole index in a merge join.
 *
 * Both return the same rows (checked by count and the sum of every running total). The section fills the table for
 * its own use and empties it afterwards.
 */
import pg from 'pg';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { InventoryMovementRepository } from '../../prisma/app/index.ts';
import { conditions, runningTotalSql, summarizePlan, windowSpec, type PlanNode, type PlanSummary } from '../../src/index.ts';
import { median } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';
import { connectClient } from './pg-clients.ts';
import { vacuumAllVisible } from '../lib/all-visible.ts';

const SHAPES = ['compiled', 'joined list'] as const;
type Shape = (typeof SHAPES)[number];
type Statement = { text: string; values: unknown[] };
type Key = { warehouseId: number; productSku: string };

/** Rows the section writes: as many as the ledger, at most 4 million (the insert and its index take a while). */
export const compositeRows = (ledgerRows: number): number => Math.min(ledgerRows, 4_000_000);

function keysOf(count: number): Key[] {
  return Array.from({ length: count }, (_, i) => ({ warehouseId: 1 + ((i * 7) % 100), productSku: `SKU-${(i * 3) % 37}` }));
}

function joinedListSql(keys: readonly Key[]): Statement {
  const c = conditions('InventoryMovement');
  const sql = runningTotalSql({
    window: windowSpec('InventoryMovement').partitionBy('warehouseId', 'productSku').orderBy('movedAt'),
    amount: 'quantity',
    nulls: 'zero',
    select: ['id', 'warehouseId', 'productSku', 'quantity', 'movedAt'],
    where: [
      c.in('warehouseId', [...new Set(keys.map((k) => k.warehouseId))]),
      c.inTuples(['warehouseId', 'productSku'], keys.map((k) => [k.warehouseId, k.productSku])),
    ],
  });
  return { text: sql.text, values: [...sql.values] };
}

function hasSortUnder(node: PlanNode, underWindowAgg = false): boolean {
  if (underWindowAgg && node.nodeType.includes('Sort')) return true;
  return node.children.some((child) => hasSortUnder(child, underWindowAgg || node.nodeType === 'WindowAgg'));
}

async function explain(client: pg.Client, sql: Statement): Promise<PlanSummary> {
  const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, sql.values);
  return summarizePlan(rows[0]?.['QUERY PLAN']);
}

async function fingerprint(client: pg.Client, sql: Statement): Promise<string> {
  const { rows } = await client.query<{ n: string; total: string }>(
    `SELECT count(*) AS n, coalesce(sum("runningTotal"), 0)::text AS total FROM (${sql.text}) r`,
    sql.values,
  );
  return `${rows[0]!.n}/${rows[0]!.total}`;
}

export async function compositeKeyPlans(prisma: PrismaClient, url: string, ledgerRows: number, repeat: number): Promise<SectionResult> {
  const repo = new InventoryMovementRepository(prisma);
  const client = await connectClient(url);
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  const rows = compositeRows(ledgerRows);
  try {
    await client.query('TRUNCATE inventory_movements');
    await client.query(
      `INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
       SELECT 1 + (g % 100), 'SKU-' || (g % 37), (g % 1000 - 500) / 10.0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
      [rows],
    );
    await vacuumAllVisible((sql) => client.query(sql).then((r) => r.rows), ['inventory_movements']);
    for (const count of [2, 10, 190, 1_000]) {
      const keys = keysOf(count);
      const compiled = repo.runningTotalsSql({ partitions: keys }, 'partition');
      const statements: Record<Shape, Statement> = { compiled: { text: compiled.text, values: [...compiled.values] }, 'joined list': joinedListSql(keys) };
      const prints = new Set<string>();
      for (const shape of SHAPES) prints.add(await fingerprint(client, statements[shape]));
      if (prints.size !== 1) throw new Error(`composite-key shapes disagree for ${count} keys: ${[...prints].join(' vs ')}`);
      const returned = Number([...prints][0]!.split('/')[0]);
      const runs = { compiled: [] as PlanSummary[], 'joined list': [] as PlanSummary[] };
      for (const shape of SHAPES) await explain(client, statements[shape]); // warm-up
      for (let i = 0; i < repeat; i++) for (const shape of SHAPES) runs[shape].push(await explain(client, statements[shape]));
      const serverMs = (shape: Shape) => median(runs[shape].map((plan) => plan.executionTimeMs ?? 0));
      for (const shape of SHAPES) {
        const plan = runs[shape][0]!;
        measurements.push({
          section: 'plans',
          what: `${count} (warehouse, product) keys of ${rows.toLocaleString('en-US')} movements: ${shape}`,
          rows: returned,
          ms: serverMs(shape),
          detail: `server time, median of ${repeat}; WindowAgg ← ${plan.windowAggFedBy}${plan.feedNodeType ? ` (${plan.feedNodeType})` : ''}; ${hasSortUnder(plan.root) ? 'a Sort under it' : 'no Sort under it'}`,
        });
      }
      const sorts = hasSortUnder(runs.compiled[0]!.root);
      const value = serverMs('joined list') / serverMs('compiled');
      ratios.push({
        section: 'plans',
        name: `${count} composite keys: compiled vs joined list, server time`,
        value,
        unit: 'x',
        goal: {
          text: 'no Sort under the WindowAgg, ≥ 1x',
          met: !sorts && value >= 1,
          ...((sorts || value < 1) && { why: sorts ? 'the planner sorted the rows of a key (is the table vacuumed?)' : 'the joined list read faster here' }),
        },
      });
    }
  } finally {
    await client.query('TRUNCATE inventory_movements').catch(() => undefined);
    await client.end();
  }
  return { measurements, ratios };
}
