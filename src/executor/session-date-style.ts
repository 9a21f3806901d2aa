import type { EventEmitter } from 'node:events';
import type pg from 'pg';

/** What is known of a pooled connection's DateStyle, kept current by the server's ParameterStatus reports. */
interface DateStyleState {
  iso: boolean;
  /** The DateStyle was read once (`SHOW DateStyle`); until then the session counts as not ISO. */
  known: boolean;
}

const sessions = new WeakMap<object, DateStyleState>();

function stateOf(client: pg.PoolClient): DateStyleState | undefined {
  const connection = (client as unknown as { connection?: EventEmitter }).connection;
  if (connection === undefined) return undefined;
  let state = sessions.get(connection);
  if (state === undefined) {
    const tracked: DateStyleState = { iso: false, known: false };
    // One listener per connection, for its life: every change of DateStyle is reported to the client (also when a
    // transaction's `SET LOCAL` ends, and after a configuration reload, with the reply to the next statement).
    connection.on('parameterStatus', (message: { parameterName?: string; parameterValue?: string }) => {
      if (message.parameterName === 'DateStyle') tracked.iso = isIso(message.parameterValue);
    });
    sessions.set(connection, tracked);
    state = tracked;
  }
  return state;
}

/**
 * Whether the session of `client` prints dates and timestamps in ISO format, which the decoders read. The first
 * time a connection is seen its DateStyle is asked once (`SHOW DateStyle`); from then on the answer follows the
 * server's reports without a round trip. A read that finds the session ISO can run as one statement; any other
 * session reads inside a transaction that sets ISO for its own length.
 */
export async function printsIsoDates(client: pg.PoolClient): Promise<boolean> {
  const state = stateOf(client);
  if (state === undefined) return false;
  if (!state.known) {
    const { rows } = await client.query<{ DateStyle: string }>('SHOW DateStyle');
    state.iso = isIso(rows[0]?.DateStyle);
    state.known = true;
  }
  return state.iso;
}

/**
 * Whether the session still prints ISO dates, as far as the server has reported: checked after a read that ran
 * without `SET LOCAL DateStyle`. A configuration reload is applied between the messages of a statement and
 * reported only after its rows, so a read that finds the answer changed must be read again.
 */
export function stillPrintsIsoDates(client: pg.PoolClient): boolean {
  return stateOf(client)?.iso === true;
}

// 'ISO, MDY' and 'ISO, DMY' print the same ISO text; the order part only changes how input is read.
const isIso = (dateStyle: string | undefined): boolean => dateStyle?.split(',')[0]?.trim().toUpperCase() === 'ISO';
