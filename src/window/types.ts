import type { Prisma } from '../generated/prisma/client.ts';
import type { FieldOf, ModelName } from './catalog.ts';

/** A model's row as Prisma's generated client types it (`Transaction`, `SalesRecord`, ...). */
export type ModelRow<M extends ModelName> = Prisma.TypeMap['model'][M]['payload']['scalars'];

/** The TypeScript type of one field, as Prisma returns it (`Prisma.Decimal | null`, `bigint`, `Date`, ...). */
export type FieldValue<M extends ModelName, F extends FieldOf<M>> = F extends keyof ModelRow<M> ? ModelRow<M>[F] : never;

/** `FieldValue` without `null`. */
export type NonNullFieldValue<M extends ModelName, F extends FieldOf<M>> = NonNullable<FieldValue<M, F>>;

/**
 * What PostgreSQL's `sum()` returns for a field, as @prisma/adapter-pg hands it to JavaScript: `sum(int4)` is
 * `int8` → `bigint`; `sum(int8)` and `sum(numeric)` are `numeric` → `Prisma.Decimal`; `sum(float8)` → `number`.
 */
export type SumValue<V> = V extends number ? bigint : V extends bigint | Prisma.Decimal ? Prisma.Decimal : never;

/** Fields whose values can be summed or averaged. */
export type NumericFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: NonNullFieldValue<M, F> extends number | bigint | Prisma.Decimal ? F : never;
}[FieldOf<M>];

/** Fields that can be ordered by a value distance (RANGE with interval offsets). */
export type TemporalFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: NonNullFieldValue<M, F> extends Date ? F : never;
}[FieldOf<M>];
