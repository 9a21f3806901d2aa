/**
 * The `@@schema` of each enum in a schema.prisma text (every file of a multi-file schema, as Prisma hands them to a
 * generator), by enum name. Prisma's data model (DMMF) records a model's schema but not an enum's, and an enum
 * without `@@schema` lives where the tables without one do.
 *
 * ```ts
 * enumSchemasOf('enum Kind {\n  CREDIT\n  @@schema("billing")\n}'); // Map { 'Kind' => 'billing' }
 * ```
 */
export function enumSchemasOf(schemaText: string): Map<string, string> {
  const schemas = new Map<string, string>();
  // A block's body holds no braces outside strings; strings are skipped whole, so a `}` in a `@map("...")` is not the end.
  const enumBlock = /\benum\s+([A-Za-z][A-Za-z0-9_]*)\s*\{((?:"(?:[^"\\\n]|\\.)*"|[^"}])*)\}/g;
  for (const [, name, body] of withoutComments(schemaText).matchAll(enumBlock)) {
    const schema = /@@schema\(\s*"((?:[^"\\\n]|\\.)*)"\s*\)/.exec(body!);
    // The string as Prisma reads it: an escaped character stands for itself.
    if (schema) schemas.set(name!, schema[1]!.replace(/\\(.)/g, '$1'));
  }
  return schemas;
}

// `//` comments (`///` documentation too) removed, strings kept as they are.
function withoutComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*/g, (match) => (match.startsWith('"') ? match : ''));
}
