import { ValidationError } from '../errors.ts';
import type { CatalogEnum } from '../window/catalog.ts';
import { describe } from './dates.ts';

/**
 * Checks a value of an enum field: one of the enum's names in schema.prisma (`'CREDIT'`), as Prisma's client takes
 * it, never the label PostgreSQL stores (`'credit'` for `CREDIT @map("credit")`). Returns the name.
 *
 * ```ts
 * requireEnumName('rows[0].kind', 'Entry.kind', { name: 'entry_kind', schema: null, values: { CREDIT: 'credit' } }, 'CREDIT'); // 'CREDIT'
 * requireEnumName('rows[0].kind', 'Entry.kind', kind, 'credit'); // throws ValidationError: expected one of CREDIT
 * ```
 */
export function requireEnumName(path: string, what: string, stored: CatalogEnum, value: unknown): string {
  if (typeof value !== 'string' || !Object.hasOwn(stored.values, value)) {
    const names = Object.keys(stored.values);
    throw new ValidationError(path, `expected one of ${what}'s values (${names.join(', ')}), got ${describe(value)}.`);
  }
  return value;
}

/** The label PostgreSQL stores for an enum value's name (checked with `requireEnumName`). */
export function enumLabel(stored: CatalogEnum, name: string): string {
  return stored.values[name]!;
}
