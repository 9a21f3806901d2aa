import pg from 'pg';
import * as Prisma from '../prisma-runtime.ts';

const DATE_OID = 1082;
const TIMESTAMP_OID = 1114;

/**
 * How node-postgres reads the columns the library selects. It reads `date` as local midnight: hand it over as
 * text (the caller's decoder builds the UTC midnight Prisma returns). `timestamp` (how instants are selected:
 * `"col" AT TIME ZONE 'UTC'`) holds UTC wall time, which node-postgres would read in the process's local zone:
 * read it as UTC, the way @prisma/adapter-pg does.
 */
export const DRIVER_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === TIMESTAMP_OID) return (value: string) => new Date(`${value.replace(' ', 'T')}+00:00`);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Bound values as node-postgres takes them: it has no mapping for `bigint` or `Prisma.Decimal`. */
export function driverValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Prisma.Decimal.isDecimal(value)) return value.toFixed();
  return Array.isArray(value) ? value.map(driverValue) : value;
}
