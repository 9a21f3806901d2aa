import type { Prisma, SalesRecord } from '../generated/prisma/client.ts';
import { requireUtcDay } from '../validation/dates.ts';
import { requireDecimal, type DecimalInput } from '../validation/decimal.ts';
import { optionalText, requireText } from '../validation/keys.ts';
import { requireOptions } from '../validation/batch.ts';
import { decimalColumnOf, textLengthOf } from '../window/catalog.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { RunningTotalRepository, type RunningTotalModel } from './running-total-repository.ts';

/** A sale to insert. `saleDate` is a calendar day: pass midnight UTC (`new Date('2026-03-01')`). */
export interface NewSalesRecord {
  readonly region: string;
  readonly saleDate: Date;
  readonly revenue: DecimalInput;
  /** Idempotency key (at most 128 characters): a row whose key is already stored is skipped, not written again. */
  readonly externalId?: string | null;
}

type SalesRecordData = Prisma.SalesRecordCreateManyInput & { region: string };

const REVENUE = decimalColumnOf('SalesRecord', 'revenue');
const REGION_LENGTH = textLengthOf('SalesRecord', 'region');
const EXTERNAL_ID_LENGTH = textLengthOf('SalesRecord', 'externalId');

function requireRegion(path: string, value: unknown): string {
  return requireText(path, value, REGION_LENGTH);
}

function requireSalesRecord(path: string, value: unknown): SalesRecordData {
  const row = requireOptions(path, value, ['region', 'saleDate', 'revenue', 'externalId']);
  return {
    region: requireRegion(`${path}.region`, row.region),
    saleDate: requireUtcDay(`${path}.saleDate`, row.saleDate),
    revenue: requireDecimal(`${path}.revenue`, row.revenue, REVENUE),
    externalId: optionalText(`${path}.externalId`, row.externalId, EXTERNAL_ID_LENGTH),
  };
}

// Checked once, when the module loads: a definition that cannot work (e.g. a `select` without the keys streams
// resume by) fails before any repository exists.
const DEFINITION = requireModelDefinition<'SalesRecord', string, SalesRecordData>({
  model: 'SalesRecord',
  partitionBy: 'region',
  orderBy: 'saleDate',
  amount: 'revenue',
  select: ['id', 'region', 'saleDate', 'revenue'],
  requireKey: requireRegion,
  requireBound: requireUtcDay,
  requireRow: requireSalesRecord,
  keyOf: (row) => row.region,
  insertFields: ['region', 'saleDate', 'revenue', 'externalId'],
  idempotencyKey: 'externalId',
  createMany: (tx, data) => tx.salesRecord.createMany({ data, skipDuplicates: true }),
});

/**
 * Running revenue over `SalesRecord`: per region (`runningTotals`) or across regions (`globalRunningTotals`),
 * ordered by `saleDate, id`, backed by the indexes `(region, saleDate, id)` and `(saleDate, id)`. `partitions`
 * are region names; `from` / `to` are whole days (midnight UTC), `to` exclusive.
 *
 * ```ts
 * const repo = new SalesRecordRepository(prisma);
 * const rows = await repo.runningTotals({ partitions: ['EMEA'], frame: 'range' });
 * ```
 */
export class SalesRecordRepository extends RunningTotalRepository<
  'SalesRecord',
  SalesRecord,
  NewSalesRecord,
  string,
  SalesRecordData
> {
  protected readonly definition: RunningTotalModel<'SalesRecord', string, SalesRecordData> = DEFINITION;
}
