/**
 * A repository defined here, in the test, from three field names and nothing else — no validators, no types, no
 * delegate — inserts, totals, streams and pages exactly on PostgreSQL. The model is `InventoryMovement` (mapped
 * table and column names, a Decimal(12, 3) amount); the reference sums integer thousandths, row by row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineRunningTotalRepository, ValidationError, type InputOf, type TotalRowOf } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { idTotals, milliToString, movementsArbitrary, stringToMilli } from '../support/ledger-data.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { propertyRuns } from '../support/property-seed.ts';

const db = useTestDatabase();
const runs = propertyRuns(6);
const rawPool = useTestPool(db, 2);

const Stock = defineRunningTotalRepository('InventoryMovement', {
  partitionBy: ['warehouseId', 'productSku'],
  orderBy: 'movedAt',
  amount: 'quantity',
});
type Movement = InputOf<InstanceType<typeof Stock>>;
type Level = TotalRowOf<InstanceType<typeof Stock>>;

// ---- exact reference in thousandths (numeric(12, 3)) ---------------------------------------------------------

interface Stored {
  readonly id: bigint;
  readonly key: string;
  readonly time: number;
  readonly milli: bigint;
}

/**
 * `id:total` per row, in (time, id) order, per partition key (or under '' for one global total); with `from`,
 * rows before it only open the balance.
 */
function reference(rows: readonly Stored[], options: { partitioned: boolean; from?: number }): Record<string, string[]> {
  const ordered = [...rows].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const totals = new Map<string, bigint>();
  const out: Record<string, string[]> = {};
  for (const row of ordered) {
    const partition = options.partitioned ? row.key : '';
    const total = (totals.get(partition) ?? 0n) + row.milli;
    totals.set(partition, total);
    if (row.time >= (options.from ?? -Infinity)) (out[partition] ??= []).push(`${row.id}:${milliToString(total)}`);
  }
  return out;
}

/**
 * The same grouping of actual rows. Partitions come back in the server's collation order, which is not
 * JavaScript's; each must be one contiguous run, in (time, id) order inside (checked against the reference).
 */
function grouped<R extends Level>(rows: readonly R[], keyOf: (row: R) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let previous: string | undefined;
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== previous && key in out) throw new Error(`partition ${JSON.stringify(key)} is not contiguous`);
    previous = key;
    (out[key] ??= []).push(`${row.id}:${row.runningTotal.toFixed(3)}`);
  }
  return out;
}

const keyText = (r: { warehouseId: number; productSku: string }) => `${r.warehouseId}\u0000${r.productSku}`;

async function stored(): Promise<Stored[]> {
  const rows = await db.prisma.inventoryMovement.findMany();
  return rows.map((r) => ({ id: r.id, key: keyText(r), time: r.movedAt.getTime(), milli: stringToMilli(r.quantity.toFixed(3)) }));
}

// The whole numeric(12, 3) range, few distinct minutes.
const movements = movementsArbitrary({ maxRows: 80, milli: { min: -999_999_999_999n, max: 999_999_999_999n }, minutes: 12 });

