/**
 * The raw-COPY baseline's encoding of Transaction rows (what a user of pg-copy-streams or postgres.js writes): CSV
 * lines in chunks, NULL as an empty unquoted field, instants as ISO text.
 */
import type { NewTransaction } from '../../prisma/app/index.ts';
import { csvField } from '../lib/csv.ts';

export const COPY_TRANSACTIONS_CSV = 'COPY "Transaction" ("accountId", "amount", "createdAt", "externalId") FROM STDIN (FORMAT csv)';

export function* transactionCsvLines(rows: readonly NewTransaction[], linesPerChunk = 5_000): Generator<string> {
  const text = (value: unknown) => (value === null || value === undefined ? '' : csvField(String(value)));
  for (let start = 0; start < rows.length; start += linesPerChunk) {
    let chunk = '';
    for (const row of rows.slice(start, start + linesPerChunk)) {
      chunk += `${row.accountId},${text(row.amount)},${row.createdAt.toISOString()},${text(row.externalId)}\n`;
    }
    yield chunk;
  }
}
