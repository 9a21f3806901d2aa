import { requireModelDefinition } from '../validation/model-definition.ts';
import type { FieldOf, ModelName, WindowCatalog } from '../window/catalog.ts';
import type { AmountFieldOf, OrderFieldOf, UniqueFieldOf } from '../window/types.ts';
import type { DbClient } from '../executor/db-client.ts';
import { deriveModelDefinition, type DerivationSpec } from './derived-definition.ts';
import type { DataRow, NewRow, PartitionKey, PartitionSpec, ResultRow } from './derived-types.ts';
import { RunningTotalRepository, type RepositoryOptions, type RunningTotalModel } from './running-total-repository.ts';

/** A derived validator, handed to an override so that it can add rules instead of starting over. */
export type Validator<T> = (path: string, value: unknown) => T;

/**
 * What `defineRunningTotalRepository` takes besides the model name. Only the three fields of the window are
 * required; everything else is derived from the schema and can be overridden.
 */
export interface RunningTotalDefinition<
  M extends ModelName,
  P extends PartitionSpec<M>,
  O extends OrderFieldOf<M>,
  A extends AmountFieldOf<M>,
  S extends readonly FieldOf<M>[],
> {
  /** PARTITION BY: one NOT NULL field, or a list of them (the key is then an object with those fields). */
  readonly partitionBy: P;
  /** ORDER BY: a NOT NULL DateTime field; the id is appended as the tiebreaker. */
  readonly orderBy: O;
  /** The summed Decimal field. */
  readonly amount: A;
  /** Fields returned beside the total. Default: every scalar field. Must include the id, partition and order fields. */
  readonly select?: S | undefined;
  /** Unique field whose stored values make a retried insert skip the row. Default: the only `String? @unique` field; `null` for none. */
  readonly idempotencyKey?: UniqueFieldOf<M> | null | undefined;
  /**
   * A model storing balance checkpoints of this ledger (fields: the partition fields, `through`, `balance`): then
   * `balanceAsOf` of given partitions costs one lookup plus the rows since the last checkpoint, and
   * `writeCheckpoints` stores them. Needs the triggers of `balanceCheckpointsSql` in a migration.
   */
  readonly checkpoints?: ModelName | undefined;
  /** Validates a partition key; `derived` is the schema's check (types, lengths), to call first. */
  readonly requireKey?: ((path: string, value: unknown, derived: Validator<PartitionKey<M, P>>) => PartitionKey<M, P>) | undefined;
  /** Validates `from` / `to`; `derived` accepts a valid Date (midnight UTC for a `@db.Date` order field). */
  readonly requireBound?: ((path: string, value: unknown, derived: Validator<Date>) => Date) | undefined;
  /**
   * Validates one input row into what is written; `derived` checks every column against the schema. Runs once per
   * row: with an override, a bulk insert keeps the rows it validated (without one, `'copy'` validates them again as
   * it writes them; see `RunningTotalModel.pureRequireRow`).
   */
  readonly requireRow?: ((path: string, value: unknown, derived: Validator<DataRow<M>>) => DataRow<M>) | undefined;
}

/** The id, partition and order fields: what streams and pages resume after, so `select` must hold them. */
type KeysetFieldOf<M extends ModelName, P extends PartitionSpec<M>, O extends FieldOf<M>> =
  | (WindowCatalog[M]['id'] & FieldOf<M>)
  | (P extends readonly FieldOf<M>[] ? P[number] : P)
  | O;

/** The first field a list repeats, or `never`. */
type Repeated<T> = T extends readonly [infer Head, ...infer Rest] ? (Head extends Rest[number] ? Head : Repeated<Rest>) : never;

/**
 * Type errors that name the problem (all are checked at run time too): a `select` without the keyset fields
 * (`missingFields`), a composite key that lists a field twice (`repeatedField`), a model without a single-field
 * `@id` to end every order with (`needsASingleFieldId`).
 */
type DefinitionCheck<M extends ModelName, P extends PartitionSpec<M>, O extends FieldOf<M>, S extends readonly FieldOf<M>[]> = ([
  Exclude<KeysetFieldOf<M, P, O>, S[number]>,
] extends [never]
  ? unknown
  : { readonly select: { readonly missingFields: Exclude<KeysetFieldOf<M, P, O>, S[number]> } }) &
  ([Repeated<P>] extends [never] ? unknown : { readonly partitionBy: { readonly repeatedField: Repeated<P> } }) &
  ([WindowCatalog[M]['id']] extends [null] ? { readonly model: { readonly needsASingleFieldId: M } } : unknown);

/**
 * The base of the classes `defineRunningTotalRepository` makes: a repository whose definition is handed in (and
 * checked) at construction instead of written in a subclass. Use it through `defineRunningTotalRepository`;
 * `instanceof` works on it.
 *
 * ```ts
 * new InventoryMovementRepository(prisma) instanceof DerivedRunningTotalRepository; // true
 * ```
 */
