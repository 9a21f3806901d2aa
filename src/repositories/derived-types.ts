import type { DbNullClass, JsonNullClass } from '../prisma-runtime.ts';
import type { BulkInsertOptions } from '../ingest/bulk-insert.ts';
import type { FieldOf, ModelName } from '../window/catalog.ts';
import type {
  ColumnOf,
  FieldValue,
  InsertFieldOf,
  IsDefaultedColumn,
  NonNullFieldValue,
  PartitionFieldOf,
} from '../window/types.ts';
import type { DecimalInput } from '../validation/decimal.ts';
import type { PageOptions, RunningTotalOptions } from './running-total-options.ts';

/**
 * Row, key and input types of a repository, computed from the generated catalog and Prisma's model types, so
 * they follow schema.prisma after `npm run generate` (see `defineRunningTotalRepository`).
 */

/** Flattens an intersection of mapped types into one object type (readable in editor tooltips). */

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** `null` when the field is nullable (and Prisma's `DbNull`, SQL NULL, for a nullable `Json` field). */
type NullOf<M extends ModelName, F extends FieldOf<M>> = ColumnOf<M, F> extends { readonly nullable: true }
  ? null | (ColumnOf<M, F> extends { readonly type: 'Json'; readonly isList: false } ? DbNullClass : never)
  : never;

/**
 * What a caller may pass for a field: Decimals also as strings / numbers, BigInts also as safe integers, a `Json`
 * field's JSON `null` as Prisma's `JsonNull`.
 */
export type InputValue<M extends ModelName, F extends FieldOf<M>> =
  | (ColumnOf<M, F> extends { readonly type: 'Decimal' }
      ? DecimalInput
      : ColumnOf<M, F> extends { readonly type: 'BigInt' }
        ? bigint | number
        : ColumnOf<M, F> extends { readonly type: 'Json'; readonly isList: false }
          ? NonNullFieldValue<M, F> | JsonNullClass
          : NonNullFieldValue<M, F>)
  | NullOf<M, F>;

/**
 * Insert fields a row may leave out: those the library fills like Prisma does (`@updatedAt`, `now()`, literal
 * defaults, `uuid()`), and nullable ones (left out = NULL) — except the amount, which must always be given
 * (`null` where it is nullable), so that a forgotten amount is an error rather than a silent zero.
 */
export type OptionalInputFieldOf<M extends ModelName, Amount extends FieldOf<M>> = {
  [F in InsertFieldOf<M>]: IsDefaultedColumn<ColumnOf<M, F>> extends true
    ? F
    : F extends Amount
      ? never
      : ColumnOf<M, F> extends { readonly nullable: true }
        ? F
        : never;
}[InsertFieldOf<M>];

/** One row as `insertMany` takes it: every insert field (see `OptionalInputFieldOf` for which may be left out). */
export type NewRow<M extends ModelName, Amount extends FieldOf<M>> = Simplify<
  { readonly [F in Exclude<InsertFieldOf<M>, OptionalInputFieldOf<M, Amount>>]: InputValue<M, F> } & {
    readonly [F in OptionalInputFieldOf<M, Amount>]?: InputValue<M, F>;
  }
>;

/** A validated row, as the bulk insert writes it: every insert field, with Prisma's value types. */
export type DataRow<M extends ModelName> = { [F in InsertFieldOf<M>]: FieldValue<M, F> };

/** A row of results: the selected fields with Prisma's value types. */
export type ResultRow<M extends ModelName, Selected extends FieldOf<M>> = Simplify<{
  readonly [F in Selected]: FieldValue<M, F>;
}>;

/** `partitionBy`: one field, or a non-empty list of them (a composite key). */
export type PartitionSpec<M extends ModelName> =
  | PartitionFieldOf<M>
  | readonly [PartitionFieldOf<M>, ...PartitionFieldOf<M>[]];

/** A key value: BigInt keys also as safe integers. */
type KeyValue<M extends ModelName, F extends FieldOf<M>> = ColumnOf<M, F> extends { readonly type: 'BigInt' }
  ? bigint | number
  : NonNullFieldValue<M, F>;

/**
 * A partition key: the field's value for a single-field key (`accountId` → `number`), an object with every
 * partition field for a composite one (`['warehouseId', 'productSku']` → `{ warehouseId: number; productSku: string }`).
 */
export type PartitionKey<M extends ModelName, P extends PartitionSpec<M>> = P extends FieldOf<M>
  ? KeyValue<M, P>
  : P extends readonly FieldOf<M>[]
    ? Simplify<{ readonly [F in P[number]]: KeyValue<M, F> }>
    : never;

// ---- what a repository class works with, read back from the class ------------------------------------------

/**
 * The input row type of a repository's `insertMany`.
 *
 * ```ts
 * type NewInventoryMovement = InputOf<InventoryMovementRepository>;
 * ```
 */
export type InputOf<R> = R extends { insertMany(rows: readonly (infer I)[], options?: BulkInsertOptions): unknown } ? I : never;

/**
 * The partition key type of a repository (what `partitions` lists and `page({ partition })` takes).
 *
 * ```ts
 * type StockKey = PartitionKeyOf<InventoryMovementRepository>; // { readonly warehouseId: number; readonly productSku: string }
 * ```
 */
export type PartitionKeyOf<R> = R extends { page(options: PageOptions<infer K>): unknown } ? K : never;

/**
 * A result row of a repository, running total included.
 *
 * ```ts
 * type StockLevel = TotalRowOf<InventoryMovementRepository>; // { id: bigint; ...; runningTotal: Prisma.Decimal }
 * ```
 */
export type TotalRowOf<R> = R extends { runningTotals(options?: RunningTotalOptions<never>): Promise<(infer T)[]> } ? T : never;

