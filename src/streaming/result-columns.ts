import type { ColumnKind } from '../executor/field-decoders.ts';
import type { ModelName } from '../window/catalog.ts';
import { fieldSqlType, type SqlType } from '../window/expression.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

// Rows come back exactly as $queryRaw would type them: Decimal from the numeric's exact text (never a float),
// bigint for int8, UTC midnight for dates, 1970-01-01 for times. Other fields are read by their column type (int4
// → number, instants → Date, text → string).
const KIND_OF_TYPE: Partial<Record<SqlType, ColumnKind>> = { int8: 'bigint', numeric: 'decimal', date: 'date', time: 'time', timetz: 'time' };

/**
 * How the columns of a running-total query are read on the `pgPool` path, to the row `$queryRaw` would return:
 * the plan's selected fields by their model types, and the running total as an exact Decimal.
 */
export function runningTotalColumns<M extends ModelName>(plan: RunningTotalPlan<M>): Readonly<Record<string, ColumnKind>> {
  const columns: Record<string, ColumnKind> = {};
  for (const field of plan.select) {
    const kind = KIND_OF_TYPE[fieldSqlType(plan.model, field)];
    if (kind) columns[field] = kind;
  }
  columns.runningTotal = 'decimal';
  return columns;
}
