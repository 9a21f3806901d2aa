import { WindowSpecError } from '../errors.ts';
import { columnInfo, decimalColumnOf, modelFields, tableRef, uniqueKeysOf, type ModelName } from '../window/catalog.ts';
import { describe } from './dates.ts';

/**
 * The model that stores balance checkpoints of a ledger: one row per partition and instant, the balance including
 * every ledger row of the partition at or before `through`.
 *
 * ```text
 * model TransactionCheckpoint {
 *   accountId Int                              // the ledger's partition fields, same names and types
 *   through   DateTime @db.Timestamptz(6)      // the ledger's order field's type
 *   balance   Decimal  @db.Decimal(30, 2)      // at least the amount's scale
 *   @@id([accountId, through])
 * }
 * ```
 */
export interface CheckpointTable {
  readonly model: ModelName;
  readonly partitionBy: readonly string[];
  readonly through: 'through';
  readonly balance: 'balance';
}

const described = new WeakMap<object, CheckpointTable | null>();

/**
 * The checkpoint table of a checked running-total definition (`undefined` without `checkpoints`), checked once per
 * definition object.
 */
export function checkpointsOf(definition: {
  readonly model: string;
  readonly checkpoints?: string | undefined;
  readonly partitionBy: string | readonly string[];
  readonly orderBy: string;
  readonly amount: string;
}): CheckpointTable | undefined {
  if (definition.checkpoints === undefined) return undefined;
  let table = described.get(definition);
  if (table === undefined) {
    const partitionBy = typeof definition.partitionBy === 'string' ? [definition.partitionBy] : definition.partitionBy;
    table = requireCheckpointModel(definition.model, definition.checkpoints, { partitionBy, orderBy: definition.orderBy, amount: definition.amount });
    described.set(definition, table);
  }
  return table ?? undefined;
}

function fail(ledger: string, checkpoints: string, problem: string): never {
  throw new WindowSpecError(`Balance checkpoints of ${ledger} in ${checkpoints}: ${problem}`);
}

const sameType = (a: ReturnType<typeof columnInfo>, b: ReturnType<typeof columnInfo>) =>
  a.type === b.type && a.isList === b.isList && (a.nativeType?.[0] ?? null) === (b.nativeType?.[0] ?? null);

/**
 * Checks that `checkpoints` names a model able to hold `ledger`'s checkpoints (fields, types, scale and the unique
 * key `(partition fields..., through)` the lookups and upserts need) and describes it.
 * ```ts
 * requireCheckpointModel('Transaction', 'TransactionCheckpoint', { partitionBy: ['accountId'], orderBy: 'createdAt', amount: 'amount' });
 * // { model: 'TransactionCheckpoint', partitionBy: ['accountId'], through: 'through', balance: 'balance' }
 * requireCheckpointModel('Transaction', 'Account', { partitionBy: ['accountId'], orderBy: 'createdAt', amount: 'amount' });
 * // throws WindowSpecError: Balance checkpoints of Transaction in Account: it needs the fields accountId, through, balance; ...
 * ```
 */
export function requireCheckpointModel(ledger: string, checkpoints: unknown, roles: { readonly partitionBy: readonly string[]; readonly orderBy: string; readonly amount: string }): CheckpointTable {
  if (typeof checkpoints !== 'string') throw new WindowSpecError(`Running-total model definition for ${ledger}: checkpoints must be a model name, got ${describe(checkpoints)}.`);
  tableRef(checkpoints); // an unknown model fails here, naming the known ones
  if (roles.partitionBy.length === 0) fail(ledger, checkpoints, 'checkpoints hold per-partition balances: the ledger needs partitionBy.');
  const fields = modelFields(checkpoints);
  const expected = [...roles.partitionBy, 'through', 'balance'];
  const missing = expected.filter((field) => !fields.includes(field));
  if (missing.length > 0) fail(ledger, checkpoints, `it needs the fields ${expected.join(', ')}; missing ${missing.join(', ')}.`);
  for (const field of roles.partitionBy) {
    if (!sameType(columnInfo(checkpoints, field), columnInfo(ledger, field))) fail(ledger, checkpoints, `${field} must have the type of ${ledger}.${field}.`);
  }
  const through = columnInfo(checkpoints, 'through');
  if (!sameType(through, columnInfo(ledger, roles.orderBy)) || through.nullable) {
    fail(ledger, checkpoints, `through must be a NOT NULL field of the type of ${ledger}.${roles.orderBy}.`);
  }
  const balance = columnInfo(checkpoints, 'balance');
  if (balance.type !== 'Decimal' || balance.nullable || balance.isList) fail(ledger, checkpoints, 'balance must be a NOT NULL Decimal.');
  if (decimalColumnOf(checkpoints, 'balance').scale < decimalColumnOf(ledger, roles.amount).scale) {
    fail(ledger, checkpoints, `balance's scale is smaller than ${ledger}.${roles.amount}'s: stored balances would be rounded.`);
  }
  const key = [...roles.partitionBy, 'through'];
  const unique = (keys: readonly (readonly string[])[]) => keys.some((k) => k.length === key.length && key.every((field) => k.includes(field)));
  if (!unique(uniqueKeysOf(checkpoints))) fail(ledger, checkpoints, `it needs @@id([${key.join(', ')}]) (or that @@unique): one checkpoint per partition and instant.`);
  return Object.freeze({ model: checkpoints as ModelName, partitionBy: Object.freeze([...roles.partitionBy]), through: 'through', balance: 'balance' });
}
