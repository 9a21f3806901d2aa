import * as Prisma from '../prisma-runtime.ts';
import { columnInfo, type CatalogEnum } from './catalog.ts';

/**
 * The stored enum of an enum field as its catalog records it; undefined for any other field, an enum list, and an
 * enum of a catalog written before enums were bound (whose values are then read as stored, as before).
 */
export function storedEnumOf(model: string, field: string): CatalogEnum | undefined {
  const info = columnInfo(model, field);
  return info.kind === 'enum' && !info.isList ? info.enum : undefined;
}

/**
 * An enum list field (`Kind[]`) as a row reads it: an array of the values' names, as Prisma's client returns it
 * (the driver reads no array of an enum type: it would come back as the array's text). NULL stays NULL.
 * ```sql
 * CASE WHEN "tags" IS NULL THEN NULL ELSE ARRAY(SELECT CASE CAST(u.v AS text) WHEN $1 THEN $2 ELSE CAST(u.v AS text) END
 *   FROM unnest(CAST("tags" AS text[])) WITH ORDINALITY AS u(v, o) ORDER BY u.o) END
 * ```
 */
export function enumListNamesSql(model: string, field: string, sql: Prisma.Sql): Prisma.Sql {
  const info = columnInfo(model, field);
  const text = Prisma.sql`CAST(${sql} AS text[])`;
  const stored = info.enum;
  if (stored === undefined || !Object.entries(stored.values).some(([name, label]) => name !== label)) return text;
  const names = enumNamesSql(stored, Prisma.sql`u.v`);
  return Prisma.sql`CASE WHEN ${sql} IS NULL THEN NULL ELSE ARRAY(SELECT ${names} FROM unnest(${text}) WITH ORDINALITY AS u(v, o) ORDER BY u.o) END`;
}

/** Whether the field is a list of an enum (`Kind[]`). */
export function isEnumListField(model: string, field: string): boolean {
  const info = columnInfo(model, field);
  return info.kind === 'enum' && info.isList;
}

/**
 * Values of a stored enum as a row reads them: each value's name in schema.prisma, as Prisma's client returns it.
 * PostgreSQL stores a label, which differs from the name for a value with `@map` (`CREDIT @map("credit")`): those
 * labels are turned back into their names; an enum without such values is read as it is.
 * ```sql
 * CASE CAST("kind" AS text) WHEN $1 THEN $2 ELSE CAST("kind" AS text) END   -- $1 = 'credit', $2 = 'CREDIT'
 * ```
 */
export function enumNamesSql(stored: CatalogEnum | undefined, sql: Prisma.Sql): Prisma.Sql {
  const renamed = stored === undefined ? [] : Object.entries(stored.values).filter(([name, label]) => name !== label);
  if (renamed.length === 0) return sql;
  const text = Prisma.sql`CAST(${sql} AS text)`;
  const arms = renamed.map(([name, label]) => Prisma.sql`WHEN ${label} THEN ${name}`);
  return Prisma.sql`CASE ${text} ${Prisma.join(arms, ' ')} ELSE ${text} END`;
}

/**
 * Where a value read as its name (`enumNamesSql`) sorts: the name's place in the enum's declared order, the order
 * PostgreSQL sorts the enum itself in (names sorted as text would not be). An enum without renamed values is read
 * as stored, and sorts as itself.
 * ```sql
 * array_position(CAST($1 AS text[]), "priority")   -- $1 = {LOW,MID,HIGH}
 * ```
 */
export function enumOrderSql(stored: CatalogEnum, names: Prisma.Sql): Prisma.Sql {
  const renamed = Object.entries(stored.values).some(([name, label]) => name !== label);
  return renamed ? Prisma.sql`array_position(CAST(${Object.keys(stored.values)} AS text[]), ${names})` : names;
}
