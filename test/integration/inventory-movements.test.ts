import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InventoryMovementRepository, ValidationError, type NewInventoryMovement } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { propertyRuns } from '../support/property-seed.ts';
import { byPartition, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();
const runs = propertyRuns(6);

// Quantities have three decimals (numeric(12,3)): the reference works in thousandths.
const milli = (value: string) => BigInt(value.replace('.', ''));
const fromMilli = (value: bigint) => {
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(4, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -3)}.${abs.slice(-3)}`;
};

const movements = fc.array(
  fc.record({
    warehouseId: fc.integer({ min: 1, max: 3 }),
    productSku: fc.constantFrom('SKU-1', 'SKU-2', "sku'; --"),
    quantity: fc.bigInt({ min: -50_000n, max: 80_000n }).map(fromMilli),
    movedAt: fc.integer({ min: 0, max: 20 }).map((m) => new Date(Date.UTC(2026, 1, 1, 8, m))),
  }),
  { minLength: 1, maxLength: 120 },
);

describe('InventoryMovementRepository (the extension example: @map names, two-field partition)', () => {
  it('running stock level per (warehouse, product) equals an exact reference; streaming and pages agree', async () => {
    const stock = new InventoryMovementRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(movements, async (rows: NewInventoryMovement[]) => {
        await db.truncate('inventory_movements');
        await stock.insertMany(rows);
        const stored = await db.prisma.inventoryMovement.findMany();
        const ledger: LedgerRow[] = stored.map((r) => ({
          id: r.id,
          key: `${r.warehouseId}/${r.productSku}`,
          time: r.movedAt.getTime(),
          cents: milli(r.quantity.toFixed(3)),
        }));
        const expected = referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' });
        const levels = await stock.runningTotals();
        const keyOf = (r: { warehouseId: number; productSku: string }) => `${r.warehouseId}/${r.productSku}`;
        expect(byPartition(levels, keyOf, (r) => [r.id, r.runningTotal.toFixed(3)])).toEqual(
          byPartition(expected, (r) => String(r.key), (r) => [r.id, fromMilli(r.total)]),
        );

        const streamed = [];
        for await (const row of stock.streamRunningTotals({}, { chunkSize: 3 })) streamed.push(row);
        expect(streamed.map((r) => `${r.id}:${r.runningTotal.toFixed(3)}`)).toEqual(levels.map((r) => `${r.id}:${r.runningTotal.toFixed(3)}`));

        const key = { warehouseId: stored[0]!.warehouseId, productSku: stored[0]!.productSku };
        const only = await stock.runningTotals({ partitions: [key] });
        expect(only.every((r) => r.warehouseId === key.warehouseId && r.productSku === key.productSku)).toBe(true);
        expect(only.map((r) => r.id)).toEqual(levels.filter((r) => keyOf(r) === keyOf(key)).map((r) => r.id));

        const paged = [];
        let after: string | undefined;
        do {
          const page = await stock.page({ partition: key, limit: 2, ...(after && { after }) });
          paged.push(...page.rows);
          after = page.nextCursor ?? undefined;
        } while (after);
        expect(paged.map((r) => `${r.id}:${r.runningTotal.toFixed(3)}`)).toEqual(only.map((r) => `${r.id}:${r.runningTotal.toFixed(3)}`));
      }),
      runs,
    );
  });

  it('validates the composite key and the numeric(12,3) quantity before any SQL', async () => {
    const stock = new InventoryMovementRepository(db.prisma);
    await expect(stock.runningTotals({ partitions: [{ warehouseId: 1 } as never] })).rejects.toThrow(/productSku: expected a string/);
    await expect(
      stock.insertMany([{ warehouseId: 1, productSku: 'SKU-1', quantity: '1.0005', movedAt: new Date() }]),
    ).rejects.toThrow(ValidationError);
    await expect(
      stock.insertMany([{ warehouseId: 1, productSku: 'X'.repeat(33), quantity: '1', movedAt: new Date() }]),
    ).rejects.toThrow(/at most 32/);
  });

  it('explains its query like the built-in repositories', async () => {
    const summary = await new InventoryMovementRepository(db.prisma).explain();
    expect(summary.hasWindowAgg).toBe(true);
    expect(summary.analyzed).toBe(true);
  });
});
