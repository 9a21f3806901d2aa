import type * as Prisma from '../prisma-runtime.ts';
import type { FieldOf, ModelName, WindowCatalog } from './catalog.ts';

/** JSON as Prisma returns a `Json` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JavaScript type Prisma returns for a Prisma scalar type: `Decimal` for `Decimal`, `bigint` for `BigInt`,
 * `Date` for `DateTime`, `Uint8Array` for `Bytes`; an enum's value is its name, a string.
 */
export type ScalarValue<T> = T extends 'Int' | 'Float'
  ? number
  : T extends 'BigInt'
    ? bigint
    : T extends 'Decimal'
      ? Prisma.Decimal
      : T extends 'Boolean'
        ? boolean
        : T extends 'DateTime'
          ? Date
          : T extends 'Bytes'
            ? Uint8Array
            : T extends 'Json'
              ? JsonValue
              : string;

/** The value of one catalog column: its scalar (or list of scalars), `| null` when the column is nullable. */
export type CatalogColumnValue<C> = C extends { readonly type: infer T; readonly isList: infer L; readonly nullable: infer N }
  ? (L extends true ? ColumnScalar<C, T>[] : ColumnScalar<C, T>) | (N extends true ? null : never)
  : unknown;

/** An enum column's value is one of its names in schema.prisma (`'CREDIT' | 'DEBIT'`), as Prisma's client types it. */
type ColumnScalar<C, T> = C extends { readonly kind: 'enum'; readonly enum: { readonly values: infer V } } ? keyof V & string : ScalarValue<T>;

/** A model's row as Prisma's client returns it, derived from the registered catalog (`Transaction`, `Payment`, ...). */
export type ModelRow<M extends ModelName> = { [F in FieldOf<M>]: CatalogColumnValue<WindowCatalog[M]['columns'][F]> };

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

// ---- Field roles, read from the generated catalog (what `defineRunningTotalRepository` accepts) ---------------

/** The catalog entry of one field (`column`, `type`, `nullable`, `default`, `unique`, ...). */
export type ColumnOf<M extends ModelName, F extends FieldOf<M>> = WindowCatalog[M]['columns'][F];

/**
 * Whether a catalog column is filled by the database and never written by an insert: `@default(autoincrement())`,
 * `@default(sequence())` or `@default(dbgenerated(...))`. Generic over the column shape so that rules can be
 * checked against columns this schema does not have.
 */
export type IsGeneratedColumn<C> = C extends { readonly default: { readonly function: 'autoincrement' | 'sequence' | 'dbgenerated' } }
  ? true
  : false;

/**
 * Whether an insert may omit the column because the library can supply Prisma's value itself: `@updatedAt` and
 * `@default(now())` (the time of validation), a literal `@default(...)`, `@default(uuid())` (a random v4 UUID).
 * Other client-side defaults (`cuid()`, `nanoid()`, `ulid()`, `uuid(7)`) must be passed.
 */
export type IsDefaultedColumn<C> = C extends { readonly updatedAt: true }
  ? true
  : C extends { readonly default: { readonly value: unknown } }
    ? true
    : C extends { readonly default: { readonly function: 'now' } }
      ? true
      : C extends { readonly default: { readonly function: 'uuid'; readonly args: readonly [] | readonly [4] } }
        ? true
        : false;

/** Fields an insert writes: every scalar field the database does not generate (see `IsGeneratedColumn`). */
export type InsertFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: IsGeneratedColumn<ColumnOf<M, F>> extends true ? never : F;
}[FieldOf<M>];

/**
 * Fields a partition key can be made of: NOT NULL, single-valued Int, BigInt, String, Boolean, DateTime or enum. A
 * NULL partition value could not be selected with `partitions` nor resumed after by streams and pages.
 */
export type PartitionFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: ColumnOf<M, F> extends { readonly nullable: false; readonly isList: false }
    ? ColumnOf<M, F> extends { readonly type: 'Int' | 'BigInt' | 'String' | 'Boolean' | 'DateTime' } | { readonly kind: 'enum' }
      ? F
      : never
    : never;
}[FieldOf<M>];

/** Fields a running total can be ordered by: NOT NULL DateTime (timestamp, timestamptz or date) fields. */
export type OrderFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: ColumnOf<M, F> extends { readonly nullable: false; readonly isList: false; readonly type: 'DateTime' }
    ? ColumnOf<M, F> extends { readonly nativeType: readonly ['Time' | 'Timetz', ...unknown[]] }
      ? never
      : F
    : never;
}[FieldOf<M>];

/**
 * Fields a running total can sum: Decimal fields (NULL allowed). Totals are exact `Prisma.Decimal`s end to end:
 * streams and pages carry the last total into the next chunk as a Decimal.
 */
export type AmountFieldOf<M extends ModelName> = {
  [F in FieldOf<M>]: ColumnOf<M, F> extends { readonly isList: false; readonly type: 'Decimal' } ? F : never;
}[FieldOf<M>];

// Fields of a multi-field unique key (`@@unique([accountId, externalId])`).
type CompositeKeyFieldOf<M extends ModelName> = WindowCatalog[M] extends {
  readonly uniqueKeys: infer K extends readonly (readonly string[])[];
}
  ? K[number][number]
  : never;

/**
 * Fields that can be an idempotency key: written by inserts and unique (an `ON CONFLICT` target), alone or within
 * a multi-field unique key (which must then consist of the key and partition fields: checked at run time).
 */
export type UniqueFieldOf<M extends ModelName> = {
  [F in InsertFieldOf<M>]: ColumnOf<M, F> extends { readonly unique: true } ? F : F extends CompositeKeyFieldOf<M> ? F : never;
}[InsertFieldOf<M>];