describe('a repository defined from the schema alone (InventoryMovement)', () => {
  it('inserts (both strategies), totals, streams (keyset and pgPool) and pages exactly', async () => {
    const stock = new Stock(db.prisma);
    const viaPool = new Stock(db.prisma, { pgPool: rawPool() });
    await fc.assert(
      fc.asyncProperty(movements, fc.constantFrom('unnest', 'createMany') as fc.Arbitrary<'unnest' | 'createMany'>, async (rows: Movement[], strategy) => {
        await db.truncate('inventory_movements');
        expect(await stock.insertMany(rows, { strategy, chunkSize: 7 })).toMatchObject({ inserted: rows.length, skipped: 0, strategy });
        const ledger = await stored();
        expect(ledger.map((r) => milliToString(r.milli)).sort()).toEqual(
          rows.map((r) => milliToString(stringToMilli(String(r.quantity)))).sort(),
        );

        const levels = await stock.runningTotals();
        expect(grouped(levels, keyText)).toEqual(reference(ledger, { partitioned: true }));
        expect(grouped(await stock.globalRunningTotals(), () => '')).toEqual(reference(ledger, { partitioned: false }));
        // Streams: the same rows in the same order, whatever the chunk boundaries.
        expect(idTotals(await collect(stock.streamRunningTotals({}, { chunkSize: 3 })), 3)).toEqual(idTotals(levels, 3));
        expect(idTotals(await collect(viaPool.streamRunningTotals({}, { chunkSize: 3 })), 3)).toEqual(idTotals(levels, 3));
        expect(idTotals(await collect(stock.streamRunningTotals({}, { chunkSize: 2, scope: 'global' })), 3)).toEqual(
          reference(ledger, { partitioned: false })[''],
        );

        // One partition's statement from the 5th minute on, two rows a page: it opens with the balance before.
        const key = { warehouseId: rows[0]!.warehouseId, productSku: rows[0]!.productSku };
        const from = new Date(Date.UTC(2026, 1, 1, 8, 5));
        const mine = ledger.filter((r) => r.key === keyText(key));
        const paged: Level[] = [];
        let after: string | undefined;
        do {
          const page = await stock.page({ partition: key, from, limit: 2, ...(after && { after }) });
          paged.push(...page.rows);
          after = page.nextCursor ?? undefined;
        } while (after);
        expect(grouped(paged, keyText)).toEqual(reference(mine, { partitioned: true, from: from.getTime() }));
      }),
      runs,
    );
  });

  it('insertAndReport returns the touched partitions with the new rows, in the same transaction', async () => {
    await db.truncate('inventory_movements');
    const stock = new Stock(db.prisma);
    await stock.insertMany([{ warehouseId: 1, productSku: 'A', quantity: '10.000', movedAt: new Date('2026-01-01T00:00:00Z') }]);
    const { inserted, totals } = await stock.insertAndReport([
      { warehouseId: 1, productSku: 'A', quantity: '-2.250', movedAt: new Date('2026-01-02T00:00:00Z') },
      { warehouseId: 2, productSku: 'A', quantity: 4, movedAt: new Date('2026-01-02T00:00:00Z') },
      { warehouseId: 2, productSku: 'A', quantity: '0.001', movedAt: new Date('2026-01-03T00:00:00Z') },
    ]);
    expect(inserted).toBe(3);
    expect(totals.map((r) => `${r.warehouseId}/${r.productSku} ${r.runningTotal.toFixed(3)}`)).toEqual([
      '1/A 10.000',
      '1/A 7.750',
      '2/A 4.000',
      '2/A 4.001',
    ]);
  });

  it('validates against the schema before any SQL: unknown fields, numeric(12, 3), varchar(32), int4, dates', async () => {
    const stock = new Stock(db.prisma);
    const row = { warehouseId: 1, productSku: 'SKU-1', quantity: '1', movedAt: new Date('2026-01-01T00:00:00Z') };
    await expect(stock.insertMany([{ ...row, quantity: '1.0005' }])).rejects.toThrow(/rows\[0\]\.quantity: 1\.0005 has 4 decimal places/);
    await expect(stock.insertMany([row, { ...row, productSku: 'X'.repeat(33) }])).rejects.toThrow(/rows\[1\]\.productSku: .*at most 32/);
    await expect(stock.insertMany([{ ...row, warehouseId: 2 ** 31 }])).rejects.toThrow(/rows\[0\]\.warehouseId: .*outside the integer/);
    await expect(stock.insertMany([{ ...row, movedAt: new Date(Number.NaN) }])).rejects.toThrow(/rows\[0\]\.movedAt: is an Invalid Date/);
    await expect(stock.insertMany([{ ...row, id: 5n } as never])).rejects.toThrow(/rows\[0\]\.id: is not a known option/);
    await expect(stock.runningTotals({ partitions: [{ warehouseId: 1 } as never] })).rejects.toThrow(ValidationError);
  });
});

describe('another window on the same model, with an override', () => {
  // Stock per product across warehouses; zero movements are refused by a rule of this app, on top of the schema's.
  const ProductStock = defineRunningTotalRepository('InventoryMovement', {
    partitionBy: 'productSku',
    orderBy: 'movedAt',
    amount: 'quantity',
    requireRow: (path, value, derived) => {
      const row = derived(path, value);
      if (row.quantity.isZero()) throw new ValidationError(`${path}.quantity`, 'a movement moves something.');
      return row;
    },
  });

  it('totals per product equal the reference; the override runs after the derived checks', async () => {
    await db.truncate('inventory_movements');
    const products = new ProductStock(db.prisma);
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 9, minute));
    await products.insertMany([
      { warehouseId: 1, productSku: 'B', quantity: '5.500', movedAt: at(1) },
      { warehouseId: 2, productSku: 'B', quantity: '-1.125', movedAt: at(1) },
      { warehouseId: 1, productSku: 'A', quantity: '2', movedAt: at(0) },
      { warehouseId: 3, productSku: 'B', quantity: '0.625', movedAt: at(0) },
    ]);
    const ledger = (await stored()).map((r) => ({ ...r, key: r.key.split('\u0000')[1]! }));
    expect(grouped(await products.runningTotals(), (r) => r.productSku)).toEqual(reference(ledger, { partitioned: true }));
    expect(grouped(await products.runningTotals({ partitions: ['B'] }), (r) => r.productSku)).toEqual(
      reference(ledger.filter((r) => r.key === 'B'), { partitioned: true }),
    );
    await expect(products.insertMany([{ warehouseId: 1, productSku: 'A', quantity: '0.000', movedAt: at(2) }])).rejects.toThrow(
      /rows\[0\]\.quantity: a movement moves something/,
    );
    await expect(products.insertMany([{ warehouseId: 1, productSku: 'A', quantity: 'lots', movedAt: at(2) }])).rejects.toThrow(
      /rows\[0\]\.quantity: .*not a decimal number/,
    );
  });
});
