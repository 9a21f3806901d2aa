import { UnrepresentableValueError } from '../errors.ts';

/**
 * Refuses rows in which the driver read a stored value as an `Invalid Date` (a timestamp of `infinity`, BC, or past
 * year 9999): a row must never carry one. Rows as `$queryRaw` returned them; checked where they come back, so every
 * read through Prisma is covered. One `instanceof` per field: about 5 ms per 100,000 rows of five fields, some 1%
 * of reading them through Prisma.
 *
 * ```ts
 * requireRepresentableRows([{ id: 1n, createdAt: new Date(NaN) }]); // throws UnrepresentableValueError naming createdAt
 * ```
 */
export function requireRepresentableRows<Row>(rows: Row[]): Row[] {
  for (const row of rows) {
    const fields = row as Record<string, unknown>;
    for (const name in fields) {
      const value = fields[name];
      if (value instanceof Date && Number.isNaN(value.getTime())) throw unrepresentable(name);
      // An array of instants (`arrayAgg`) too.
      if (Array.isArray(value) && value.some((item) => item instanceof Date && Number.isNaN(item.getTime()))) throw unrepresentable(name);
    }
  }
  return rows;
}

/** The error for a stored value of `field` that has no JavaScript `Date`. */
export function unrepresentable(field: string, text?: string): UnrepresentableValueError {
  const value = text === undefined ? 'a stored timestamp or date' : `the stored value '${text}'`;
  // Through Prisma only the Invalid Date is seen: under another DateStyle every date reads as one.
  const dateStyle = text === undefined ? " If no such value is stored, the session's DateStyle is not ISO, which Prisma's adapter needs to read any date (connect with SESSION_OPTIONS)." : '';
  return new UnrepresentableValueError(
    `${field}: ${value} has no JavaScript Date (infinity, before year 1 or after 9999); keep such rows out of the query or read the column as text.${dateStyle}`,
  );
}
