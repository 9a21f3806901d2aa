/**
 * This repository as an application of the library: its own models (`prisma/schema.prisma`), their generated
 * catalog, client and repositories, built through the library's public entry point exactly as any Prisma app
 * builds them. The demo, the scripts and the tests use these.
 */
export { windowCatalog } from '../generated/window-ledger.ts';
export { Prisma } from '../generated/prisma/client.ts';
export { createPrismaClient, PrismaClient } from './client.ts';
export { TransactionRepository, type NewTransaction } from './transaction-repository.ts';
export { SalesRecordRepository, type NewSalesRecord } from './sales-record-repository.ts';
export { InventoryMovementRepository, type NewInventoryMovement, type StockKey } from './inventory-movement-repository.ts';
