import type { EventEmitter } from 'node:events';
import type pg from 'pg';

/** What is known of a pooled connection's DateStyle: kept current by the server's ParameterStatus reports. */
interface DateStyleState {
  iso: boolean;
}

const sessions = new WeakMap<object, DateStyleState>();

/**
 * Whether the session of `client` prints dates and timestamps in ISO format, which the decoders read. The first
 * time a connection is seen its DateStyle is asked once (`SHOW DateStyle`); from then on the server reports every
 * change of it (DateStyle is reported to the client whenever it changes, also when a transaction's `SET LOCAL` ends),
 * and the answer follows those reports without a round trip. A read that finds the session ISO can run as one
 * statement; any other session reads inside a transaction that sets ISO for its own length.
 */
export async function printsIsoDates(client: pg.PoolClient): Promise<boolean> {
  const connection = (client as unknown as { connection?: EventEmitter }).connection;
  if (connection === undefined) return false;
  let state = sessions.get(connection);
  if (state === undefined) {
    const tracked: DateStyleState = { iso: false };
    connection.on('parameterStatus', (message: { parameterName?: string; parameterValue?: string }) => {
      if (message.parameterName === 'DateStyle') tracked.iso = isIso(message.parameterValue);
    });
    const { rows } = await client.query<{ DateStyle: string }>('SHOW DateStyle');
    tracked.iso = isIso(rows[0]?.DateStyle);
    sessions.set(connection, tracked);
    state = tracked;
  }
  return state.iso;
}

// 'ISO, MDY' and 'ISO, DMY' print the same ISO text; the order part only changes how input is read.
const isIso = (dateStyle: string | undefined): boolean => dateStyle?.split(',')[0]?.trim().toUpperCase() === 'ISO';
