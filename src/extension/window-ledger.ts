import { WindowSpecError } from '../errors.ts';
import type { DbClient } from '../executor/db-client.ts';
import { defineRunningTotalRepository, type DerivedRunningTotalRepository } from '../repositories/define-repository.ts';
import type { DataRow, NewRow, PartitionKey, PartitionSpec, ResultRow } from '../repositories/derived-types.ts';
import type { RepositoryOptions } from '../repositories/running-total-repository.ts';
import { delegateName } from '../repositories/model-delegate.ts';
import { idField, type FieldOf, type ModelName, type WindowCatalog } from '../window/catalog.ts';
import type { AmountFieldOf, OrderFieldOf, UniqueFieldOf } from '../window/types.ts';
import { windowQuery, type WindowQuery } from '../window/window-query.ts';
import { SignedToken } from '../validation/signed-token.ts';
import { REPOSITORY_OPTION_KEYS, requireRepositoryOptions } from '../validation/repository-options.ts';
import { requireModelDefinition } from '../validation/model-definition.ts';
import { deriveModelDefinition, type DerivationSpec } from '../repositories/derived-definition.ts';

/** How one model takes part in the extension: the window's three fields, optional overrides and options. */
export interface LedgerModelDefinition<M extends ModelName> {
  /** PARTITION BY: one NOT NULL field, or a list of them (the key is then an object with those fields). */
  readonly partitionBy: PartitionSpec<M>;
  /** ORDER BY: a NOT NULL DateTime field; the id is appended as the tiebreaker. */
  readonly orderBy: OrderFieldOf<M>;
  /** The summed Decimal field. */
  readonly amount: AmountFieldOf<M>;
  /** Fields returned beside the total. Default: every scalar field. */
  readonly select?: readonly FieldOf<M>[] | undefined;
  /** Unique field that makes a retried insert skip the row. Default: the only `String? @unique` field. */
  readonly idempotencyKey?: UniqueFieldOf<M> | null | undefined;
  /** A model storing balance checkpoints of this ledger (see `defineRunningTotalRepository`). */
  readonly checkpoints?: ModelName | undefined;
  /**
   * `cursorSecret` (signs page cursors), `pgPool` (streams, reads and COPY inserts on it) and `preparedStatements`
   * (reads prepared on its connections), as for a repository.
   */
  readonly options?: RepositoryOptions | undefined;
}

/**
 * Which models get running-total methods, by model name (as in schema.prisma). A model without a single-field
 * `@id` (the tiebreaker every order ends with) cannot be configured.
 */
export type WindowLedgerConfig = {
  readonly [M in ModelName]?: [WindowCatalog[M]['id']] extends [null] ? { readonly needsASingleFieldId: M } : LedgerModelDefinition<M>;
};

type SelectedOf<M extends ModelName, D> = D extends { readonly select: readonly (infer F extends FieldOf<M>)[] } ? F : FieldOf<M>;

/** The repository a definition makes (what `defineRunningTotalRepository` would make from the same fields). */
export type LedgerRepository<M extends ModelName, D extends LedgerModelDefinition<M>> = DerivedRunningTotalRepository<
  M,
  ResultRow<M, SelectedOf<M, D>>,
  NewRow<M, D['amount']>,
  PartitionKey<M, D['partitionBy']>,
  DataRow<M>
>;

const METHODS = [
  'runningTotals',
  'globalRunningTotals',
  'runningTotalsSql',
  'streamRunningTotals',
  'page',
  'explain',
  'insertMany',
  'insertAndReport',
  'bucketTotals',
  'streamBucketTotals',
  'pageBucketTotals',
  'globalBucketTotals',
  'balanceAsOf',
  'currentBalances',
  'writeCheckpoints',
] as const;

/** The methods the extension adds to a model's delegate: the repository's, plus the model's window builder. */
export type LedgerModelMethods<M extends ModelName, D extends LedgerModelDefinition<M>> = Pick<
  LedgerRepository<M, D>,
  (typeof METHODS)[number]
> & {
  /** `windowQuery(model)`: the window builder for this model, run with `.execute(prisma)` / `.stream(prisma)`. */
  windowQuery(): WindowQuery<M>;
};

/**
 * `C` with every key it should not have typed `never`: a model name outside the schema, or a definition key
 * outside {@link LedgerModelDefinition} (`partitonBy`, or a `pgPool` that belongs in `options`). A generic
 * parameter escapes TypeScript's excess-property check, so this restores it: the typo fails to compile.
 */
export type OnlyKnownKeys<C> = {
  readonly [M in keyof C]: M extends ModelName
    ? {
        readonly [K in keyof C[M]]: K extends 'options'
          ? OnlyKnownOptions<C[M][K]>
          : K extends keyof LedgerModelDefinition<M>
            ? C[M][K]
            : never;
      }
    : never;
};

// The same for a model's `options`: beside a known key (`pgPool`), a misspelt one (`preparedStatement`) would pass
// the weak-type check; an unknown key is `never` there too.
type OnlyKnownOptions<O> = O extends object ? { readonly [K in keyof O]: K extends keyof RepositoryOptions ? O[K] : never } : O;

