import type pg from 'pg';
import { DatabaseUnavailableError } from '../errors.ts';
import { mapDatabaseError } from './map-database-error.ts';

/** A connection of the caller's pool while the library works on it (a COPY, a read, a stream). */
export interface HeldConnection {
  readonly client: pg.PoolClient;
  /**
   * Hands the connection back to the pool, or with `true` or an error makes the pool end it (a connection in an
   * unknown state, or one that must stop a statement in flight). Only the first call counts, so a timer and the
   * code it interrupts can both call it.
   */
  release(discard: boolean | Error): void;
}

/**
 * Checks a connection out of `pool`; with `waitMs`, gives up after that long with `DatabaseUnavailableError`, as
 * a Prisma transaction that gets no connection within its `maxWait` does (the pool's own connection timeout may be
 * unbounded; a connection that arrives later goes straight back). Every failure is a `LedgerError`.
 */
export async function holdConnection(pool: pg.Pool, waitMs?: number): Promise<HeldConnection> {
  const client = await (waitMs === undefined ? connect(pool) : connectWithin(pool, waitMs));
  // pg-pool drops its own 'error' listener while a client is checked out: without one, a server that ends the
  // session (a killed backend, a failover) would emit an unhandled 'error' event and crash the process. The
  // statement in flight fails on its own, and that failure is what the caller gets.
  const ignore = () => {};
  client.on('error', ignore);
  let released = false;
  return {
    client,
    release(discard) {
      if (released) return;
      released = true;
      client.release(discard);
      client.removeListener('error', ignore);
    },
  };
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

async function connectWithin(pool: pg.Pool, waitMs: number): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(waitedTooLong(pool, waitMs)), waitMs);
    // Not unref'd: the caller awaits this wait, and a pool whose connections are all held by sockets that do not
    // keep the process alive (a paused stream's) would otherwise let the process exit with the wait unsettled.
  });
  try {
    return await Promise.race([connecting, gaveUp]);
  } catch (error) {
    connecting.then((late) => late.release(), () => {});
    throw mapDatabaseError(error);
  } finally {
    clearTimeout(timer);
  }
}

// Why no connection came: every connection is checked out, or the pool could open one and the server did not
// accept it in time (a server starting, or one far away).
function waitedTooLong(pool: pg.Pool, waitMs: number): DatabaseUnavailableError {
  const max = pool.options.max ?? 10;
  const busy = pool.totalCount >= max && pool.idleCount === 0;
  const why = busy
    ? `No connection of the pgPool came free within ${waitMs} ms: every connection is busy with other work`
    : `The pgPool did not get a connection within ${waitMs} ms: the server did not accept a new one in time`;
  return new DatabaseUnavailableError(
    `${why}; nothing ran. Retry, allow a longer wait (the call's maxWaitMs where it takes one, else the pool's ` +
      'connectionTimeoutMillis), or give the pool more connections.',
  );
}
