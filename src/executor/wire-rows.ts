import type { Duplex } from 'node:stream';
import pg from 'pg';
import type * as Prisma from '../prisma-runtime.ts';
import type { UnrepresentableValueError } from '../errors.ts';
import { decodesDates, decodesFloats, fieldDecoder, type ColumnKind, type FieldDecoder } from './field-decoders.ts';
import { unrepresentable } from './representable-rows.ts';
import { driverValue } from './pg-driver.ts';

/**
 * Run in the statement's transaction first: the decoders read instants and dates as ISO text, whatever DateStyle
 * the database, role or session sets, and floats as their shortest exact text (`extra_float_digits` 1, the
 * default: at 0 or below PostgreSQL prints 15 significant digits, and 0.9999999999999999 reads as 1); a
 * `SET LOCAL` leaves the caller's session its own.
 */
export const DECODING_SETTINGS_SQL = "SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL extra_float_digits = 1";

/** A decoded row: column name → exact value. */
export type WireRow = Record<string, unknown>;

type RowConstructor = new () => WireRow;

/**
 * A constructor of plain rows for one result: its objects have `Object.prototype` and `constructor === Object`,
 * like a literal's, but V8 sizes them to the columns they get (slack tracking), so every field sits inside the
 * object. A `{}` has room for four, and a fifth column costs each row a second object: a read keeps every row,
 * and the garbage collector copies each object it keeps.
 */
function plainRowConstructor(): RowConstructor {
  function Row(): void {}
  Row.prototype = Object.prototype;
  return Row as unknown as RowConstructor;
}

// Backend message types (PostgreSQL protocol 3.0).
const ROW_DESCRIPTION = 0x54; // 'T'
const DATA_ROW = 0x44; // 'D'
/** Replies read past while rows arrive: BindComplete, NoData. */
const PASSED_OVER = new Set([0x32, 0x6e]);
/**
 * ParseComplete: handed to node-postgres, which records a named statement as parsed on the connection only when it
 * sees this reply (so the next use of the name binds it without a second Parse, which the server would refuse).
 */
const PARSE_COMPLETE = 0x31;
/** Messages that may arrive at any time (Notice, ParameterStatus, Notification): handed to node-postgres as they come. */
const ASYNCHRONOUS = new Set([0x4e, 0x53, 0x41]);
const HEADER_BYTES = 5;

interface Verdict {
  readonly promise: Promise<void>;
  settle(error: Error | null): void;
}

function verdict(): Verdict {
  let settle!: (error: Error | null) => void;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // Read by whoever awaits it; never an unhandled rejection when the reader has already left.
  promise.catch(() => {});
  return { promise, settle };
}

/**
 * One statement whose rows are read straight from the connection's socket and decoded from the bytes of each
 * field, without node-postgres's per-row strings and parsers: the way pg-copy-streams reads COPY output, for the
 * rows of an ordinary extended-protocol query (bound values, text results). node-postgres sends the statement and
 * handles everything after the rows (completion, errors, ReadyForQuery), so the client stays usable.
 *
 * Rows are read only as fast as the consumer asks for them: the socket is paused in between, so the server waits
 * on a full socket (backpressure) and memory holds one socket read of rows, whatever the result's size.
 */
export class WireRowsQuery extends pg.Query {
  readonly #kinds: Readonly<Record<string, ColumnKind>>;
  readonly #verdict: Verdict;
  readonly #attached: Verdict;
  #socket: Duplex | undefined;
  #driverListener: ((chunk: Buffer) => void) | undefined;
  /** node-postgres has ended the statement (its error, a query_timeout) while the socket may still be ours. */
  #settled = false;
  /** Resolves the read waiting for the socket, if one is. */
  #wake: (() => void) | undefined;
  #names: string[] = [];
  #decoders: FieldDecoder[] = [];
  /** Columns left out of a row where they are NULL (`sparse-text`). */
  #sparse: boolean[] = [];
  #dated: boolean[] = [];
  #unrepresentable: { readonly name: string; readonly text: string } | undefined;
  #floats = false;
  #Row: RowConstructor = plainRowConstructor();

