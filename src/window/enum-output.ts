import * as Prisma from '../prisma-runtime.ts';
import { columnInfo, enumTypeName, type CatalogEnum } from './catalog.ts';

/**
 * A list of a stored enum's values (`Kind[]`) as a row reads it: an array of the values' names, as Prisma's client
 * returns it (the driver reads no array of an enum type: it would come back as the array's text). NULL stays NULL;
 * without the enum's entry (an older catalog), an array of the stored labels.
 * ```sql
 * CASE WHEN "tags" IS NULL THEN NULL ELSE ARRAY(SELECT CASE CAST(u.v AS text) WHEN $1 THEN $2 ELSE CAST(u.v AS text) END
 *   FROM unnest(CAST("tags" AS text[])) WITH ORDINALITY AS u(v, o) ORDER BY u.o) END
 * ```
 */
export function enumListNamesSql(stored: CatalogEnum | undefined, sql: Prisma.Sql): Prisma.Sql {
  const text = Prisma.sql`CAST(${sql} AS text[])`;
  if (stored === undefined || !hasRenamedValues(stored)) return text;
  const names = enumNamesSql(stored, Prisma.sql`u.v`);
  return Prisma.sql`CASE WHEN ${sql} IS NULL THEN NULL ELSE ARRAY(SELECT ${names} FROM unnest(${text}) WITH ORDINALITY AS u(v, o) ORDER BY u.o) END`;
}

/** Whether the field is a list of an enum (`Kind[]`), whatever its catalog entry holds. */
export function isEnumListField(model: string, field: string): boolean {
  const info = columnInfo(model, field);
  return info.kind === 'enum' && info.isList;
}

/** Whether some value of the enum is stored under another label than its name (`CREDIT @map("credit")`). */
export function hasRenamedValues(stored: CatalogEnum): boolean {
  return renamedValues(stored).length > 0;
}

// The values whose stored label is not their name (`CREDIT @map("credit")`), as [name, label].
function renamedValues(stored: CatalogEnum): [string, string][] {
  return Object.entries(stored.values).filter(([name, label]) => name !== label);
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
  const renamed = stored === undefined ? [] : renamedValues(stored);
  if (renamed.length === 0) return sql;
  const text = Prisma.sql`CAST(${sql} AS text)`;
  const arms = renamed.map(([name, label]) => Prisma.sql`WHEN ${label} THEN ${name}`);
  return Prisma.sql`CASE ${text} ${Prisma.join(arms, ' ')} ELSE ${text} END`;
}

// Each stored enum's names by label, built on first use.
const namesByLabel = new WeakMap<CatalogEnum, ReadonlyMap<string, string>>();

/**
 * A stored label read as a value's name, in JavaScript, for values a statement returns as stored (a partition key
 * of a bucket or balance, which pages resume after as stored): `'credit'` → `'CREDIT'` for `CREDIT @map("credit")`.
 * A label the catalog does not know (a value a later migration added) is returned as it is, as `enumNamesSql` does.
 */
export function enumNameOf(stored: CatalogEnum, label: string): string {
  let names = namesByLabel.get(stored);
  if (names === undefined) {
    names = new Map(Object.entries(stored.values).map(([name, value]) => [value, name]));
    namesByLabel.set(stored, names);
  }
  return names.get(label) ?? label;
}

/**
 * Where a value read as its name (`enumNamesSql`) sorts: where its stored value sorts in PostgreSQL (the name back
 * to its label, cast to the enum), as comparisons, `min` / `max` and orders of the enum itself do (names sorted as
 * text would not, nor would their order in schema.prisma after a migration added a value elsewhere).
 * ```sql
 * CAST(CASE CAST("first" AS text) WHEN $1 THEN $2 ELSE CAST("first" AS text) END AS "public"."entry_kind")   -- $1 = 'CREDIT', $2 = 'credit'
 * ```
 */
export function enumOrderSql(stored: CatalogEnum, names: Prisma.Sql): Prisma.Sql {
  const renamed = renamedValues(stored);
  if (renamed.length === 0) return names;
  const text = Prisma.sql`CAST(${names} AS text)`;
  const arms = renamed.map(([name, label]) => Prisma.sql`WHEN ${name} THEN ${label}`);
  return Prisma.sql`CAST(CASE ${text} ${Prisma.join(arms, ' ')} ELSE ${text} END AS ${Prisma.raw(enumTypeName(stored))})`;
}
