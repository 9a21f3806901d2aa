import { PrismaPg } from '@prisma/adapter-pg';
import { SESSION_OPTIONS } from '../../src/index.ts';
import { PrismaClient } from '../generated/prisma/client.ts';

export { PrismaClient };

/**
 * This repository's `PrismaClient` on @prisma/adapter-pg, its sessions in UTC with ISO dates whatever the
 * server's defaults (`SESSION_OPTIONS`), as every application using the library builds its own.
 *
 * ```ts
 * const prisma = createPrismaClient(process.env.DATABASE_URL!);
 * ```
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, options: SESSION_OPTIONS }) });
}
