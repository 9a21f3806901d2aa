import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';

/**
 * Where an application registers its schema's types. The library's generator (`generator windowLedger` in the
 * application's schema.prisma) writes a module that augments it with the catalog it generates:
 *
 * ```ts
 * declare module 'prisma-window-ledger' {
 *   interface Register { catalog: typeof windowCatalog }
 * }
 * ```
 *
 * Every model name, field name and row type the library accepts is then read from that catalog, so an unknown
 * model or column is a compile-time error. Without it, names are plain strings, checked only at run time.
 */
export interface Register {}

/** The catalog the application registered through {@link Register}, or any catalog when none is. */
export type WindowCatalog = Register extends { readonly catalog: infer C extends WindowCatalogShape } ? C : WindowCatalogShape;

/** Names of the Prisma models the builder knows (every model in the application's schema.prisma). */
export type ModelName = keyof WindowCatalog & string;

/** Scalar field names of model `M`, as written in schema.prisma (not the @map'ed column names). */
export type FieldOf<M extends ModelName> = keyof WindowCatalog[M]['columns'] & string;

/** Prisma scalar type of field `F` on model `M` (`'Decimal'`, `'DateTime'`, ...). */
export type FieldType<M extends ModelName, F extends FieldOf<M>> = WindowCatalog[M]['columns'][F] extends {
  type: infer T;
}
  ? T
  : never;

/**
 * A field's `@default` as the generator records it: a function (`autoincrement()`, `now()`, `uuid()`,
 * `dbgenerated("...")`, ...) with its arguments, or a literal value (`@default(0)`, `@default("new")`).
 */
export type ColumnDefault =
  | { readonly function: string; readonly args: readonly (string | number)[] }
  | { readonly value: unknown };

/** One scalar field of a model, as the generator records it. */
export interface CatalogColumn {
  /** Database column name (after @map). */
  readonly column: string;
  /** Prisma type (`'Int'`, `'Decimal'`, ...) or, for an enum field, the enum's name. */
  readonly type: string;
  readonly kind: 'scalar' | 'enum';
  readonly nullable: boolean;
  readonly isList: boolean;
  /** e.g. `['Decimal', ['14', '2']]` for `@db.Decimal(14, 2)`; null when schema.prisma names no native type. */
  readonly nativeType: readonly [string, readonly string[]] | null;
  readonly isId: boolean;
  /** `@id`, `@unique` or a single-field `@@unique`: an `ON CONFLICT` target. */
  readonly unique: boolean;
  readonly default: ColumnDefault | null;
  /** `@updatedAt`: Prisma sets it on every write. */
  readonly updatedAt: boolean;
  /** The model this field references when it is the scalar side of a relation (`accountId` → `'Account'`). */
  readonly relation: string | null;
  /** For an enum field: its database type and values (absent from catalogs generated before enums were bound). */
  readonly enum?: CatalogEnum | undefined;
}

/**
 * A Prisma enum as PostgreSQL stores it: the type's name (after `@@map`) and schema (its `@@schema`, else the
 * tables' schema), and each value's stored label by its name in the schema (`{ CREDIT: 'credit' }` for
 * `CREDIT @map("credit")`). Conditions and inserts take the names, as Prisma's client does, and bind the labels.
 */
export interface CatalogEnum {
  readonly name: string;
  readonly schema: string | null;
  /** Name the type without a schema, so the session's `search_path` decides (as the tables of its catalog). */
  readonly searchPath?: boolean | undefined;
  readonly values: Readonly<Record<string, string>>;
}

export interface ColumnInfo extends CatalogColumn {
  readonly field: string;
}

