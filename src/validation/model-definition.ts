import { WindowSpecError } from '../errors.ts';
import type { RunningTotalModel } from './running-total-model.ts';
import { columnInfo, conflictTargetOf, idField, requireStoredEnum, type ColumnInfo, type ModelName } from '../window/catalog.ts';
import { checkpointsOf } from './checkpoint-model.ts';
import { describe } from './dates.ts';

const PARTITION_TYPES = ['Int', 'BigInt', 'String', 'Boolean', 'DateTime'];
const TIME_OF_DAY = ['Time', 'Timetz'];
const FUNCTIONS = ['requireKey', 'requireBound', 'requireRow', 'keyOf', 'createMany'] as const;

// Definitions already checked: repositories check theirs on every construction, and a definition is usually one
// shared constant.
const checked = new WeakSet<object>();

function fail(model: string, problem: string): never {
  throw new WindowSpecError(`Running-total model definition for ${model}: ${problem}`);
}

/**
 * A list of distinct known fields (`name` says which definition key it is, for the message).
 *
 * ```ts
 * requireFieldList('Transaction', 'select', ['id', 'accountId']); // ['id', 'accountId']
 * requireFieldList('Transaction', 'select', ['id', 'id']);        // throws WindowSpecError "... select lists "id" twice."
 * ```
 */
export function requireFieldList(model: string, name: string, value: unknown): string[] {
  if (!Array.isArray(value)) fail(model, `${name} must be an array of field names, got ${describe(value)}.`);
  const fields: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const field: unknown = value[i];
    if (!(i in value) || typeof field !== 'string') fail(model, `${name}[${i}] must be a field name, got ${describe(field)}.`);
    columnInfo(model, field);
    if (fields.includes(field)) fail(model, `${name} lists "${field}" twice.`);
    fields.push(field);
  }
  return fields;
}

/**
 * One known field.
 *
 * ```ts
 * requireField('Transaction', 'orderBy', 'createdAt'); // 'createdAt'
 * requireField('Transaction', 'orderBy', 'created');   // throws WindowSpecError "Unknown field "created" on model Transaction. ..."
 * ```
 */
export function requireField(model: string, name: string, value: unknown): string {
  if (typeof value !== 'string') fail(model, `${name} must be a field name, got ${describe(value)}.`);
  columnInfo(model, value);
  return value;
}

/** The fields a running total is partitioned, ordered and summed by, each checked for its role. */
export interface FieldRoles {
  readonly partitionBy: readonly string[];
  readonly orderBy: string;
  readonly amount: string;
}

/**
 * Checks the three fields that make a running total deterministic and complete, against the catalog:
 * - `partitionBy`: one field or a non-empty list without repeats, each NOT NULL and of a type a key can be bound
 *   as (Int, BigInt, String, Boolean, DateTime, an enum) — a NULL partition could be neither selected nor resumed after;
 * - `orderBy`: a NOT NULL DateTime (timestamp, timestamptz or date): `from` / `to` are instants, and keyset
 *   positions cannot resume after a NULL;
 * - `amount`: a Decimal field (NULLs allowed): totals, stream carries and page balances are exact Decimals.
 *
 * ```ts
 * requireFieldRoles('InventoryMovement', { partitionBy: ['warehouseId', 'productSku'], orderBy: 'movedAt', amount: 'quantity' });
 * requireFieldRoles('Transaction', { partitionBy: 'accountId', orderBy: 'id', amount: 'amount' }); // throws WindowSpecError
 * ```
 */
export function requireFieldRoles(model: string, raw: { readonly partitionBy: unknown; readonly orderBy: unknown; readonly amount: unknown }): FieldRoles {
  const partitionBy =
    typeof raw.partitionBy === 'string' ? [requireField(model, 'partitionBy', raw.partitionBy)] : requireFieldList(model, 'partitionBy', raw.partitionBy);
  if (partitionBy.length === 0) fail(model, 'partitionBy must name at least one field (one field, or a list of them).');
  for (const field of partitionBy) {
    const info = columnInfo(model, field);
    if (info.nullable || info.isList || !(PARTITION_TYPES.includes(info.type) || info.kind === 'enum')) {
      fail(model, `partitionBy field ${field} (${describeColumn(info)}) must be a NOT NULL ${PARTITION_TYPES.join(', ')} or enum field.`);
    }
    // An enum key is bound as its stored label and read back as its name: the catalog must record both.
    requireStoredEnum(model, info);
  }
  const orderBy = requireField(model, 'orderBy', raw.orderBy);
  const order = columnInfo(model, orderBy);
  if (order.type !== 'DateTime' || order.isList) fail(model, `orderBy must be a DateTime field; ${orderBy} is ${order.type}.`);
  if (order.nullable) fail(model, `orderBy field ${orderBy} is nullable: rows with a NULL time have no place in the order.`);
  if (order.nativeType && TIME_OF_DAY.includes(order.nativeType[0])) {
    fail(model, `orderBy field ${orderBy} is a time of day (@db.${order.nativeType[0]}), not an instant.`);
  }
  const amount = requireField(model, 'amount', raw.amount);
  const amountInfo = columnInfo(model, amount);
  if (amountInfo.type !== 'Decimal' || amountInfo.isList) {
    fail(model, `amount must be a Decimal field (totals are exact Decimals end to end); ${amount} is ${amountInfo.type}.`);
  }
  return { partitionBy, orderBy, amount };
}

