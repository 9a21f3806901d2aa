import { ValidationError } from '../errors.ts';

/**
 * Rejects a sparse array: `map` and `forEach` skip holes (`new Array(2)`, `[row, , ]`), so a list validated with
 * them could reach the database with elements missing. A hole is a `ValidationError` naming its index; after
 * this check, `map` visits every element.
 *
 * ```ts
 * requireDense('options.partitions', [1, 2]);         // [1, 2]
 * requireDense('options.partitions', new Array(2));   // throws ValidationError "options.partitions[0]: is an empty slot ..."
 * ```
 */
export function requireDense<T>(path: string, items: readonly T[]): readonly T[] {
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) {
      throw new ValidationError(`${path}[${i}]`, 'is an empty slot of a sparse array; give every element a value.');
    }
  }
  return items;
}

/**
 * Checks every element of an array, holes included (see `requireDense`), and returns the checked elements.
 * `check` gets the element's path (`options.partitions[3]`) and value.
 *
 * ```ts
 * denseItems('options.partitions', [1, , 3], requireInt4); // throws ValidationError "options.partitions[1]: is an empty slot ..."
 * ```
 */
export function denseItems<T>(path: string, items: readonly unknown[], check: (path: string, item: unknown) => T): T[] {
  const checked: T[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) {
      throw new ValidationError(`${path}[${i}]`, 'is an empty slot of a sparse array; give every element a value.');
    }
    checked.push(check(`${path}[${i}]`, items[i]));
  }
  return checked;
}
