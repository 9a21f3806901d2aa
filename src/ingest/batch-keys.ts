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
