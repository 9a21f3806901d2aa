/**
 * The parts of Prisma's runtime the library uses, taken from `@prisma/client` itself (a peer dependency) rather
 * than from any generated client: an application's generated client imports the same module, so `Decimal`,
 * `Sql` and Prisma's error classes are the application's own classes (`instanceof` holds across both).
 */
export {
  Decimal,
  Sql,
  sqltag as sql,
  join,
  raw,
  empty,
  PrismaClientKnownRequestError,
  PrismaClientUnknownRequestError,
  PrismaClientRustPanicError,
  PrismaClientInitializationError,
  PrismaClientValidationError,
  DbNull,
  JsonNull,
  isDbNull,
  isJsonNull,
} from '@prisma/client/runtime/client';
export type { DbNullClass, JsonNullClass } from '@prisma/client/runtime/client';
