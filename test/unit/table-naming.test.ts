/**
 * How the library names a model's table, from the catalog the generator writes: with its schema, as Prisma's own
 * queries do (`public`, the model's `@@schema`, or the generator's `schema` for an adapter given one), so a
 * session's search_path cannot send the library to another schema's table of the same name; or, with the
 * generator's `searchPath = "true"`, by name alone for applications that set the search path per tenant.
 */
import type { DMMF } from '@prisma/generator-helper';
import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/errors.ts';
import { catalogOf, type TableNaming } from '../../src/generator/catalog-source.ts';
import { prepareBatch } from '../../src/ingest/bulk-insert.ts';
import { registerWindowCatalog, tableRef, type WindowCatalogShape } from '../../src/window/catalog.ts';

function model(name: string, schema: string | null): DMMF.Model {
  const id = { name: 'id', kind: 'scalar', isList: false, isRequired: true, isUnique: false, isId: true, isReadOnly: false, hasDefaultValue: false, type: 'Int', isGenerated: false, isUpdatedAt: false };
  return { name, dbName: `${name.toLowerCase()}s`, schema, fields: [id], uniqueFields: [], uniqueIndexes: [], primaryKey: null, isGenerated: false } as unknown as DMMF.Model;
}

/** Registers two models (one without @@schema, one with) under names unique to the case; returns their table refs. */
function tablesOf(prefix: string, naming: TableNaming | undefined): { plain: string; billing: string } {
  const datamodel = { models: [model(`${prefix}Plain`, null), model(`${prefix}Billed`, 'billing')], enums: [], types: [], indexes: [] };
  registerWindowCatalog(catalogOf(datamodel as unknown as DMMF.Datamodel, naming) as unknown as WindowCatalogShape);
  return { plain: tableRef(`${prefix}Plain`).text, billing: tableRef(`${prefix}Billed`).text };
}

describe('table names in the SQL', () => {
  it('are public\'s by default, as Prisma names them without an adapter schema; @@schema wins', () => {
    expect(tablesOf('Default', undefined)).toEqual({ plain: '"public"."defaultplains"', billing: '"billing"."defaultbilleds"' });
  });

  it('are the generator\'s schema for models without @@schema, for an adapter given that schema', () => {
    expect(tablesOf('Tenant', { schema: 'tenant_a' })).toEqual({ plain: '"tenant_a"."tenantplains"', billing: '"billing"."tenantbilleds"' });
  });

  it('are the bare names with searchPath, so the session\'s search_path decides; @@schema still wins', () => {
    expect(tablesOf('Searched', { searchPath: true })).toEqual({ plain: '"searchedplains"', billing: '"billing"."searchedbilleds"' });
  });
});

describe('inserts into a table named by the search path', () => {
  it("refuses 'createMany' before any SQL: Prisma names a schema, so the rows could land in another table", () => {
    tablesOf('Ingested', { searchPath: true });
    const target = { model: 'IngestedPlain', insertFields: ['id'] };
    const requireRow = (_path: string, value: unknown) => value as { id: number };
    expect(() => prepareBatch([{ id: 1 }], { strategy: 'createMany' }, requireRow, target)).toThrow(ValidationError);
    expect(() => prepareBatch([{ id: 1 }], { strategy: 'createMany' }, requireRow, target)).toThrow(/searchPath = "true".*Use 'unnest' or 'copy'/);
    expect(prepareBatch([{ id: 1 }], { strategy: 'unnest' }, requireRow, target).strategy).toBe('unnest');
    expect(prepareBatch([{ id: 1 }], undefined, requireRow, target).strategy).toBe('unnest');
    // With a schema in the name, createMany and the library's reads name the same table.
    tablesOf('Named', undefined);
    expect(prepareBatch([{ id: 1 }], { strategy: 'createMany' }, requireRow, { ...target, model: 'NamedPlain' }).strategy).toBe('createMany');
  });
});
