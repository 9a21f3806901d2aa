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