/** One model, as the generator records it. */
export interface CatalogModel {
  readonly name: string;
  readonly table: string;
  readonly schema: string | null;
  /**
   * Name the table without a schema, so the session's `search_path` decides (the generator's `searchPath = "true"`,
   * for an application that sets the search path per tenant). Without it, a table without `schema` is `public`'s.
   */
  readonly searchPath?: boolean | undefined;
  /**
   * The field that orders ties: the single-field `@id`, or the generated field of a composite `@@id` (the `id` of
   * `@@id([accountId, id])`, the key a distributed table needs). Null when there is neither.
   */
  readonly id: string | null;
  /**
   * The other fields of a composite `@@id`: `id` is unique only together with them (`['accountId']`). Empty or
   * absent for a single-field `@id`.
   */
  readonly idScope?: readonly string[] | undefined;
  /** Every multi-field unique key (`@@unique`, and a composite `@@id`): `ON CONFLICT` targets. */
  readonly uniqueKeys?: readonly (readonly string[])[] | undefined;
  readonly columns: Readonly<Record<string, CatalogColumn>>;
}

/** What the generator writes: every model of one schema.prisma, by model name. */
export interface WindowCatalogShape {
  readonly [model: string]: CatalogModel;
}

// The models of every registered catalog, by name. Identifiers in SQL come only from here.
const models = new Map<string, CatalogModel>();

// Bumped by every registration: what was compiled from the catalog before may name other tables or keys now.
let generation = 0;

/**
 * Makes a generated catalog's models known at run time; the module the generator writes calls it, so importing
 * that module once (e.g. where the PrismaClient is built) is all an application does. Registering a model again
 * replaces it (a regenerated catalog after a schema change).
 *
 * ```ts
 * import { registerWindowCatalog } from 'prisma-window-ledger';
 * export const windowCatalog = registerWindowCatalog({ Payment: { name: 'Payment', table: 'payments', ... } } as const);
 * ```
 */
export function registerWindowCatalog<const C extends WindowCatalogShape>(catalog: C): C {
  if (typeof catalog !== 'object' || catalog === null) {
    throw new WindowSpecError('registerWindowCatalog: expected the catalog object the generator writes.');
  }
  for (const [name, model] of Object.entries(catalog)) {
    if (typeof model?.table !== 'string' || typeof model.columns !== 'object' || model.columns === null) {
      throw new WindowSpecError(`registerWindowCatalog: model "${name}" is not a generated catalog entry.`);
    }
    models.set(name, model);
  }
  generation += 1;
  return catalog;
}

/**
 * A number that changes whenever a catalog is registered, for caches of SQL compiled from it (a second catalog of
 * the same models, such as a distributed variant, replaces the first).
 */
export function catalogGeneration(): number {
  return generation;
}

function catalogModel(model: string): CatalogModel {
  const entry = models.get(model);
  if (!entry) {
    const known = [...models.keys()];
    throw new WindowSpecError(
      `Unknown model "${model}". ` +
        (known.length > 0
          ? `Known models: ${known.join(', ')}. Add it to schema.prisma and run \`prisma generate\`.`
          : 'No catalog is registered: add `generator windowLedger` to schema.prisma, run `prisma generate`, ' +
            'and import the module it writes before using the library.'),
    );
  }
  return entry;
}

/** Looks a field up in Prisma's data model; unknown names throw (identifiers come only from this closed set). */
export function columnInfo(model: string, field: string): ColumnInfo {
  const entry = catalogModel(model);
  // Statements are compiled for every page and chunk, each looking columns up many times: one frozen answer per
  // field of a registered model (a model registered again is a new entry, with answers of its own).
  let known = columnInfos.get(entry);
  if (known === undefined) {
    known = new Map();
    columnInfos.set(entry, known);
  }
  const cached = known.get(field);
  if (cached !== undefined) return cached;
  const column = Object.hasOwn(entry.columns, field) ? entry.columns[field] : undefined;
  if (!column) {
    throw new WindowSpecError(
      `Unknown field "${field}" on model ${model}. Known fields: ${Object.keys(entry.columns).join(', ')}.`,
    );
  }
  const info: ColumnInfo = Object.freeze({ field, ...column });
  known.set(field, info);
  return info;
}

const columnInfos = new WeakMap<CatalogModel, Map<string, ColumnInfo>>();

