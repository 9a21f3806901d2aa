import { WindowSpecError } from '../errors.ts';
import { requireStoredEnum, type ColumnInfo } from '../window/catalog.ts';
import { acceptsDate, acceptsUtcDay, requireDate, requireUtcDay } from './dates.ts';
import { acceptsPlainDecimal, requireDecimal } from './decimal.ts';
import { requireInt4, requireText, requireUuid, requireVarChar } from './keys.ts';
import { isDbNull } from '../prisma-runtime.ts';
import { requireEnumName } from './enum-value.ts';
import { requireJson } from './json-value.ts';
import { requireBigInt, requireBoolean, requireFloat, requireInt2 } from './scalars.ts';

/**
 * Checks one value (never `null` / `undefined`: nullability is the caller's rule) and returns what is written.
 * `accepts`, where a check builds a new value (a `Decimal`, a `Date` copy), tells without building it that the
 * check would pass, for a pass that only needs to know the rows are valid: true only for values the check passes,
 * but not for all of them (a `Decimal` instance, a number, `'+5'` or `'1e3'` get false, and the check decides).
 */
export type ColumnCheck = ((path: string, value: unknown) => unknown) & {
  readonly accepts?: ((value: unknown) => boolean) | undefined;
};

// Prisma's PostgreSQL mapping of a `Decimal` without `@db.Decimal(p, s)`.
const PRISMA_DEFAULT_DECIMAL = { precision: 65, scale: 30 };

/**
 * The validator of one column, derived from its catalog entry (type, native type, length, precision), for the
 * repositories `defineRunningTotalRepository` builds:
 *
 * | Prisma type | accepted | written |
 * | --- | --- | --- |
 * | `Int` | an integer in int4 range (`@db.SmallInt`: int2 range) | `number` |
 * | `BigInt` | a `bigint` in int8 range or a safe integer | `bigint` |
 * | `Float` | a finite number | `number` |
 * | `Decimal` | `Prisma.Decimal`, decimal string or number that fits `numeric(p, s)` exactly (never rounded) | `Prisma.Decimal` |
 * | `String` | text without NUL / lone surrogates, at most `n` characters for `@db.VarChar(n)` / `@db.Char(n)`; non-empty when `nonEmpty` (keys) | `string` |
 * | `String @db.Uuid` | a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either case) | `string`, lower case |
 * | `Boolean` | a boolean | `boolean` |
 * | `DateTime` | a valid `Date` in years 1–9999; `@db.Date`: midnight UTC (`requireUtcDay`) | `Date` (a copy) |
 * | an enum | one of its names in schema.prisma (`'CREDIT'`) | the name (the insert binds its stored label) |
 * | `Json` (`jsonb`, `@db.Json`) | plain JSON values, `Prisma.JsonNull`; `Prisma.DbNull` on a nullable column (`requireJson`) | its JSON text (`CheckedJson`) |
 *
 * Anything else (Bytes, lists, `@db.Time`, `@db.Money`, ...) cannot be bound by the bulk
 * insert, which sends one typed PostgreSQL array per column: `WindowSpecError`, when the repository is defined.
 *
 * ```ts
 * const check = columnValidator('InventoryMovement', columnInfo('InventoryMovement', 'quantity'));
 * check('rows[0].quantity', '12.500'); // Prisma.Decimal 12.5
 * check('rows[0].quantity', '0.0001'); // throws ValidationError "rows[0].quantity: 0.0001 has 4 decimal places; ..."
 * ```
 */
export function columnValidator(model: string, info: ColumnInfo, options: { readonly nonEmpty?: boolean | undefined } = {}): ColumnCheck {
  const [native, args = []] = info.nativeType ?? [undefined, []];
  const unsupported = (): never => {
    const type = `${info.isList ? `${info.type}[]` : info.type}${native === undefined ? '' : ` @db.${native}`}`;
    throw new WindowSpecError(
      `${model}.${info.field} (${type}) has no derived validator: the bulk insert binds Int, BigInt, Float, Decimal, ` +
        'String (text, VarChar, Char, Uuid), Boolean, DateTime (timestamp, timestamptz, date), Json (jsonb, json) and enum columns only.',
    );
  };
  if (info.isList) return unsupported();
  const stored = requireStoredEnum(model, info);
  if (stored !== undefined) return (path, value) => requireEnumName(path, `${model}.${info.field}`, stored, value);
  if (info.kind !== 'scalar') return unsupported();
  switch (info.type) {
    case 'Int':
      return native === undefined || native === 'Integer' ? requireInt4 : native === 'SmallInt' ? requireInt2 : unsupported();
    case 'BigInt':
      return native === undefined || native === 'BigInt' ? requireBigInt : unsupported();
    case 'Float':
      return native === undefined || native === 'DoublePrecision' || native === 'Real' ? requireFloat : unsupported();
    case 'Decimal': {
      if (native !== undefined && native !== 'Decimal') return unsupported();
      const column = args.length === 2 ? { precision: Number(args[0]), scale: Number(args[1]) } : PRISMA_DEFAULT_DECIMAL;
      return Object.assign((path: string, value: unknown) => requireDecimal(path, value, column), {
        accepts: (value: unknown) => acceptsPlainDecimal(value, column),
      });
    }
    case 'String': {
      if (native === 'Uuid') return requireUuid;
      if (native !== undefined && native !== 'Text' && native !== 'VarChar' && native !== 'Char') return unsupported();
      const maxLength = args[0] === undefined ? Number.POSITIVE_INFINITY : Number(args[0]);
      return options.nonEmpty ? (path, value) => requireText(path, value, maxLength) : (path, value) => requireVarChar(path, value, maxLength);
    }
    case 'Boolean':
      return native === undefined || native === 'Boolean' ? requireBoolean : unsupported();
    case 'Json':
      if (native !== undefined && native !== 'Json' && native !== 'JsonB') return unsupported();
      // Prisma's DbNull is SQL NULL, like a plain null: on a nullable column only.
      return info.nullable ? (path, value) => (isDbNull(value) ? null : requireJson(path, value)) : requireJson;
    case 'DateTime':
      if (native === 'Date') {
        return Object.assign((path: string, value: unknown) => requireUtcDay(path, value), { accepts: acceptsUtcDay });
      }
      return native === undefined || native === 'Timestamptz' || native === 'Timestamp'
        ? Object.assign((path: string, value: unknown) => requireDate(path, value), { accepts: acceptsDate })
        : unsupported();
    default:
      return unsupported();
  }
}
