import { QueryFailedError } from '../errors.ts';
import type { CopySession } from '../executor/copy-in.ts';
import { columnInfo, columnRef, tableRef } from '../window/catalog.ts';
import { insertText } from '../window/parameters.ts';
import type { ValidatedRows } from './validated-rows.ts';

/** Lines per chunk of COPY data handed to the connection. */
const LINES_PER_CHUNK = 5_000;
/** The staging table of a keyed COPY that met stored keys: temporary, dropped at commit. */
const STAGE = 'ledger_copy_stage';
/**
 * Errors of the direct attempt that send the batch through the staging table: a unique violation (23505), and
 * Citus's report of one raised on a worker during COPY, which it relays as an internal error (XX000). Any other
 * failure of the same rows fails the staged attempt again, with its own error.
 */
const STORED_KEY_STATES = new Set(['23505', 'XX000']);

// COPY's text format: a backslash, and the tab, newline and carriage return that separate fields and rows, are
// escaped; `\N` is NULL. (NUL cannot occur: validation refuses it in text.)
function escapedText(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : text;
}

const PLAIN_TYPES = new Set(['Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime']);

/** One field of validated rows as COPY text: `insertText`'s value, escaped when the column holds text. */
function copyField(model: string, field: string): (value: unknown) => string {
  const text = insertText(model, field);
  // Numbers, decimals, booleans and instants print without any character COPY escapes; anything else is escaped.
  const escaped = !PLAIN_TYPES.has(columnInfo(model, field).type);
  return (value) => {
    const written = text(value);
    return written === null ? '\\N' : escaped ? escapedText(written) : written;
  };
}

/** Validated rows as COPY text-format lines, `LINES_PER_CHUNK` rows per chunk, values as `insertText` writes them. */
export function* copyLines(model: string, fields: readonly string[], rows: ValidatedRows<Record<string, unknown>>): Generator<string> {
  const encoders = fields.map((field) => copyField(model, field));
  for (const slice of rows.slices(LINES_PER_CHUNK)) {
    let chunk = '';
    for (const row of slice) {
      for (let f = 0; f < fields.length; f++) {
        if (f > 0) chunk += '\t';
        chunk += encoders[f]!(row[fields[f]!]);
      }
      chunk += '\n';
    }
    yield chunk;
  }
}

/**
 * Writes a batch with COPY in the session's transaction; resolves to the rows written. Without a conflict target,
 * straight into the table. With one (an idempotency key), optimistically straight into the table too, behind a
 * savepoint: most batches hold no key already stored. When one is (a retried batch: unique violation), the
 * attempt is rolled back to the savepoint and the rows go through a temporary staging table and one
 * `INSERT ... SELECT ... ON CONFLICT (key) DO NOTHING` that counts the rows it wrote (`RETURNING`), so stored rows
 * are skipped, as with the other strategies:
 *
 * ```sql
 * SAVEPOINT ledger_copy_direct; COPY "Transaction" ("accountId", ...) FROM STDIN;  -- 23505? then:
 * ROLLBACK TO SAVEPOINT ledger_copy_direct;
 * CREATE TEMP TABLE ledger_copy_stage ON COMMIT DROP AS SELECT "accountId", ... FROM "public"."Transaction" WITH NO DATA;
 * COPY ledger_copy_stage ("accountId", ...) FROM STDIN;
 * WITH written AS (INSERT INTO "public"."Transaction" ("accountId", ...) SELECT "accountId", ... FROM ledger_copy_stage
 *   ON CONFLICT ("externalId") DO NOTHING RETURNING 1) SELECT count(*) AS written FROM written;
 * ```
 * Identifiers come from the catalog only; values travel as COPY data, never in SQL text.
 */
export async function copyBatchRows(
  session: CopySession,
  target: { readonly model: string; readonly insertFields: readonly string[] },
  rows: ValidatedRows<Record<string, unknown>>,
  conflictTarget: readonly string[],
): Promise<number> {
  const table = tableRef(target.model).text;
  const columns = target.insertFields.map((field) => columnRef(target.model, field).text).join(', ');
  const lines = () => copyLines(target.model, target.insertFields, rows);
  const direct = `COPY ${table} (${columns}) FROM STDIN`;
  if (conflictTarget.length === 0) return session.copy(direct, lines());

  await session.query('SAVEPOINT ledger_copy_direct');
  try {
    const written = await session.copy(direct, lines());
    await session.query('RELEASE SAVEPOINT ledger_copy_direct');
    return written;
  } catch (error) {
    if (!(error instanceof QueryFailedError && STORED_KEY_STATES.has(error.sqlState ?? ''))) throw error;
    await session.query('ROLLBACK TO SAVEPOINT ledger_copy_direct');
  }
  const conflict = conflictTarget.map((field) => columnRef(target.model, field).text).join(', ');
  await session.query(`CREATE TEMP TABLE ${STAGE} ON COMMIT DROP AS SELECT ${columns} FROM ${table} WITH NO DATA`);
  await session.copy(`COPY ${STAGE} (${columns}) FROM STDIN`, lines());
  const counted = await session.query<{ written: string }>(
    `WITH written AS (INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${STAGE} ` +
      `ON CONFLICT (${conflict}) DO NOTHING RETURNING 1) SELECT count(*) AS written FROM written`,
  );
  return Number(counted?.written ?? 0);
}
