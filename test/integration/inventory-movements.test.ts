import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.ts';
import { InventoryMovementRepository, type NewInventoryMovement } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { idTotals, milliToString, movementsArbitrary, stringToMilli } from '../support/ledger-data.ts';
import { propertyRuns } from '../support/property-seed.ts';
import { byPartition, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();
const runs = propertyRuns(6);

// Quantities have three decimals (numeric(12,3)): the reference works in thousandths.
const movements = movementsArbitrary({ maxRows: 120, milli: { min: -50_000n, max: 80_000n }, minutes: 20 });

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
          cents: stringToMilli(r.quantity.toFixed(3)),
        }));
        const expected = referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' });
        const levels = await stock.runningTotals();
        const keyOf = (r: { warehouseId: number; productSku: string }) => `${r.warehouseId}/${r.productSku}`;
        expect(byPartition(levels, keyOf, (r) => [r.id, r.runningTotal.toFixed(3)])).toEqual(
          byPartition(expected, (r) => String(r.key), (r) => [r.id, milliToString(r.total)]),
        );

        const streamed = await collect(stock.streamRunningTotals({}, { chunkSize: 3 }));
        expect(idTotals(streamed, 3)).toEqual(idTotals(levels, 3));

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
        expect(idTotals(paged, 3)).toEqual(idTotals(only, 3));
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
