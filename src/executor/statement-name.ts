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

/**
 * Statements prepared per connection at most: a page's limit is part of its text, so callers choosing any limit
 * would otherwise make the server keep a plan per limit on every connection. The first texts a connection reads
 * stay prepared; past the cap, new texts run unnamed (parsed and planned each time, as without the option).
 */
export const MAX_PREPARED_PER_CONNECTION = 64;

// The names prepared on each connection, by its client (which node-postgres keeps for the connection's life):
// recorded once a read under the name has succeeded, so a failed Parse takes no place.
const preparedOn = new WeakMap<object, Set<string>>();

/**
 * The name to run `text` under on `client`: its prepared name when the connection holds it or has room for it,
 * else undefined (unnamed). Call `notePrepared` once the read under that name succeeded.
 */
export function statementNameOn(client: object, text: string): string | undefined {
  const name = preparedStatementName(text);
  const names = preparedOn.get(client);
  return names === undefined || names.has(name) || names.size < MAX_PREPARED_PER_CONNECTION ? name : undefined;
}

/** Records that `name` is prepared on `client`'s connection. */
export function notePrepared(client: object, name: string): void {
  let names = preparedOn.get(client);
  if (names === undefined) preparedOn.set(client, (names = new Set()));
  names.add(name);
}