  /**
   * `name`: prepare the statement under this name on the connection, once; later uses on the same connection only
   * bind it (node-postgres keeps track), sparing the server a parse and, once it settles on a generic plan, the
   * planning. Without, it is parsed and planned on every run (the unnamed statement).
   */
  constructor(sql: Prisma.Sql, kinds: Readonly<Record<string, ColumnKind>>, name?: string) {
    const outcome = verdict();
    // 'extended': bound or not, the statement goes through Parse/Bind/Execute, whose replies `batches` reads.
    const config = { text: sql.text, values: sql.values.map(driverValue), queryMode: 'extended', ...(name !== undefined && { name }) } as pg.QueryConfig;
    super(config, undefined, (error: Error | undefined) => {
      this.#settled = true;
      outcome.settle(error ?? null);
      // A read waiting for the socket learns that the statement ended (one waker, not one listener per wait).
      this.#wake?.();
    });
    this.#verdict = outcome;
    this.#attached = verdict();
    this.#kinds = kinds;
    this.submit = (connection) => {
      // Text results always: `batches` decodes text, also on a client configured with `binary: true` (which sets
      // every query it is given to binary).
      (this as unknown as { binary: boolean }).binary = false;
      this.#attach(connection.stream);
      const error = (pg.Query.prototype.submit as (this: pg.Query, c: pg.Connection) => Error | undefined).call(this, connection);
      // Refused before anything was sent (an error returned), or failed while binding values (node-postgres has
      // already reported the error and sent Close + Sync): the replies that follow are node-postgres's to read.
      if (error || this.#settled) this.#detach(undefined);
      return error;
    };
  }

  /** Ends the connection under a read in progress: the only way to stop the server mid-result without reading it. */
  abort(): void {
    this.#socket?.destroy();
  }

  /** The rows, a socket read at a time, then the statement's outcome (its error, if any, is thrown last). */
  async *batches(): AsyncGenerator<WireRow[], void, undefined> {
    await Promise.race([this.#attached.promise, this.#verdict.promise]);
    const socket = this.#socket;
    if (socket) {
      try {
        // The start of a message that has not fully arrived, in pieces: joined once it is whole, so a row larger
        // than a socket read is copied once, not once per read.
        const pending: Buffer[] = [];
        let pendingBytes = 0;
        let needed = 0;
        for (;;) {
          // Ended by node-postgres under our read (query_timeout): the rest of the result has no reader, and the
          // connection cannot be handed back mid-message; leaving with the socket still taken ends it (below).
          if (this.#settled) break;
          const chunk = socket.read() as Buffer | null;
          if (chunk === null) {
            if (socket.destroyed || socket.readableEnded) break;
            await this.#readable(socket);
            continue;
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < needed) continue;
          const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
          pending.length = 0;
          pendingBytes = 0;
          const rows: WireRow[] = [];
          const read = this.#read(data, rows);
          if (read.stop >= 0) {
            this.#detach(data.subarray(read.stop));
            if (rows.length > 0) yield rows;
            break;
          }
          if (read.consumed < data.length) {
            pending.push(data.subarray(read.consumed));
            pendingBytes = data.length - read.consumed;
            needed = read.needed;
          } else {
            needed = 0;
          }
          if (rows.length > 0) yield rows;
        }
      } finally {
        // Left while the socket is still taken (a row that failed to decode, a consumer that stopped asking):
        // node-postgres can no longer read this statement's replies, so the connection is ended, never left to
        // wait for them (a caller's ROLLBACK would queue behind the statement forever, its connection held).
        if (this.#socket !== undefined) this.abort();
      }
    }
    // Completed, failed, or the connection ended (node-postgres then fails the statement): its verdict either way.
    await this.#verdict.promise;
  }

  /**
   * Decodes every whole message of `data` into `rows`. `stop`: where the first message that ends the rows starts
   * (handed to node-postgres), or -1 when all of it was rows; `consumed`: the bytes of whole messages read;
   * `needed`: the bytes the next, incomplete message takes in all (at least its header).
   */
  #read(data: Buffer, rows: WireRow[]): { stop: number; consumed: number; needed: number } {
    let at = 0;
    while (data.length - at >= HEADER_BYTES) {
      const type = data[at]!;
      const end = at + 1 + data.readInt32BE(at + 1);
      const known = type === DATA_ROW || type === ROW_DESCRIPTION || PASSED_OVER.has(type) || ASYNCHRONOUS.has(type) || type === PARSE_COMPLETE;
      if (!known) return { stop: at, consumed: at, needed: 0 };
      if (end > data.length) return { stop: -1, consumed: at, needed: end - at };
      if (type === DATA_ROW) rows.push(this.#row(data, at + HEADER_BYTES));
      else if (type === ROW_DESCRIPTION) this.#describe(data, at + HEADER_BYTES);
      else if (ASYNCHRONOUS.has(type) || type === PARSE_COMPLETE) this.#driverListener?.(Buffer.from(data.subarray(at, end)));
      at = end;
    }
    return { stop: -1, consumed: at, needed: HEADER_BYTES };
  }

  #describe(data: Buffer, at: number): void {
    const count = data.readInt16BE(at);
    let p = at + 2;
    const names: string[] = [];
    const decoders: FieldDecoder[] = [];
    const sparse: boolean[] = [];
    const dated: boolean[] = [];
    for (let i = 0; i < count; i++) {
      const nul = data.indexOf(0, p);
      const name = data.toString('utf8', p, nul);
      p = nul + 1;
      const typeOid = data.readInt32BE(p + 6);
      p += 18;
      const kind = Object.hasOwn(this.#kinds, name) ? this.#kinds[name] : undefined;
      names.push(name);
      decoders.push(fieldDecoder(typeOid, kind));
      sparse.push(kind === 'sparse-text');
      dated.push(decodesDates(typeOid, kind));
      this.#floats ||= decodesFloats(typeOid);
    }
    this.#names = names;
    this.#decoders = decoders;
    this.#sparse = sparse;
    this.#dated = dated;
    this.#Row = plainRowConstructor();
  }

  #row(data: Buffer, at: number): WireRow {
    const names = this.#names;
    const decoders = this.#decoders;
    const count = data.readInt16BE(at);
    let p = at + 2;
    const row = new this.#Row();
    for (let i = 0; i < count; i++) {
      const length = data.readInt32BE(p);
      p += 4;
      if (length < 0) {
        if (!this.#sparse[i]) row[names[i]!] = null;
      } else {
        const value = decoders[i]!(data, p, p + length);
        // A stored value no Date can hold (`infinity`, BC): kept for `unrepresentable`, which the reader consults
        // once it knows the rows were printed in ISO DateStyle (in another, every date reads invalid until redone).
        if (this.#dated[i] && this.#unrepresentable === undefined && Number.isNaN((value as Date).getTime())) {
          this.#unrepresentable = { name: names[i]!, text: data.toString('latin1', p, p + length) };
        }
        row[names[i]!] = value;
        p += length;
      }
    }
    return row;
  }

  /** Whether the result has a float column (see `decodesFloats`). */
  get readsFloats(): boolean {
    return this.#floats;
  }

  /** The first value read so far that has no JavaScript `Date`, as the error a reader throws for it. */
  get unrepresentable(): UnrepresentableValueError | undefined {
    const found = this.#unrepresentable;
    return found === undefined ? undefined : unrepresentable(found.name, found.text);
  }

  #readable(socket: Duplex): Promise<void> {
    return new Promise((resolve) => {
      const events = ['readable', 'end', 'close', 'error'] as const;
      const wake = () => {
        for (const event of events) socket.removeListener(event, wake);
        this.#wake = undefined;
        resolve();
      };
      for (const event of events) socket.on(event, wake);
      this.#wake = wake;
    });
  }

  // Takes the socket from node-postgres's parser: paused, read on demand by `batches`.
  #attach(socket: Duplex): void {
    const listeners = socket.listeners('data') as ((chunk: Buffer) => void)[];
    if (listeners.length !== 1) throw new Error(`expected node-postgres's one data listener, found ${listeners.length}`);
    this.#driverListener = listeners[0];
    socket.removeListener('data', this.#driverListener!);
    socket.pause();
    this.#socket = socket;
    this.#attached.settle(null);
  }

  // Gives the socket back, with the bytes not read as rows, to node-postgres's parser.
  #detach(rest: Buffer | undefined): void {
    const socket = this.#socket;
    const listener = this.#driverListener;
    this.#socket = undefined;
    this.#driverListener = undefined;
    if (!socket || !listener) return;
    socket.on('data', listener);
    if (rest && rest.length > 0) listener(rest);
    // Resumed on the next tick, once node-postgres has handled what it was given (as pg-copy-streams does), unless
    // a statement submitted meanwhile has taken the socket again.
    process.nextTick(() => {
      if (socket.listeners('data').includes(listener)) socket.resume();
    });
  }
}
