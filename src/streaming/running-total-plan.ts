import type { FieldOf, ModelName } from '../window/catalog.ts';
import type { NullPolicy } from '../window/running-total-query.ts';

/**
 * One validated running-total request: the single value every way of running it is compiled from (the plain
 * query, keyset chunks, pages and their opening balance, streams, explain, the page-cursor fingerprint). Built
 * once by the repository from the caller's options; nothing downstream re-validates or re-derives it.
 */
export interface RunningTotalPlan<M extends ModelName> {
  readonly model: M;
  /** PARTITION BY fields; empty for one global total. */
  readonly partitionBy: readonly FieldOf<M>[];
  readonly orderBy: FieldOf<M>;
  readonly amount: FieldOf<M>;
  /** Returned fields; always include the partition fields, orderBy and the id (keysets resume by them). */
  readonly select: readonly FieldOf<M>[];
  readonly nulls: NullPolicy;
  readonly frame: 'rows' | 'range';
  /** The partitions kept (validated key values, one tuple per partition, one value per field); all when absent. */
  readonly partitions?: { readonly fields: readonly FieldOf<M>[]; readonly keys: readonly (readonly unknown[])[] };
  /** Rows at or after this instant (validated), and the start of a statement's opening balance. */
  readonly from?: Date | undefined;
  /** Rows strictly before this instant (validated). */
  readonly to?: Date | undefined;
}
