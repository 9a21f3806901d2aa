import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { columnRef, type FieldOf, type ModelName } from './catalog.ts';
import { fieldExpr, requireComparableType, requireOperand, type AnyExpr } from './expression.ts';

/** A partition or order key: a field name, or an expression of the row (a bucket, a cast, arithmetic). */
export type OrderKey<F extends string = string> = F | AnyExpr;

/** The field a key is, when it is one stored field (a field name, or the expression of one field). */
export function orderKeyField(key: OrderKey): string | undefined {
  return typeof key === 'string' ? key : key.field;
}

/**
 * Whether two keys are the same key: the same field (by name, or as the expression of that field), or the same
 * expression object.
 */
export function sameOrderKey(a: OrderKey, b: OrderKey): boolean {
  const fieldA = orderKeyField(a);
  return fieldA !== undefined ? fieldA === orderKeyField(b) : a === b;
}

/** A key as an expression. */
export function orderKeyExpr(model: ModelName, key: OrderKey): AnyExpr {
  return typeof key === 'string' ? fieldExpr(model, key as FieldOf<ModelName>) : key;
}

/** A key's SQL: `"createdAt"`, or the expression. */
export function orderKeySql(model: ModelName, key: OrderKey): Prisma.Sql {
  return typeof key === 'string' ? columnRef(model, key) : key.render();
}

/** How messages name a key. */
export function orderKeyLabel(key: OrderKey): string {
  return typeof key === 'string' ? key : key.label;
}

/**
 * Checks a partition or order key given to a window spec or a query: a known field, or an expression of the same
 * model that holds no window function (PostgreSQL allows none in PARTITION BY / ORDER BY of a window) and has a
 * type that can be ordered.
 */
export function requireOrderKey<M extends ModelName>(model: M, key: unknown, what: string): OrderKey {
  if (typeof key === 'string') {
    columnRef(model, key); // unknown fields throw now, not at render time
    return key;
  }
  const expr = requireOperand(model, key, what);
  requireComparableType(expr, what);
  if (expr.windowNames.length > 0) throw new WindowSpecError(`${what}: ${expr.label} refers to a named window.`);
  return expr;
}

/** A sort direction as given at run time: `'asc'` or `'desc'`, else a `WindowSpecError` (never a silent ASC). */
export function requireSortDirection(direction: unknown): 'asc' | 'desc' {
  if (direction !== 'asc' && direction !== 'desc') throw new WindowSpecError(`Sort direction must be 'asc' or 'desc', got "${String(direction)}".`);
  return direction;
}

/** A NULLS placement as given at run time: absent, `'first'` or `'last'`, else a `WindowSpecError`. */
export function requireNullsOrder(nulls: unknown): 'first' | 'last' | undefined {
  if (nulls !== undefined && nulls !== 'first' && nulls !== 'last') throw new WindowSpecError(`NULLS order must be 'first' or 'last', got "${String(nulls)}".`);
  return nulls;
}