/**
 * The model's scalar fields (enums included) in schema.prisma order.
 *
 * ```ts
 * modelFields('Transaction'); // ['id', 'accountId', 'amount', 'createdAt', 'externalId']
 * ```
 */
export function modelFields(model: string): string[] {
  return Object.keys(catalogModel(model).columns);
}

/** The model's id: the tiebreaker that, with its scope ({@link tiebreakerOf}), makes every window order total. */
export function idField(model: string): string {
  const id = catalogModel(model).id;
  if (!id) {
    throw new WindowSpecError(
      `Model ${model} has no single-field @id (nor a composite @@id with one generated field), so window orders ` +
        'cannot be made deterministic. Give the model such a primary key.',
    );
  }
  return id;
}

/** The model's multi-field unique keys (`@@unique`, a composite `@@id`), as the generator records them. */
export function uniqueKeysOf(model: string): readonly (readonly string[])[] {
  return catalogModel(model).uniqueKeys ?? [];
}

/** Fields besides the id in a composite primary key (`['accountId']` for `@@id([accountId, id])`). */
export function idScopeOf(model: string): readonly string[] {
  return catalogModel(model).idScope ?? [];
}

/**
 * The fields that end an order within partitions `partitionBy` so that no two rows tie: the id, plus the fields of
 * a composite primary key the partition does not already hold constant.
 *
 * ```ts
 * tiebreakerOf('Transaction', ['accountId']); // ['id']: (accountId, id) is the key, accountId is fixed
 * tiebreakerOf('Transaction', []);            // ['id', 'accountId'] on the distributed schema, ['id'] otherwise
 * ```
 */
export function tiebreakerOf(model: string, partitionBy: readonly string[]): string[] {
  return [idField(model), ...idScopeOf(model).filter((field) => !partitionBy.includes(field))];
}

/**
 * Refuses a keyset position (stream chunks, pages) over an order whose tiebreaker needs more than the id: such a
 * position would have to carry the scope fields too. Per-partition orders that fix the scope are fine.
 */
export function requireIdTiebreaker(model: string, partitionBy: readonly string[], what: string): void {
  const extra = tiebreakerOf(model, partitionBy).slice(1);
  if (extra.length > 0) {
    throw new WindowSpecError(
      `${what} resumes after the last row's (order, ${idField(model)}), but ${model}.${idField(model)} is unique only ` +
        `together with ${extra.join(', ')} (its composite @@id). Partition by ${extra.join(', ')}, or read it in one ` +
        'statement (a stream through pgPool, or the whole result).',
    );
  }
}

/**
 * The unique key `ON CONFLICT` names for an idempotency key `field` inserted within partitions `partitionBy`:
 * `[field]` when the field is unique alone, else the multi-field unique key made of it and partition fields
 * (`['accountId', 'externalId']` on a distributed table, where every unique key includes the distribution column).
 * Undefined when there is none.
 */
export function conflictTargetOf(model: string, field: string, partitionBy: readonly string[]): readonly string[] | undefined {
  if (columnInfo(model, field).unique) return [field];
  return (catalogModel(model).uniqueKeys ?? []).find(
    (key) => key.includes(field) && key.every((other) => other === field || partitionBy.includes(other)),
  );
}

// Double-quote an identifier the way PostgreSQL reads it. Only ever called with names from the catalog.
function quoteIdentifier(name: string): string {
  return name.includes('"') ? `"${name.replaceAll('"', '""')}"` : `"${name}"`;
}

/**
 * The schema of a model without `@@schema`. Prisma's own queries name it `public` then (unless its adapter is given
 * another `schema`), whatever the session's `search_path`; the library's name it too, so that both read and write
 * the same table even where the search path finds another one first.
 */
export const DEFAULT_SCHEMA = 'public';

/**
 * `"schema"."table"` for a model, honouring @@map and @@schema (`DEFAULT_SCHEMA` without one), or `"table"` alone
 * for a catalog generated with `searchPath = "true"`.
 */
