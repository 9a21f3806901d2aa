import { LedgerError, ValidationError, WindowSpecError } from '../errors.ts';
import { columnDefault, generatesValue } from '../validation/column-default.ts';
import { columnValidator, type ColumnCheck } from '../validation/column-validator.ts';
import { describe } from '../validation/dates.ts';
import { keyValidator, rowValidator, type FieldRule } from '../validation/derived-validators.ts';
import { requireFieldList, requireFieldRoles } from '../validation/model-definition.ts';
import { columnInfo, conflictTargetOf, modelFields, type ColumnInfo, type ModelName } from '../window/catalog.ts';
import { createManyAndReturnThroughDelegate, createManyThroughDelegate } from './model-delegate.ts';
import type { RunningTotalModel } from './running-total-repository.ts';

type Check<T> = (path: string, value: unknown) => T;
type Override<T> = (path: string, value: unknown, derived: Check<T>) => T;

/** What `defineRunningTotalRepository` takes besides the model name (checked at run time here). */
export interface DerivationSpec {
  readonly partitionBy: unknown;
  readonly orderBy: unknown;
  readonly amount: unknown;
  readonly select?: unknown | undefined;
  readonly idempotencyKey?: unknown | undefined;
  readonly checkpoints?: unknown | undefined;
  readonly requireKey?: Override<unknown> | undefined;
  readonly requireBound?: Override<Date> | undefined;
  readonly requireRow?: Override<Record<string, unknown>> | undefined;
}

const SPEC_KEYS = ['partitionBy', 'orderBy', 'amount', 'select', 'idempotencyKey', 'checkpoints', 'requireKey', 'requireBound', 'requireRow'];
const OVERRIDES = ['requireKey', 'requireBound', 'requireRow'] as const;
const GENERATED_BY_DATABASE = ['autoincrement', 'sequence', 'dbgenerated'];

function fail(model: string, problem: string): never {
  throw new WindowSpecError(`Running-total repository for ${model}: ${problem}`);
}

/**
 * Never written by an insert: the database fills it (`autoincrement()`, `sequence()`, `dbgenerated(...)`).
 *
 * ```ts
 * isGeneratedByDatabase(columnInfo('Transaction', 'id'));        // true: @default(autoincrement())
 * isGeneratedByDatabase(columnInfo('Transaction', 'createdAt')); // false
 * ```
 */
export function isGeneratedByDatabase(info: ColumnInfo): boolean {
  const spec = info.default;
  return spec !== null && 'function' in spec && GENERATED_BY_DATABASE.includes(spec.function);
}

/**
 * The idempotency key: the one given (`null`: none), else the model's only unique, nullable String insert field
 * (`externalId String? @unique`). Two candidates are ambiguous: which one deduplicates must be chosen explicitly.
 */
function idempotencyKeyOf(model: string, spec: DerivationSpec, insertFields: readonly string[], partitionBy: readonly string[]): string | undefined {
  if (spec.idempotencyKey === null) return undefined;
  if (spec.idempotencyKey !== undefined) {
    if (typeof spec.idempotencyKey !== 'string') fail(model, `idempotencyKey must be a field name or null, got ${describe(spec.idempotencyKey)}.`);
    return spec.idempotencyKey;
  }
  const candidates = insertFields.filter((field) => {
    const info = columnInfo(model, field);
    return !info.isId && info.nullable && info.type === 'String' && conflictTargetOf(model, field, partitionBy) !== undefined;
  });
  if (candidates.length > 1) {
    fail(model, `${candidates.join(' and ')} could each be the idempotency key; pass idempotencyKey: '${candidates[0]}' (or null for none).`);
  }
  return candidates[0];
}

/**
 * The caller's override around the derived check. What the override returns is what is bound or written, so it
 * passes the derived check too (a `requireRow` returning a string for a DateTime fails here, before any SQL, not
 * after the transaction began); what it throws reaches the caller as a `LedgerError` (its own, or a
 * `ValidationError` naming the value, with the thrown value as `cause`).
 */
function withOverride<T>(name: string, derived: Check<T>, override: Override<T> | undefined): Check<T> {
  if (override === undefined) return derived;
  return (path, value) => {
    let result: T;
    try {
      result = override(path, value, derived);
    } catch (thrown) {
      if (thrown instanceof LedgerError) throw thrown;
      throw new ValidationError(path, `the ${name} override threw: ${thrown instanceof Error ? thrown.message : describe(thrown)}`, { cause: thrown });
    }
    return derived(path, result);
  };
}

