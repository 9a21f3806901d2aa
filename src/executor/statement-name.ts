import { createHash } from 'node:crypto';

/**
 * The name a statement is prepared under on a connection (`preparedStatements`): derived from its text alone, so
 * the same text gets the same name in every process and on every connection, and two texts never share one (the
 * server would refuse the second Parse, and node-postgres refuses a name reused for another text). 47 characters:
 * within PostgreSQL's 63-byte identifiers.
 *
 * ```ts
 * preparedStatementName('SELECT 1'); // 'ledger_42364a017b73ef516a0eca9827e6fa00623257ee' (sha1 of the text, hex)
 * ```
 */
export function preparedStatementName(text: string): string {
  return `ledger_${createHash('sha1').update(text).digest('hex')}`;
}
