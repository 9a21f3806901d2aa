/**
 * Import rules of the library, checked by `npm run lint:deps` (part of `.ci/run`).
 *
 * Layers of src/, bottom to top; a file imports only from its own layer or below:
 *   1. errors.ts, prisma-runtime.ts                error classes; Prisma's runtime (Sql, Decimal), from @prisma/client
 *   2. executor/, explain/                         runs statements, streams, maps every error; EXPLAIN
 *   3. window/catalog.ts, window/types.ts           the schema catalog (names and types from schema.prisma)
 *   4. validation/, then retry/                     input checks derived from the catalog; the retry policy
 *   5. window/ (the builder)                        SQL: conditions, frames, window specs, window queries
 *   6. streaming/, ingest/                          running totals: keyset chunks, pages, streams, bulk insert
 *   7. repositories/, transaction.ts,               typed repositories, the transaction helper, the checked
 *      checked-entry-points.ts                      public forms of inTransaction and explainQuery
 *   8. extension/                                   the Prisma client extension, built on the repositories
 *   9. index.ts                                     the public API
 * src/generator/ (the `prisma generate` plug-in) stands apart: it imports no other library file, none imports it.
 * src/ never imports scripts/, test/ or prisma/ (it is generic over every application's schema and client);
 * prisma/app/ (this repository's own models, as an application) and scripts/ reach src/ only through index.ts;
 * scripts/ never imports test/; there are no import cycles in src/.
 */
const layer = (paths) => `^src/(${paths.join('|')})`;

const EXECUTOR = ['executor/', 'explain/'];
const CATALOG = ['window/catalog\\.ts$', 'window/types\\.ts$'];
const VALIDATION = ['validation/'];
const RETRY = ['retry/'];
const BUILDER = ['window/'];
const RUNNING_TOTALS = ['streaming/', 'ingest/'];
const REPOSITORIES = ['repositories/', 'transaction\\.ts$', 'checked-entry-points\\.ts$'];
const EXTENSION = ['extension/'];

const above = (paths) => ({ path: layer(paths) });

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles make layers meaningless and module initialisation order fragile.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'library-stands-alone',
      comment: 'src/ is the library: no development tooling (scripts/), tests, or any schema of its own (prisma/).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(scripts|test|prisma)/' },
    },
    {
      name: 'generator-stands-apart',
      comment: 'The generator runs inside `prisma generate`: it must load without the library, and the library without it.',
      severity: 'error',
      from: { path: '^src/generator/' },
      to: { path: '^src/', pathNot: '^src/generator/' },
    },
    {
      name: 'library-does-not-load-the-generator',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/generator/' },
      to: { path: '^src/generator/' },
    },
    {
      name: 'the-app-uses-the-public-api',
      comment: 'This repository\'s models use the library exactly as any application does: through index.ts.',
      severity: 'error',
      from: { path: '^prisma/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
    {
      name: 'tools-do-not-import-tests',
      comment: 'Scripts use the library (src/) and their own helpers (scripts/lib), never test support code.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^test/' },
    },
    {
      name: 'tools-use-the-public-api',
      comment: 'Scripts are the library users: they reach src/ through index.ts, and the models through prisma/.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
    {
      name: 'nothing-imports-the-public-api',
      comment: 'index.ts is the top: library files import the module that defines a name, not the public barrel.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'errors-at-the-bottom',
      severity: 'error',
      from: { path: '^src/(errors|prisma-runtime)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(errors|prisma-runtime)\\.ts$' },
    },
    {
      name: 'executor-below-everything-but-errors',
      comment: 'The executor runs statements built elsewhere: it knows nothing of the catalog, SQL builder or repositories.',
      severity: 'error',
      from: { path: layer(EXECUTOR) },
      to: above([...CATALOG, ...VALIDATION, ...RETRY, ...BUILDER, ...RUNNING_TOTALS, ...REPOSITORIES, ...EXTENSION, 'index\\.ts$']),
    },
    {
      name: 'catalog-below-validation-and-builder',
      severity: 'error',
      from: { path: layer(CATALOG) },
      to: { path: '^src/', pathNot: `^src/(errors\\.ts|prisma-runtime\\.ts|${[...EXECUTOR, ...CATALOG].join('|')})` },
    },
    {
      name: 'validation-below-builder',
      comment: 'Validation reads the catalog only, never the SQL builder or anything above it.',
      severity: 'error',
      from: { path: layer(VALIDATION) },
      to: { path: layer([...RETRY, ...BUILDER, ...RUNNING_TOTALS, ...REPOSITORIES, ...EXTENSION]), pathNot: layer(CATALOG) },
    },
    {
      name: 'retry-below-builder',
      severity: 'error',
      from: { path: layer(RETRY) },
      to: { path: layer([...BUILDER, ...RUNNING_TOTALS, ...REPOSITORIES, ...EXTENSION]), pathNot: layer(CATALOG) },
    },
    {
      name: 'builder-below-running-totals',
      severity: 'error',
      from: { path: layer(BUILDER) },
      to: above([...RUNNING_TOTALS, ...REPOSITORIES, ...EXTENSION]),
    },
    {
      name: 'running-totals-below-repositories',
      severity: 'error',
      from: { path: layer(RUNNING_TOTALS) },
      to: above([...REPOSITORIES, ...EXTENSION]),
    },
    {
      name: 'repositories-below-the-extension',
      severity: 'error',
      from: { path: layer(REPOSITORIES) },
      to: above(EXTENSION),
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^prisma/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