/**
 * The full running-total definition of a model, derived from the generated catalog: insert fields (every scalar
 * field the database does not generate), their validators (type, length, precision, nullability, defaults), the
 * partition-key and bound validators, the idempotency key, `select` (every scalar field unless given) and
 * `createMany` through the model's delegate. Overrides in `spec` wrap the derived validators. The result still
 * goes through `requireModelDefinition`; fields that cannot fill their role are `WindowSpecError`s.
 *
 * ```ts
 * const definition = requireModelDefinition(
 *   deriveModelDefinition('InventoryMovement', { partitionBy: ['warehouseId', 'productSku'], orderBy: 'movedAt', amount: 'quantity' }),
 * );
 * definition.insertFields; // ['warehouseId', 'productSku', 'quantity', 'movedAt']
 * ```
 */
export function deriveModelDefinition(model: unknown, spec: DerivationSpec): RunningTotalModel<ModelName, unknown, Record<string, unknown>> {
  if (typeof model !== 'string') throw new WindowSpecError(`A running-total repository needs a model name, got ${describe(model)}.`);
  const fields = modelFields(model);
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail(model, `the definition must be an object, got ${describe(spec)}.`);
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.includes(key)) fail(model, `"${key}" is not a definition key. Known keys: ${SPEC_KEYS.join(', ')}.`);
  }
  for (const name of OVERRIDES) {
    if (spec[name] !== undefined && typeof spec[name] !== 'function') fail(model, `${name} must be a function, got ${describe(spec[name])}.`);
  }
  const roles = requireFieldRoles(model, spec);
  const insertFields = fields.filter((field) => !isGeneratedByDatabase(columnInfo(model, field)));
  const idempotencyKey = idempotencyKeyOf(model, spec, insertFields, roles.partitionBy);
  // Keys are never empty strings: an empty key is a mistake, not a partition or a deduplication key.
  const keyFields = new Set<string>([...roles.partitionBy, ...(idempotencyKey === undefined ? [] : [idempotencyKey])]);
  const checkOf = (field: string): ColumnCheck => columnValidator(model, columnInfo(model, field), { nonEmpty: keyFields.has(field) });

  const rules: FieldRule[] = insertFields.map((field) => {
    const info = columnInfo(model, field);
    let check: ColumnCheck;
    try {
      check = checkOf(field);
    } catch (error) {
      if (!(error instanceof WindowSpecError)) throw error;
      // A column the bulk insert cannot bind (Bytes, a list, ...) stops inserts only: reads need no validator.
      const refuse = (): never => {
        throw error;
      };
      return { field, check: refuse, nullable: false, omitted: refuse };
    }
    const supplied = columnDefault(model, info, check);
    const omitted = supplied ?? (info.nullable && field !== roles.amount ? 'null' : 'required');
    return { field, check, nullable: info.nullable, omitted };
  });
  const partitionChecks = roles.partitionBy.map((field) => ({ field, check: checkOf(field) }));
  const [single] = roles.partitionBy;
  const composite = roles.partitionBy.length > 1;

  return {
    model: model as ModelName,
    partitionBy: composite ? [...roles.partitionBy] : (single as string),
    ...(composite && { partitionValues: (key: unknown) => roles.partitionBy.map((field) => (key as Record<string, unknown>)[field]) }),
    orderBy: roles.orderBy,
    amount: roles.amount,
    select: spec.select === undefined ? [...fields] : [...requireFieldList(model, 'select', spec.select)],
    requireKey: withOverride('requireKey', keyValidator(partitionChecks), spec.requireKey),
    requireBound: withOverride('requireBound', checkOf(roles.orderBy) as Check<Date>, spec.requireBound),
    requireRow: withOverride('requireRow', rowValidator(rules), spec.requireRow),
    pureRequireRow: spec.requireRow === undefined && !insertFields.some((field) => generatesValue(columnInfo(model, field))),
    keyOf: composite
      ? (row: Record<string, unknown>) => Object.fromEntries(roles.partitionBy.map((field) => [field, row[field]]))
      : (row: Record<string, unknown>) => row[single as string],
    insertFields,
    ...(idempotencyKey !== undefined && { idempotencyKey }),
    ...(spec.checkpoints !== undefined && { checkpoints: spec.checkpoints as ModelName }),
    createMany: createManyThroughDelegate(model),
    ...(idempotencyKey !== undefined && { createManyAndReturn: createManyAndReturnThroughDelegate(model) }),
  } as unknown as RunningTotalModel<ModelName, unknown, Record<string, unknown>>;
}