/** The `model` component of the extension: one entry per configured model, under its delegate's name. */
export type WindowLedgerModels<C extends WindowLedgerConfig> = {
  [M in keyof C & ModelName as Uncapitalize<M>]: C[M] extends LedgerModelDefinition<M> ? LedgerModelMethods<M, C[M]> : never;
};

/** What `prisma.$extends(...)` takes: a Prisma client extension with a `model` component. */
export interface WindowLedgerExtension<C extends WindowLedgerConfig> {
  readonly name: 'prisma-window-ledger';
  readonly model: WindowLedgerModels<C>;
}

interface ExtensionContext {
  readonly $parent?: unknown;
}

/**
 * A Prisma client extension that adds running-total methods to the configured models' delegates, on the client
 * and on every transaction client it hands out. Each model is defined as for {@link defineRunningTotalRepository}
 * (the same derivation, checks and types); the methods run in the transaction of the client they are called on.
 * The catalog comes from {@link registerWindowCatalog}, which the module `generator windowLedger` writes calls.
 *
 * ```ts
 * import './generated/window-ledger.js'; // written by `generator windowLedger`
 * const prisma = new PrismaClient({ adapter }).$extends(
 *   windowLedger({ Payment: { partitionBy: 'merchantId', orderBy: 'paidAt', amount: 'amount' } }),
 * );
 * await prisma.payment.insertMany([{ merchantId: 7, paidAt: new Date(), amount: '12.50' }]);
 * const rows = await prisma.payment.runningTotals({ partitions: [7] });
 * await prisma.$transaction(async (tx) => tx.payment.page({ partition: 7, limit: 50 }));
 * ```
 *
 * Each model's definition is derived and checked here, as constructing its repository would check it: unknown
 * models, models without a single-field `@id`, unknown keys (a `pgPool` outside `options`), fields of the wrong
 * kind throw `WindowSpecError`; options that are not a repository's (`cursorSecret` shorter than 16 bytes, a
 * typo, a `pg.Client` as `pgPool`) `ValidationError`.
 */
export function windowLedger<const C extends WindowLedgerConfig>(config: C & OnlyKnownKeys<C>): WindowLedgerExtension<C> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new WindowSpecError('windowLedger: expected { ModelName: { partitionBy, orderBy, amount } }.');
  }
  const model: Record<string, Record<string, unknown>> = {};
  // Model names are checked against the catalog when a method derives its repository.
  for (const [name, definition] of Object.entries(config as unknown as Record<ModelName, LedgerModelDefinition<ModelName>>)) {
    model[delegateName(name)] = modelMethods(name as ModelName, definition);
  }
  return { name: 'prisma-window-ledger', model: model as unknown as WindowLedgerModels<C> };
}

// What a model's definition may hold: a repository definition's keys the extension offers, and `options`.
const DEFINITION_KEYS = ['partitionBy', 'orderBy', 'amount', 'select', 'idempotencyKey', 'checkpoints', 'options'];

function modelMethods(name: ModelName, definition: LedgerModelDefinition<ModelName>): Record<string, unknown> {
  if (typeof definition !== 'object' || definition === null) {
    throw new WindowSpecError(`windowLedger: the definition of ${name} must be an object { partitionBy, orderBy, amount }.`);
  }
  idField(name); // an unknown model, or one without a single-field @id, fails now rather than at the first call
  const { options: given, ...fields } = definition;
  for (const key of Object.keys(fields)) {
    if (!DEFINITION_KEYS.includes(key)) {
      const hint = (REPOSITORY_OPTION_KEYS as readonly string[]).includes(key) ? ` (${key} belongs in options: { ${key} })` : '';
      throw new WindowSpecError(`windowLedger: "${key}" is not a key of ${name}'s definition${hint}. Known keys: ${DEFINITION_KEYS.join(', ')}.`);
    }
  }
  const options = requireRepositoryOptions(`windowLedger.${name}.options`, given);
  if (options.cursorSecret !== undefined) new SignedToken(options.cursorSecret);
  // Derived and checked now, where the client is built, rather than at the first call of a method.
  requireModelDefinition(deriveModelDefinition(name, fields as DerivationSpec));
  // Typed loosely here: the configuration's types were checked against the catalog by `windowLedger`'s signature.
  const Repository = defineRunningTotalRepository(name, fields as never);
  const methods: Record<string, unknown> = {
    windowQuery: () => windowQuery(name),
  };
  for (const method of METHODS) {
    methods[method] = function (this: ExtensionContext, ...args: unknown[]): unknown {
      const repository = new Repository(clientOf(this, name), options) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return repository[method]!(...args);
    };
  }
  return methods;
}

// Prisma calls model methods with the model's context as `this`; its `$parent` is the client the delegate belongs
// to: the root client, or the transaction client inside `$transaction(async (tx) => ...)`.
function clientOf(context: ExtensionContext | undefined, name: string): DbClient {
  const client = context?.$parent as Partial<DbClient> | undefined;
  if (typeof client?.$queryRaw !== 'function') {
    throw new WindowSpecError(`prisma.${delegateName(name)}: call the method on the delegate (prisma.${delegateName(name)}.runningTotals(...)), not detached from it.`);
  }
  return client as DbClient;
}
