import * as Prisma from '../prisma-runtime.ts';
import { ValidationError } from '../errors.ts';
import { checkingValidator } from '../validation/derived-validators.ts';
import { checkAt } from '../validation/element-path.ts';
import { conflictTargetOf, type BatchKeys } from './batch-keys.ts';
import { keyColumnsOf, uniqueKeyOrder } from './key-order.ts';

/** A batch's validated rows in write order (see `uniqueKeyOrder`), handed out in slices. */
export interface ValidatedRows<Data> {
  /** Rows in the batch. */
  readonly size: number;
  /** Rows with an idempotency key: they come first in write order. */
  readonly keyed: number;
  /** The rows in write order, at most `count` (at least 1) per slice; every slice is a new array. */
  slices(count: number): Iterable<Data[]>;
  /** The same rows held in memory, validated once more if they were not (see `validateRows`). */
  held(): ValidatedRows<Data>;
}

/**
 * Checks every row of `rows` (a shallow copy of the caller's array, so later pushes and splices do not reach the
 * write) with `requireRow`, and the idempotency keys: none may repeat (see `uniqueKeyOrder`). Throws the first
 * `ValidationError`; nothing has touched the database yet.
 *
 * With `hold: false` the validated rows are not kept, only their keys (`pure` then defaults to true); a `requireRow`
 * made by `rowValidator` checks them in its checking form, without building the values it would write (the keys
 * excepted). `slices` then runs `requireRow` again on each row as it is written, so `requireRow` must be pure
 * (`RunningTotalModel.pureRequireRow`). That is for COPY: a million validated rows, each with a `Decimal` and a
 * `Date`, cost the garbage collector more than validating them again while the server works through the previous
 * slice, on its own core. A row the caller changed in
 * between is checked again: one that became invalid, or whose key changed (the keys were ordered and checked for
 * repeats already), throws a `ValidationError` and the write, which then rolls back, fails whole.
 *
 * ```ts
 * const rows = validateRows('rows', input, requireRow, { idempotencyKey: 'externalId' }, true);
 * for (const slice of rows.slices(10_000)) await write(slice);
 * ```
 */
export function validateRows<Data>(
  path: string,
  rows: readonly unknown[],
  requireRow: (path: string, value: unknown) => Data,
  keys: BatchKeys,
  hold: boolean,
  pure = !hold,
): ValidatedRows<Data> {
  const input = rows.slice();
  // A pure `requireRow` builds a row's own path (`rows[12]`) only for a row it refuses (see `checkAt`).
  const checkWith = (validator: (path: string, value: unknown) => Data) =>
    pure
      ? (index: number): Data => checkAt(validator, path, index, input[index])
      : (index: number): Data => validator(`${path}[${index}]`, input[index]);
  const columns = keyColumnsOf(input.length, conflictTargetOf(keys));
  const valid: Data[] | undefined = hold ? new Array<Data>(input.length) : undefined;
  const keyFields = [...columns.keys()];
  // Rows that are not kept are only checked here, and built as they are written: a validator that can check a
  // value without building it (a Decimal, a Date copy) does so for every field but the keys.
  const checking = hold || !pure ? undefined : checkingValidator(requireRow)?.(keyFields);
  const check = checkWith(checking === undefined ? requireRow : (checking as (path: string, value: unknown) => Data));
  const keyValues = [...columns.values()];
  for (let index = 0; index < input.length; index++) {
    // A hole reads as undefined; only then is the slightly slower `in` check needed.
    if (input[index] === undefined && !(index in input)) {
      throw new ValidationError(`${path}[${index}]`, 'is an empty slot of a sparse array; give every element a value.');
    }
    const row = check(index);
    for (let k = 0; k < keyFields.length; k++) keyValues[k]![index] = (row as Record<string, unknown>)[keyFields[k]!];
    if (valid) valid[index] = row;
  }
  const order = uniqueKeyOrder(path, input.length, columns, keys.idempotencyKey);
  const idempotencyKeys = keys.idempotencyKey === undefined ? undefined : columns.get(keys.idempotencyKey);
  const keyed = idempotencyKeys === undefined ? 0 : idempotencyKeys.reduce<number>((count, value) => (value === null || value === undefined ? count : count + 1), 0);
  if (valid) return heldRows(order.map((index) => valid[index]!), keyed);
  const write = checkWith(requireRow);
  const again = (index: number) => {
    const row = write(index);
    for (let k = 0; k < keyFields.length; k++) {
      if (!sameKey(keyValues[k]![index], (row as Record<string, unknown>)[keyFields[k]!])) {
        throw new ValidationError(
          `${path}[${index}].${keyFields[k]!}`,
          'changed while the batch was being written: keys are checked and ordered before any SQL, so rows must stay unchanged until the insert settles.',
        );
      }
    }
    return row;
  };
  const unheld: ValidatedRows<Data> = {
    size: input.length,
    keyed,
    *slices(count) {
      const step = Math.max(1, count);
      for (let start = 0; start < order.length; start += step) {
        const end = Math.min(order.length, start + step);
        const slice = new Array<Data>(end - start);
        for (let at = start; at < end; at++) slice[at - start] = again(order[at]!);
        yield slice;
      }
    },
    held: () => heldRows(order.map(again), keyed),
  };
  return unheld;
}

function heldRows<Data>(data: readonly Data[], keyed: number): ValidatedRows<Data> {
  const rows: ValidatedRows<Data> = {
    size: data.length,
    keyed,
    *slices(count) {
      const step = Math.max(1, count);
      for (let start = 0; start < data.length; start += step) yield data.slice(start, start + step);
    },
    held: () => rows,
  };
  return rows;
}

// Validated keys are numbers, bigints, strings, `Date` copies (equal by their instant), `Decimal`s (new on each
// pass, equal by value) or null.
function sameKey(before: unknown, after: unknown): boolean {
  if (before instanceof Date && after instanceof Date) return before.getTime() === after.getTime();
  if (Prisma.Decimal.isDecimal(before) && Prisma.Decimal.isDecimal(after)) return before.equals(after);
  return before === after || (before == null && after == null);
}
