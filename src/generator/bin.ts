#!/usr/bin/env node
// The Prisma generator an application adds to its own schema.prisma:
//
//   generator windowLedger {
//     provider = "prisma-window-ledger"
//     output   = "../src/generated/window-ledger.ts"
//   }
//
// `prisma generate` then writes the typed catalog of the application's models to `output`. Optional:
// `importFrom` — the specifier the written module imports the library by (default "prisma-window-ledger");
// `registerTypes = "false"` — register the catalog at run time only, without the `Register` type augmentation
// (for a second schema of the same models, e.g. a distributed variant, beside the one the types come from);
// `schema` — the schema of the tables of models without @@schema, when the adapter is given one
// (`new PrismaPg(config, { schema })`; default "public", as Prisma's); `searchPath = "true"` — name those tables
// without a schema, so the session's search_path decides (an application that sets it per tenant).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import generatorHelper from '@prisma/generator-helper';
import { catalogModuleSource } from './catalog-source.ts';
import { enumSchemasOf } from './enum-schemas.ts';

const PACKAGE_NAME = 'prisma-window-ledger';

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'Window ledger catalog', defaultOutput: './generated/window-ledger.ts' }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('generator windowLedger: no output path');
    const importFrom = options.generator.config['importFrom'];
    const library = typeof importFrom === 'string' && importFrom.length > 0 ? importFrom : PACKAGE_NAME;
    mkdirSync(path.dirname(output), { recursive: true });
    const registerTypes = options.generator.config['registerTypes'];
    if (registerTypes !== undefined && registerTypes !== 'true' && registerTypes !== 'false') {
      throw new Error(`generator windowLedger: registerTypes must be "true" or "false", got ${JSON.stringify(registerTypes)}`);
    }
    const schema = options.generator.config['schema'];
    const searchPath = options.generator.config['searchPath'];
    if (schema !== undefined && (typeof schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(schema))) {
      throw new Error(`generator windowLedger: schema must be a schema name such as "public", got ${JSON.stringify(schema)}`);
    }
    if (searchPath !== undefined && searchPath !== 'true' && searchPath !== 'false') {
      throw new Error(`generator windowLedger: searchPath must be "true" or "false", got ${JSON.stringify(searchPath)}`);
    }
    if (schema !== undefined && searchPath === 'true') {
      throw new Error('generator windowLedger: give schema or searchPath = "true", not both');
    }
    const tables = { ...(schema !== undefined && { schema }), searchPath: searchPath === 'true', enumSchemas: enumSchemasOf(options.datamodel) };
    writeFileSync(output, catalogModuleSource(options.dmmf.datamodel, library, registerTypes !== 'false', tables));
  },
});
