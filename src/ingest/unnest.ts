import { Prisma } from '../generated/prisma/client.ts';
import { arrayTypeOf, columnInfo, columnRef, tableRef } from '../window/catalog.ts';

/**
 * The fast insert: one statement per chunk, whatever its size, with one bound array per column:
 *
 *   INSERT INTO "Transaction" ("accountId", "amount", "createdAt", "externalId")
 *   SELECT * FROM unnest($1::int4[], $2::numeric[], $3::timestamptz[], $4::text[])
 *   ON CONFLICT ("externalId") DO NOTHING
 *
 * Table, column and array type names come from the catalog generated from schema.prisma (`tableRef`, `columnRef`,
 * `arrayTypeOf`); every value is a bound parameter. Decimals travel as their exact decimal strings, never as
 * floats; NULLs stay NULL. The statement's row count is the number of rows actually inserted.
 */
export function unnestInsertSql(
  model: string,
  fields: readonly string[],
  rows: readonly Record<string, unknown>[],
  conflictField?: string,
): Prisma.Sql {
  const columns = fields.map((field) => columnRef(model, field));
  const arrays = fields.map((field) => {
    const toParam = paramConverter(model, field);
    const values = rows.map((row) => toParam(row[field]));
    return Prisma.sql`${values}::${Prisma.raw(arrayTypeOf(model, field))}`;
  });
  const onConflict =
    conflictField === undefined ? Prisma.empty : Prisma.sql` ON CONFLICT (${columnRef(model, conflictField)}) DO NOTHING`;
  return Prisma.sql`INSERT INTO ${tableRef(model)} (${Prisma.join(columns, ', ')}) SELECT * FROM unnest(${Prisma.join(arrays, ', ')})${onConflict}`;
}

type Param = string | number | boolean | null;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a UTC day. Years are validated to 1..9999 before this runs. */
export function formatUtcDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** `YYYY-MM-DD hh:mm:ss.mmm+00`: an explicit UTC offset, so the session's TimeZone cannot shift it. */
export function formatUtcTimestamp(date: Date): string {
  return (
    `${formatUtcDate(date)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `.${pad(date.getUTCMilliseconds(), 3)}+00`
  );
}

/** How one validated value of `model.field` is bound inside its array. */
function paramConverter(model: string, field: string): (value: unknown) => Param {
  const info = columnInfo(model, field);
  const native = info.nativeType?.[0];
  return (value) => {
    if (value === null || value === undefined) return null;
    switch (info.type) {
      case 'Decimal':
        // Exact decimal text ('-120.45'); toFixed() never switches to exponent notation.
        return Prisma.Decimal.isDecimal(value) ? value.toFixed() : new Prisma.Decimal(value as string).toFixed();
      case 'DateTime':
        if (!(value instanceof Date)) throw new TypeError(`${model}.${field}: expected a validated Date`);
        return native === 'Date' ? formatUtcDate(value) : formatUtcTimestamp(value);
      case 'BigInt':
        return String(value);
      default:
        return value as Param;
    }
  };
}
