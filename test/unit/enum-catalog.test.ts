/**
 * How the generator records a Prisma enum (its PostgreSQL type, schema and each value's stored label) and the SQL
 * the library makes of it: values bound as labels cast to the enum's type, rows read back as the values' names.
 */
import type { DMMF } from '@prisma/generator-helper';
import { describe, expect, it } from 'vitest';

import { catalogOf, type TableNaming } from '../../src/generator/catalog-source.ts';
import { enumSchemasOf } from '../../src/generator/enum-schemas.ts';
import { conditions, registerWindowCatalog, windowQuery, type ModelName, type WindowCatalogShape } from '../../src/index.ts';
import { insertColumnArray } from '../../src/window/parameters.ts';

const SCHEMA_TEXT = `
// enum Commented { A  @@schema("nowhere") }
enum Kind {
  CREDIT @map("credit")
  DEBIT  @map("a } brace") /// documentation: @@schema("not this")
  FEE

  @@map("entry_kind")
  @@schema("billing")
}

enum Plain {
  ONE
}

model Entry {
  id   Int  @id
  kind Kind
}
`;

function field(name: string, type: string, kind: 'scalar' | 'enum', over: Partial<DMMF.Field> = {}): DMMF.Field {
  return { name, kind, type, isList: false, isRequired: true, isUnique: false, isId: false, isReadOnly: false, hasDefaultValue: false, isGenerated: false, isUpdatedAt: false, ...over } as unknown as DMMF.Field;
}

function datamodel(prefix: string): DMMF.Datamodel {
  const entry = {
    name: `${prefix}Entry`,
    dbName: `${prefix.toLowerCase()}_entries`,
    schema: null,
    fields: [field('id', 'Int', 'scalar', { isId: true }), field('kind', 'Kind', 'enum'), field('plain', 'Plain', 'enum', { isRequired: false }), field('kinds', 'Kind', 'enum', { isList: true })],
    uniqueFields: [],
    uniqueIndexes: [],
    primaryKey: null,
    isGenerated: false,
  };
  const enums = [
    { name: 'Kind', dbName: 'entry_kind', values: [{ name: 'CREDIT', dbName: 'credit' }, { name: 'DEBIT', dbName: 'a } brace' }, { name: 'FEE', dbName: null }] },
    { name: 'Plain', dbName: null, values: [{ name: 'ONE', dbName: null }] },
  ];
  return { models: [entry], enums, types: [], indexes: [] } as unknown as DMMF.Datamodel;
}

/** Registers the data model's catalog under names unique to the case; returns the entry model's name. */
function registered(prefix: string, naming: TableNaming): ModelName {
  registerWindowCatalog(catalogOf(datamodel(prefix), { ...naming, enumSchemas: enumSchemasOf(SCHEMA_TEXT) }) as unknown as WindowCatalogShape);
  return `${prefix}Entry` as ModelName;
}

describe('the generator', () => {
  it("reads each enum's @@schema from the schema's text, skipping comments and strings", () => {
    expect(enumSchemasOf(SCHEMA_TEXT)).toEqual(new Map([['Kind', 'billing']]));
    expect(enumSchemasOf('enum A { X\n @@schema("a") }\nenum B { Y }\nenum C {\n  Z @map("}")\n  @@schema( "c" )\n}')).toEqual(new Map([['A', 'a'], ['C', 'c']]));
    expect(enumSchemasOf('enum Q { X\n @@schema("we\\"ird") }')).toEqual(new Map([['Q', 'we"ird']]));
  });

  it('records the type, its schema (its own, else the tables\') and each value\'s label by name', () => {
    const catalog = catalogOf(datamodel('Rec'), { schema: 'tenant', enumSchemas: enumSchemasOf(SCHEMA_TEXT) }) as Record<string, { columns: Record<string, { enum?: unknown }> }>;
    const columns = catalog['RecEntry']!.columns;
    expect(columns['kind']!.enum).toEqual({ name: 'entry_kind', schema: 'billing', values: { CREDIT: 'credit', DEBIT: 'a } brace', FEE: 'FEE' } });
    expect(columns['plain']!.enum).toEqual({ name: 'Plain', schema: 'tenant', values: { ONE: 'ONE' } });
    expect(columns['id']!.enum).toBeUndefined();
    const searched = catalogOf(datamodel('Rec'), { searchPath: true }) as typeof catalog;
    expect(searched['RecEntry']!.columns['plain']!.enum).toEqual({ name: 'Plain', schema: null, searchPath: true, values: { ONE: 'ONE' } });
  });
});

describe('SQL of an enum field', () => {
  it('binds names as stored labels cast to the enum type, in its schema', () => {
    const model = registered('Cast', {});
    const c = conditions(model);
    const compared = c.compare('kind' as never, '=', 'DEBIT' as never).sql;
    expect(compared.text).toBe('"kind" = CAST($1 AS "billing"."entry_kind")');
    expect(compared.values).toEqual(['a } brace']);
    const listed = c.in('plain' as never, ['ONE'] as never).sql;
    expect(listed.text).toBe('"plain" = ANY(CAST($1 AS "public"."Plain"[]))');
    expect(listed.values).toEqual([['ONE']]);
    const inserted = insertColumnArray(model, 'kind', ['CREDIT', null, 'FEE']);
    expect(inserted.text).toBe('$1::"billing"."entry_kind"[]');
    expect(inserted.values).toEqual([['credit', null, 'FEE']]);
  });

  it('names the type alone for a catalog that follows the search path, unless the enum has its own @@schema', () => {
    const model = registered('Searched', { searchPath: true });
    expect(conditions(model).compare('plain' as never, '=', 'ONE' as never).sql.text).toBe('"plain" = CAST($1 AS "Plain")');
    expect(conditions(model).compare('kind' as never, '=', 'FEE' as never).sql.text).toBe('"kind" = CAST($1 AS "billing"."entry_kind")');
  });

  it('reads labels back as names only where they differ', () => {
    const model = registered('Read', {});
    const sql = windowQuery(model).select('id' as never, 'kind' as never, 'plain' as never).toSql();
    expect(sql.text).toContain('CASE CAST("kind" AS text) WHEN $1 THEN $2 WHEN $3 THEN $4 ELSE CAST("kind" AS text) END AS "kind"');
    expect(sql.text).toContain('"plain" AS "plain"');
    expect(sql.values).toEqual(['credit', 'CREDIT', 'a } brace', 'DEBIT']);
  });

  it('refuses an enum list as a bound value', () => {
    const model = registered('List', {});
    expect(() => conditions(model).compare('kinds' as never, '=', 'FEE' as never)).toThrow(/cannot be compared/);
  });
});