export class DerivedRunningTotalRepository<M extends ModelName, Row, Input, Key, Data> extends RunningTotalRepository<
  M,
  Row,
  Input,
  Key,
  Data
> {
  protected readonly definition: RunningTotalModel<M, Key, Data>;

  /** @param definition called once per construction: derives (first time) and checks the definition. */
  constructor(db: DbClient, options: RepositoryOptions | undefined, definition: () => RunningTotalModel<M, Key, Data>) {
    super(db, options);
    this.definition = definition();
  }
}

/** A repository class made by `defineRunningTotalRepository`: construct it like any other repository, or extend it. */
export type RunningTotalRepositoryClass<M extends ModelName, Row, Input, Key, Data> = new (
  db: DbClient,
  options?: RepositoryOptions,
) => DerivedRunningTotalRepository<M, Row, Input, Key, Data>;

/**
 * A running-total repository class for a model, derived from the schema: name the partition, order and amount
 * fields, and the catalog written by `npm run generate` supplies the rest — input validation per column type
 * (int4 range, varchar length, exact `numeric(p, s)`, instants, whole days for `@db.Date`, nullability,
 * defaults), the fields an insert writes (every scalar field the database does not generate), the idempotency key
 * (the one `String? @unique` field), `select` (every scalar field), and `createMany` through the model's delegate.
 * Row, input and key types are inferred from the same schema.
 *
 * The class has the full repository API: `runningTotals`, `globalRunningTotals`, `streamRunningTotals`, `page`,
 * `explain`, `insertMany`, `insertAndReport`, `runningTotalsSql`. A composite key is an object with the partition
 * fields (`{ warehouseId: 1, productSku: 'SKU-1' }`); a single-field key is the value itself.
 *
 * A definition that cannot be deterministic or complete does not compile (unknown field, a nullable or
 * non-scalar partition field, an order field that is not a NOT NULL DateTime, an amount that is not Decimal, a
 * `select` without the id, partition and order fields); forced through with a cast, constructing the class throws
 * `WindowSpecError`. Overrides (`select`, `idempotencyKey`, `requireKey`, `requireBound`, `requireRow`) replace or
 * wrap what is derived.
 *
 * ```ts
 * export class InventoryMovementRepository extends defineRunningTotalRepository('InventoryMovement', {
 *   partitionBy: ['warehouseId', 'productSku'],
 *   orderBy: 'movedAt',
 *   amount: 'quantity',
 * }) {}
 *
 * const stock = new InventoryMovementRepository(prisma);
 * await stock.insertMany([{ warehouseId: 1, productSku: 'SKU-1', quantity: '12.500', movedAt: new Date() }]);
 * const levels = await stock.runningTotals({ partitions: [{ warehouseId: 1, productSku: 'SKU-1' }] });
 * ```
 */
export function defineRunningTotalRepository<
  M extends ModelName,
  const P extends PartitionSpec<M>,
  O extends OrderFieldOf<M>,
  A extends AmountFieldOf<M>,
  const S extends readonly FieldOf<M>[] = readonly FieldOf<M>[],
>(
  model: M,
  definition: RunningTotalDefinition<M, P, O, A, S> & DefinitionCheck<M, NoInfer<P>, O, NoInfer<S>>,
): RunningTotalRepositoryClass<M, ResultRow<M, S[number]>, NewRow<M, A>, PartitionKey<M, P>, DataRow<M>> {
  type Definition = RunningTotalModel<M, PartitionKey<M, P>, DataRow<M>>;
  // A snapshot, so that changing the object afterwards cannot change the repository.
  const spec = snapshot(definition);
  let checked: Definition | undefined;
  // Derived and checked on first construction (then shared): importing a module that defines a repository
  // never throws, constructing one from a definition that cannot work always does.
  const definitionOnce = (): Definition =>
    (checked ??= requireModelDefinition(deriveModelDefinition(model, spec) as unknown as Definition));

  return class extends DerivedRunningTotalRepository<M, ResultRow<M, S[number]>, NewRow<M, A>, PartitionKey<M, P>, DataRow<M>> {
    constructor(db: DbClient, options?: RepositoryOptions) {
      super(db, options, definitionOnce);
    }
  };
}

function snapshot(definition: object): DerivationSpec {
  // Not an object (forced through a cast): passed on as it is, for the derivation to reject.
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return definition as unknown as DerivationSpec;
  const copy: Record<string, unknown> = { ...definition };
  for (const key of ['partitionBy', 'select']) {
    if (Array.isArray(copy[key])) copy[key] = [...(copy[key] as unknown[])];
  }
  return copy as unknown as DerivationSpec;
}
