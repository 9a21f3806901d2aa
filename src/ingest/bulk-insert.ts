import type { Prisma } from '../generated/prisma/client.ts';
import { requireBatch, requireChoice, requireOptions, requirePositiveInt } from '../validation/batch.ts';
import type { TransactionOptions } from '../repositories/db-client.ts';

/** PostgreSQL accepts at most 32,767 bind parameters in one statement (Prisma reports more as P2035). */
const MAX_BIND_PARAMETERS = 32_767;
const DEFAULT_CHUNK_SIZE = 5_000;
/** Upper bound of one bulk insert call; larger imports go through several calls (or a script). */
export const MAX_BATCH_ROWS = 1_000_000;

const ISOLATION_LEVELS = ['ReadCommitted', 'RepeatableRead', 'Serializable'] as const;
export const BULK_OPTION_KEYS = ['chunkSize', 'timeoutMs', 'maxWaitMs', 'isolationLevel'] as const;

export interface BulkInsertOptions extends TransactionOptions {
  /** Rows per `createMany` statement; default 5,000, capped so one statement stays under PostgreSQL's 32,767 bind parameters. */
  readonly chunkSize?: number;
}

export interface InsertResult {
  readonly inserted: number;
  readonly chunks: number;
}

/** A validated batch, ready to write: rows, chunk size and the transaction settings to write them with. */
export interface PreparedBatch<Data> {
  readonly data: Data[];
  readonly chunkSize: number;
  readonly transaction: TransactionOptions;
  /** The raw options object, for callers that accept more keys than `BULK_OPTION_KEYS`. */
  readonly options: Record<string, unknown>;
}

/**
 * Validates rows and bulk options before anything touches the database: every row through `requireRow`, the
 * chunk size against the bind-parameter limit, the timeout (default 10 s + 1 ms per row).
 */
export function prepareBatch<Data>(
  rows: unknown,
  options: unknown,
  requireRow: (path: string, value: unknown) => Data,
  allowedOptions: readonly string[] = BULK_OPTION_KEYS,
): PreparedBatch<Data> {
  const raw = requireOptions('options', options, allowedOptions);
  const data = requireBatch('rows', rows, MAX_BATCH_ROWS, requireRow);
  const fieldsPerRow = Math.max(1, ...data.slice(0, 1).map((row) => Object.keys(row as object).length));
  const maxChunk = Math.floor(MAX_BIND_PARAMETERS / fieldsPerRow);
  const chunkSize =
    raw.chunkSize === undefined
      ? Math.min(DEFAULT_CHUNK_SIZE, maxChunk)
      : requirePositiveInt('options.chunkSize', raw.chunkSize, maxChunk);
  const timeoutMs =
    raw.timeoutMs === undefined ? 10_000 + data.length : requirePositiveInt('options.timeoutMs', raw.timeoutMs, 86_400_000);
  const maxWaitMs = raw.maxWaitMs === undefined ? undefined : requirePositiveInt('options.maxWaitMs', raw.maxWaitMs, 600_000);
  const transaction: TransactionOptions = {
    timeoutMs,
    ...(maxWaitMs !== undefined && { maxWaitMs }),
    ...(raw.isolationLevel !== undefined && {
      isolationLevel: requireChoice('options.isolationLevel', raw.isolationLevel, ISOLATION_LEVELS, 'ReadCommitted'),
    }),
  };
  return { data, chunkSize, transaction, options: raw };
}

/** Writes a prepared batch chunk by chunk with `createMany`, inside the transaction client it is given. */
export async function writeChunks<Data>(
  tx: Prisma.TransactionClient,
  batch: PreparedBatch<Data>,
  createMany: (tx: Prisma.TransactionClient, rows: Data[]) => Promise<{ count: number }>,
): Promise<InsertResult> {
  let inserted = 0;
  let chunks = 0;
  for (let start = 0; start < batch.data.length; start += batch.chunkSize) {
    const { count } = await createMany(tx, batch.data.slice(start, start + batch.chunkSize));
    inserted += count;
    chunks += 1;
  }
  return { inserted, chunks };
}
