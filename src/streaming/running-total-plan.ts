import type { FieldOf, ModelName } from '../window/catalog.ts';
import type { Condition } from '../window/conditions.ts';
import type { NullPolicy } from '../window/running-total-query.ts';

/**
 * A validated running-total request, independent of how it is executed (one query, keyset chunks, pages):
 * the repositories build it from their options, the executors turn it into SQL with the window builder.
 */
export interface RunningTotalPlan<M extends ModelName> {
  readonly model: M;
  /** PARTITION BY fields; empty for one global total. */
  readonly partitionBy: readonly FieldOf<M>[];
  readonly orderBy: FieldOf<M>;
  readonly amount: FieldOf<M>;
  /** Returned fields; always include partitionBy, orderBy and the id (the keyset needs them). */
  readonly select: readonly FieldOf<M>[];
  readonly nulls: NullPolicy;
  readonly frame: 'rows' | 'range';
  /** Filters from the options (partitions, date range). */
  readonly where: readonly Condition<M>[];
}