function describeColumn(info: ColumnInfo): string {
  return `${info.type}${info.isList ? '[]' : ''}${info.nullable ? '?' : ''}`;
}

/**
 * Checks a running-total model definition (what a `RunningTotalRepository` subclass provides) against Prisma's
 * data model before it is used, so a definition that cannot work fails at construction with a `WindowSpecError`
 * instead of returning wrong results later. In particular `select` must contain the id, every `partitionBy` field
 * and `orderBy`: streams and pages resume after the last row they returned, identified by exactly those fields —
 * without them a stream would stop early or skip rows without an error.
 *
 * Also checked: the model and every field exist; the partition, order and amount fields fit their roles
 * (`requireFieldRoles`); `partitionValues` is given for a composite partition key; `insertFields` are known
 * fields without repeats and include the `idempotencyKey`, which is unique; the callbacks are functions.
 * Returns the definition, frozen.
 *
 * ```ts
 * protected readonly definition = requireModelDefinition<'Transaction', number, TransactionData>({
 *   model: 'Transaction',
 *   partitionBy: 'accountId',
 *   orderBy: 'createdAt',
 *   amount: 'amount',
 *   select: ['id', 'accountId', 'amount', 'createdAt'], // omit 'createdAt' and this throws WindowSpecError
 *   ...
 * });
 * ```
 */
export function requireModelDefinition<M extends ModelName, Key, Data>(
  definition: RunningTotalModel<M, Key, Data>,
): RunningTotalModel<M, Key, Data> {
  if (typeof definition !== 'object' || definition === null) {
    throw new WindowSpecError(`A running-total model definition must be an object, got ${describe(definition)}.`);
  }
  if (checked.has(definition)) return definition;
  const raw = definition as unknown as Record<string, unknown>;
  const model = raw.model;
  if (typeof model !== 'string') throw new WindowSpecError(`A running-total model definition needs a model name, got ${describe(model)}.`);
  const id = idField(model);

  // A composite key needs partitionValues before its fields' roles matter (the clearer message first).
  if (Array.isArray(raw.partitionBy) && raw.partitionBy.length > 1 && typeof raw.partitionValues !== 'function') {
    fail(model, `partitionBy has ${raw.partitionBy.length} fields, so partitionValues (key => [${raw.partitionBy.join(', ')}]) is required.`);
  }
  if (raw.partitionValues !== undefined && typeof raw.partitionValues !== 'function') {
    fail(model, `partitionValues must be a function, got ${describe(raw.partitionValues)}.`);
  }
  const { partitionBy, orderBy } = requireFieldRoles(model, { partitionBy: raw.partitionBy, orderBy: raw.orderBy, amount: raw.amount });

  const select = requireFieldList(model, 'select', raw.select);
  const missing = [id, ...partitionBy, orderBy].filter((field) => !select.includes(field));
  if (missing.length > 0) {
    fail(
      model,
      `select must include the id, the partitionBy fields and orderBy (streams and pages resume after the last row by ` +
        `them); add ${missing.map((f) => `'${f}'`).join(', ')}.`,
    );
  }
  if (select.includes('runningTotal')) fail(model, "select must not include 'runningTotal': that name holds the computed total.");

  const insertFields = requireFieldList(model, 'insertFields', raw.insertFields);
  if (insertFields.length === 0) fail(model, 'insertFields must list the fields a row writes.');
  if (raw.idempotencyKey !== undefined) {
    const key = requireField(model, 'idempotencyKey', raw.idempotencyKey);
    if (!insertFields.includes(key)) fail(model, `idempotencyKey ${key} must be one of insertFields.`);
    if (conflictTargetOf(model, key, partitionBy) === undefined) {
      fail(
        model,
        `idempotencyKey ${key} must be @unique, or unique together with partition fields (@@unique([${[...partitionBy, key].join(', ')}])): ` +
          'ON CONFLICT (...) DO NOTHING needs a unique index on it.',
      );
    }
  }
  if (raw.checkpoints !== undefined) {
    checkpointsOf(definition); // checked now, and kept for the repository's balances (once per definition)
  }
  for (const name of FUNCTIONS) {
    if (typeof raw[name] !== 'function') fail(model, `${name} must be a function, got ${describe(raw[name])}.`);
  }
  if (raw.pureRequireRow !== undefined && typeof raw.pureRequireRow !== 'boolean') {
    fail(model, `pureRequireRow must be a boolean, got ${describe(raw.pureRequireRow)}.`);
  }

  // Frozen: the SQL and the checks above must keep describing the same definition.
  Object.freeze(definition.select);
  Object.freeze(definition.insertFields);
  if (typeof definition.partitionBy !== 'string') Object.freeze(definition.partitionBy);
  Object.freeze(definition);
  checked.add(definition);
  return definition;
}
