import * as Prisma from '../prisma-runtime.ts';

/** Bound values as node-postgres takes them: it has no mapping for `bigint` or `Prisma.Decimal`. */
export function driverValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Prisma.Decimal.isDecimal(value)) return value.toFixed();
  return Array.isArray(value) ? value.map(driverValue) : value;
}
