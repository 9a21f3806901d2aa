import { WindowSpecError } from '../errors.ts';
import type { RunningTotalModel } from '../repositories/running-total-repository.ts';
import { columnInfo, idField, type ModelName } from '../window/catalog.ts';
import { describe } from './dates.ts';

const NUMERIC_TYPES = ['Int', 'BigInt', 'Decimal', 'Float'];
const FUNCTIONS = ['requireKey', 'requireBound', 'requireRow', 'keyOf', 'createMany'] as const;

// Definitions already checked: repositories check theirs on every construction, and a definition is usually one
// shared constant.
const checked = new WeakSet<object>();

function fail(model: string, problem: string): never {
  throw new WindowSpecError(`Running-total model definition for ${model}: ${problem}`);
}

function requireFieldList(model: string, name: string, value: unknown): string[] {
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

function requireField(model: string, name: string, value: unknown): string {
  if (typeof value !== 'string') fail(model, `${name} must be a field name, got ${describe(value)}.`);
  columnInfo(model, value);
  return value;
}

/**
 * Checks a running-total model definition (what a `RunningTotalRepository` subclass provides) against Prisma's
 * data model before it is used, so a definition that cannot work fails at construction with a `WindowSpecError`
 * instead of returning wrong results later. In particular `select` must contain the id, every `partitionBy` field
 * and `orderBy`: streams and pages resume after the last row they returned, identified by exactly those fields —
 * without them a stream would stop early or skip rows without an error.
 *
 * Also checked: the model and every field exist; `orderBy` is a DateTime field and `amount` a numeric one;
 * `partitionBy` is one field or a non-empty list without repeats; `partitionValues` is given for a composite
 * partition key; `insertFields` are known fields without repeats and include the `idempotencyKey`; the callbacks
 * are functions. Returns the definition, frozen.
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

  const partitionBy = typeof raw.partitionBy === 'string' ? [requireField(model, 'partitionBy', raw.partitionBy)] : requireFieldList(model, 'partitionBy', raw.partitionBy);
  if (partitionBy.length === 0) fail(model, 'partitionBy must name at least one field (one field, or a list of them).');
  if (partitionBy.length > 1 && typeof raw.partitionValues !== 'function') {
    fail(model, `partitionBy has ${partitionBy.length} fields, so partitionValues (key => [${partitionBy.join(', ')}]) is required.`);
  }
  if (raw.partitionValues !== undefined && typeof raw.partitionValues !== 'function') {
    fail(model, `partitionValues must be a function, got ${describe(raw.partitionValues)}.`);
  }

  const orderBy = requireField(model, 'orderBy', raw.orderBy);
  const orderType = columnInfo(model, orderBy).type;
  if (orderType !== 'DateTime') fail(model, `orderBy must be a DateTime field; ${orderBy} is ${orderType}.`);
  const amount = requireField(model, 'amount', raw.amount);
  const amountType = columnInfo(model, amount).type;
  if (!NUMERIC_TYPES.includes(amountType)) fail(model, `amount must be a numeric field; ${amount} is ${amountType}.`);

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
  }
  for (const name of FUNCTIONS) {
    if (typeof raw[name] !== 'function') fail(model, `${name} must be a function, got ${describe(raw[name])}.`);
  }

  // Frozen: the SQL and the checks above must keep describing the same definition.
  Object.freeze(definition.select);
  Object.freeze(definition.insertFields);
  if (typeof definition.partitionBy !== 'string') Object.freeze(definition.partitionBy);
  Object.freeze(definition);
  checked.add(definition);
  return definition;
}
