import { ValidationError } from '../errors.ts';
import type { DbClient } from '../executor/db-client.ts';
import { describe } from './dates.ts';

/**
 * The client a query runs on: a PrismaClient or a transaction client (anything with `$queryRaw`), else a
 * `ValidationError` before any SQL, the same on every entry point (`execute`, `stream`, `page`, `explain`).
 */
export function requireDbClient(path: string, client: unknown): DbClient {
  if (typeof client !== 'object' || client === null || typeof (client as Partial<DbClient>).$queryRaw !== 'function') {
    throw new ValidationError(path, `expected a PrismaClient or a transaction client, got ${describe(client)}.`);
  }
  return client as DbClient;
}