export function tableRef(model: string): Prisma.Sql {
  const entry = catalogModel(model);
  const table = quoteIdentifier(entry.table);
  return Prisma.raw(entry.searchPath ? table : `${quoteIdentifier(entry.schema ?? DEFAULT_SCHEMA)}.${table}`);
}

/**
 * Whether the model's table is named without a schema (a catalog generated with `searchPath = "true"`), so that the
 * session's `search_path` decides which table it is. Prisma's own queries (`createMany`) still name a schema.
 */
export function tablesFollowSearchPath(model: string): boolean {
  return catalogModel(model).searchPath === true;
}

/**
 * `"table"`: how a column of the model's table is qualified in a query reading `tableRef(model)` (a table in FROM
 * is known by its own name, without its schema).
 */
export function tableNameRef(model: string): Prisma.Sql {
  return Prisma.raw(quoteIdentifier(catalogModel(model).table));
}

/** The table's name (after @@map), unquoted. */
export function tableNameOf(model: string): string {
  return catalogModel(model).table;
}

/** The table's schema (@@schema), or null for the connection's search path. */
export function schemaOf(model: string): string | null {
  return catalogModel(model).schema;
}

/** `"column"` for a field, honouring @map. Throws `WindowSpecError` for a field the model does not have. */
export function columnRef(model: string, field: string): Prisma.Sql {
  return Prisma.raw(quoteIdentifier(columnInfo(model, field).column));
}

/** A quoted output alias. Aliases are caller-chosen, so they are checked against a conservative pattern. */
export function aliasRef(alias: string): Prisma.Sql {
  if (typeof alias !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(alias)) {
    throw new WindowSpecError(
      `Invalid alias ${typeof alias === 'string' ? `"${alias}"` : String(alias)}: use letters, digits and underscores, starting with a letter or underscore.`,
    );
  }
  return Prisma.raw(quoteIdentifier(alias));
}

/**
 * Whether a field is text, which compares and orders by a collation its column may set for itself (a uuid is
 * stored as a String field but is not text).
 */
export function isCollatable(model: string, field: string): boolean {
  const info = columnInfo(model, field);
  return info.type === 'String' && info.nativeType?.[0] !== 'Uuid';
}

/** Whether the field is a `String @db.Uuid`: bound, compared and cast as `uuid`, never as text. */
export function isUuidField(model: string, field: string): boolean {
  const info = columnInfo(model, field);
  return info.kind === 'scalar' && !info.isList && info.type === 'String' && info.nativeType?.[0] === 'Uuid';
}

/**
 * The stored enum of an enum field, or undefined for any other field. A field of a catalog generated before enums
 * were bound has none: `WindowSpecError`, asking for `prisma generate`.
 */
export function enumOf(model: string, field: string): CatalogEnum | undefined {
  return requireStoredEnum(model, columnInfo(model, field));
}

/** `enumOf` of a column's catalog entry (`model` names it in the error). */
export function requireStoredEnum(model: string, info: ColumnInfo): CatalogEnum | undefined {
  if (info.kind !== 'enum' || info.isList) return undefined;
  if (!isRecordedEnum(info.enum)) {
    throw new WindowSpecError(
      `${model}.${info.field} is an enum (${info.type}), and its catalog entry does not say how PostgreSQL stores it: run \`prisma generate\` ` +
        'with this version of the library to write it.',
    );
  }
  return info.enum;
}

/**
 * The stored enum of an enum field as its catalog records it, or undefined: for any other field, an enum list, and
 * an enum of a catalog written before enums were bound (whose values are then read as stored, as before).
 */
export function storedEnumOf(model: string, field: string): CatalogEnum | undefined {
  const info = columnInfo(model, field);
  return info.kind === 'enum' && !info.isList && isRecordedEnum(info.enum) ? info.enum : undefined;
}

