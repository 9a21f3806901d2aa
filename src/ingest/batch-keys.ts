import { ValidationError } from '../errors.ts';

/** The idempotency key and the unique key `ON CONFLICT` names for it (see `InsertTarget`). */
export interface BatchKeys {
  readonly idempotencyKey?: string | undefined;
  readonly conflictTarget?: readonly string[] | undefined;
}

/** The unique key a batch's inserts conflict on: none without an idempotency key, else its conflict target. */
export function conflictTargetOf(target: BatchKeys): readonly string[] {
  if (target.idempotencyKey === undefined) return [];
  return target.conflictTarget ?? [target.idempotencyKey];
}

/**
 * Rejects two rows of one batch that carry the same idempotency key (it would be ambiguous which one counts);
 * with a key unique within its partition, the same key in two partitions is two keys.
 */
export function requireUniqueKeys<Data>(path: string, data: readonly Data[], key: string | undefined, conflictTarget: readonly string[]): void {
  if (key === undefined) return;
  const seen = new Map<unknown, number>();
  const scope = conflictTarget.filter((field) => field !== key);
  data.forEach((row, i) => {
    const record = row as Record<string, unknown>;
    const value = record[key];
    if (value === null || value === undefined) return;
    // The key itself when it is unique alone (validated keys are strings or numbers: compared by value).
    const identity = scope.length === 0 ? value : JSON.stringify(conflictTarget.map((field) => identityText(record[field])));
    const first = seen.get(identity);
    if (first !== undefined) {
      const within = scope.length === 0 ? '' : ` within the same ${scope.join(', ')}`;
      throw new ValidationError(
        `${path}[${i}].${key}`,
        `repeats the ${key} of ${path}[${first}] (${JSON.stringify(value)})${within}; each key may appear once per batch.`,
      );
    }
    seen.set(identity, i);
  });
}

// A validated key value as text that tells types apart (7 and 7n and '7' are different keys); instants by their
// milliseconds (a Date's own text drops them).
function identityText(value: unknown): string {
  return value instanceof Date ? `date:${value.getTime()}` : `${typeof value}:${String(value)}`;
}

