import { randomUUID } from 'node:crypto';
import { LedgerError, WindowSpecError } from '../errors.ts';
import { JsonNull } from '../prisma-runtime.ts';
import type { ColumnInfo } from '../window/catalog.ts';
import type { ColumnCheck } from './column-validator.ts';

/**
 * What an insert writes for a column the row left out, when the library can produce Prisma's own value:
 * `@updatedAt` and `@default(now())` → the time of validation; a literal `@default(...)` → that literal (checked
 * against the column once, here); `@default(uuid())` → a random v4 UUID. `undefined` when the caller must pass
 * the value: no default, or one only Prisma's client computes (`cuid()`, `nanoid()`, `ulid()`, `uuid(7)`).
 * Database-generated columns (`autoincrement()`, `dbgenerated(...)`) are never written, so they never get here.
 *
 * The bulk insert writes one array per column for the whole chunk, so an omitted value cannot be left to the
 * database's `DEFAULT`: it is filled in here, like Prisma's `createMany` fills it in.
 *
 * ```ts
 * const supply = columnDefault('Invoice', columnInfo('Invoice', 'issuedAt'), check); // @default(now())
 * supply?.(); // Date: now
 * ```
 */
export function columnDefault(model: string, info: ColumnInfo, check: ColumnCheck): (() => unknown) | undefined {
  const spec = info.default;
  if (info.updatedAt || (spec !== null && 'function' in spec && spec.function === 'now')) return () => new Date();
  if (spec === null) return undefined;
  if ('value' in spec) {
    const value = literal(model, info, check, spec.value);
    return value instanceof Date ? () => new Date(value.getTime()) : () => value;
  }
  const version = spec.args[0];
  if (spec.function === 'uuid' && (version === undefined || version === 4)) return () => randomUUID();
  return undefined;
}

/**
 * Whether `columnDefault` makes a new value on every call (`@updatedAt`, `now()`, `uuid()`): a row validated twice
 * would then differ (see `RunningTotalModel.pureRequireRow`).
 *
 * ```ts
 * generatesValue(columnInfo('Invoice', 'issuedAt')); // true for @default(now())
 * ```
 */
export function generatesValue(info: ColumnInfo): boolean {
  const spec = info.default;
  return info.updatedAt || (spec !== null && 'function' in spec && (spec.function === 'now' || spec.function === 'uuid'));
}

// A `Json` field's @default is the JSON document's text (`@default("{\"a\": 1}")`), as Prisma writes it; a
// `@default("null")` is the JSON null, which Prisma stores (not SQL NULL).
function jsonDefault(model: string, info: ColumnInfo, text: string): unknown {
  try {
    const document = JSON.parse(text) as unknown;
    return document === null ? JsonNull : document;
  } catch {
    throw new WindowSpecError(`${model}.${info.field}: its @default(${JSON.stringify(text)}) is not a JSON document.`);
  }
}

// DMMF writes literal defaults as JSON values: a DateTime as ISO text, a BigInt as a number or digits.
function literal(model: string, info: ColumnInfo, check: ColumnCheck, value: unknown): unknown {
  const raw =
    info.type === 'DateTime' && typeof value === 'string'
      ? new Date(value)
      : info.type === 'BigInt' && typeof value === 'string'
        ? BigInt(value)
        : info.type === 'Json' && typeof value === 'string'
          ? jsonDefault(model, info, value)
          : value;
  try {
    return check(`${model}.${info.field} @default`, raw);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    throw new WindowSpecError(`${model}.${info.field}: its @default(${JSON.stringify(value)}) does not fit the column: ${error.message}`);
  }
}