/** `storedEnumOf` for an enum list field (`Kind[]`), for reading it as names. */
export function storedEnumListOf(model: string, field: string): CatalogEnum | undefined {
  const info = columnInfo(model, field);
  return info.kind === 'enum' && info.isList && isRecordedEnum(info.enum) ? info.enum : undefined;
}

// Whether a catalog entry's `enum` is what the generator writes (a catalog generated before enums has none).
function isRecordedEnum(stored: CatalogEnum | undefined): stored is CatalogEnum {
  return stored !== undefined && typeof stored.name === 'string' && typeof stored.values === 'object' && stored.values !== null;
}

/** Whether a column is a single `Json` value (`jsonb`, or `json` for `@db.Json`). */
export function isJsonColumn(info: CatalogColumn): boolean {
  return info.kind === 'scalar' && info.type === 'Json' && !info.isList;
}

/** `"schema"."type"` of a stored enum (`"type"` alone for a catalog that follows the search path). */
export function enumTypeName(stored: CatalogEnum): string {
  const type = quoteIdentifier(stored.name);
  return stored.searchPath ? type : `${quoteIdentifier(stored.schema ?? DEFAULT_SCHEMA)}.${type}`;
}

/** PostgreSQL type a bound value of this field is cast to (`int4`, `numeric`, `timestamptz`, `"public"."Kind"`, ...). */
export function scalarTypeOf(model: string, field: string): string {
  return arrayTypeOf(model, field).slice(0, -2);
}

/** PostgreSQL array type used to bind a list of values of this field (`= ANY($1::int4[])`). */
export function arrayTypeOf(model: string, field: string): string {
  const info = columnInfo(model, field);
  const stored = enumOf(model, field);
  if (stored !== undefined) return `${enumTypeName(stored)}[]`;
  const native = info.nativeType?.[0];
  if (info.kind !== 'scalar') throw new WindowSpecError(`Field ${model}.${field} of type ${info.type} cannot be filtered by a list.`);
  switch (info.type) {
    case 'Int':
      return 'int4[]';
    case 'BigInt':
      return 'int8[]';
    case 'String':
      // A uuid column compared with text has no operator: its values bind as uuid.
      return native === 'Uuid' ? 'uuid[]' : 'text[]';
    case 'Decimal':
      return 'numeric[]';
    case 'Float':
      return native === 'Real' ? 'float4[]' : 'float8[]';
    case 'Boolean':
      return 'bool[]';
    case 'DateTime':
      switch (native) {
        case 'Date':
          return 'date[]';
        case 'Timestamp':
        case undefined: // Prisma's default for DateTime on PostgreSQL is timestamp(3), without a zone
          return 'timestamp[]';
        case 'Time':
          return 'time[]';
        case 'Timetz':
          return 'timetz[]';
        default:
          return 'timestamptz[]';
      }
    default:
      throw new WindowSpecError(`Field ${model}.${field} of type ${info.type} cannot be filtered by a list.`);
  }
}

/** `numeric(precision, scale)` of a Decimal field, read from its `@db.Decimal(p, s)` attribute. */
export function decimalColumnOf(model: string, field: string): { precision: number; scale: number } {
  const info = columnInfo(model, field);
  const args = info.nativeType?.[0] === 'Decimal' ? info.nativeType[1] : undefined;
  if (info.type !== 'Decimal' || !args || args.length !== 2) {
    throw new WindowSpecError(
      `${model}.${field} needs an explicit @db.Decimal(precision, scale) so amounts can be checked exactly before insert.`,
    );
  }
  return { precision: Number(args[0]), scale: Number(args[1]) };
}

/** Maximum length of a `@db.VarChar(n)` field; `Infinity` for unbounded text. */
export function textLengthOf(model: string, field: string): number {
  const info = columnInfo(model, field);
  const arg = info.nativeType?.[0] === 'VarChar' || info.nativeType?.[0] === 'Char' ? info.nativeType[1][0] : undefined;
  return arg === undefined ? Number.POSITIVE_INFINITY : Number(arg);
}
