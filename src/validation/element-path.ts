import { ValidationError } from '../errors.ts';

/**
 * `check(path, value)` under the path of what holds the value, and only for a value it refuses again under the
 * value's own path (`rows[12]` for an index, `rows.amount` for a field), for the error: that text, built for every
 * row and field of a bulk insert, cost a fifth of the checks. `check` must give the same answer twice (a pure
 * validator); if the second call passes after all, the first error is thrown.
 *
 * ```ts
 * checkAt(requireInt4, 'rows[3]', 'accountId', 'x'); // throws ValidationError "rows[3].accountId: expected ..."
 * ```
 */
export function checkAt<T>(check: (path: string, value: unknown) => T, path: string, key: number | string, value: unknown): T {
  try {
    return check(path, value);
  } catch (error) {
    if (error instanceof ValidationError) check(typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`, value);
    throw error;
  }
}
