import type { Duplex } from 'node:stream';
import pg from 'pg';
import { fieldDecoder, type ColumnKind, type FieldDecoder } from './field-decoders.ts';

/** A decoded row: column name → exact value. */
export type WireRow = Record<string, unknown>;

// Backend message types (PostgreSQL protocol 3.0).
const ROW_DESCRIPTION = 0x54; // 'T'
const DATA_ROW = 0x44; // 'D'
/** Messages read past while rows arrive: ParseComplete, BindComplete, NoData, Notice, ParameterStatus, Notification. */
const PASSED_OVER = new Set([0x31, 0x32, 0x6e, 0x4e, 0x53, 0x41]);
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
  #names: string[] = [];
  #decoders: FieldDecoder[] = [];

  constructor(text: string, values: readonly unknown[], kinds: Readonly<Record<string, ColumnKind>>) {
    const outcome = verdict();
    // 'extended': bound or not, the statement goes through Parse/Bind/Execute, whose replies `batches` reads.
    const config = { text, values: [...values], queryMode: 'extended' } as pg.QueryConfig;
    super(config, undefined, (error: Error | undefined) => outcome.settle(error ?? null));
    this.#verdict = outcome;
    this.#attached = verdict();
    this.#kinds = kinds;
    this.submit = (connection) => {
      this.#attach(connection.stream);
      const error = (pg.Query.prototype.submit as (this: pg.Query, c: pg.Connection) => Error | undefined).call(this, connection);
      if (error) this.#detach(undefined);
      return error;
    };
  }

  /** Settles when node-postgres is done with the statement: after ReadyForQuery, or with its error. */
  get done(): Promise<void> {
    return this.#verdict.promise;
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
      let pending: Buffer | undefined;
      for (;;) {
        const chunk = socket.read() as Buffer | null;
        if (chunk === null) {
          if (socket.destroyed || socket.readableEnded) break;
          await this.#readable(socket);
          continue;
        }
        const data = pending ? Buffer.concat([pending, chunk]) : chunk;
        const rows: WireRow[] = [];
        const stop = this.#read(data, rows);
        if (stop >= 0) {
          this.#detach(data.subarray(stop));
          if (rows.length > 0) yield rows;
          break;
        }
        pending = this.#leftover(data);
        if (rows.length > 0) yield rows;
      }
    }
    await this.#verdict.promise;
  }

  #consumed = 0;

  /** Bytes of `data` after the last whole message read, kept for the next socket read. */
  #leftover(data: Buffer): Buffer | undefined {
    return this.#consumed < data.length ? data.subarray(this.#consumed) : undefined;
  }

  /**
   * Decodes every whole message of `data` into `rows`. Returns where the first message that is not row data
   * starts (handed to node-postgres), or -1 when all of it was rows (`#consumed` marks the whole messages read).
   */
  #read(data: Buffer, rows: WireRow[]): number {
    let at = 0;
    while (data.length - at >= HEADER_BYTES) {
      const type = data[at]!;
      const end = at + 1 + data.readInt32BE(at + 1);
      if (type !== DATA_ROW && type !== ROW_DESCRIPTION && !PASSED_OVER.has(type)) return at;
      if (end > data.length) break;
      if (type === DATA_ROW) rows.push(this.#row(data, at + HEADER_BYTES));
      else if (type === ROW_DESCRIPTION) this.#describe(data, at + HEADER_BYTES);
      at = end;
    }
    this.#consumed = at;
    return -1;
  }

  #describe(data: Buffer, at: number): void {
    const count = data.readInt16BE(at);
    let p = at + 2;
    const names: string[] = [];
    const decoders: FieldDecoder[] = [];
    for (let i = 0; i < count; i++) {
      const nul = data.indexOf(0, p);
      const name = data.toString('utf8', p, nul);
      p = nul + 1;
      const typeOid = data.readInt32BE(p + 6);
      p += 18;
      names.push(name);
      decoders.push(fieldDecoder(typeOid, Object.hasOwn(this.#kinds, name) ? this.#kinds[name] : undefined));
    }
    this.#names = names;
    this.#decoders = decoders;
  }

  #row(data: Buffer, at: number): WireRow {
    const names = this.#names;
    const decoders = this.#decoders;
    const count = data.readInt16BE(at);
    let p = at + 2;
    const row: WireRow = {};
    for (let i = 0; i < count; i++) {
      const length = data.readInt32BE(p);
      p += 4;
      if (length < 0) {
        row[names[i]!] = null;
      } else {
        row[names[i]!] = decoders[i]!(data, p, p + length);
        p += length;
      }
    }
    return row;
  }

  #readable(socket: Duplex): Promise<void> {
    return new Promise((resolve) => {
      const events = ['readable', 'end', 'close', 'error'] as const;
      const wake = () => {
        for (const event of events) socket.removeListener(event, wake);
        resolve();
      };
      for (const event of events) socket.on(event, wake);
      this.#verdict.promise.then(wake, wake);
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
    // Resumed on the next tick, once node-postgres has handled what it was given (as pg-copy-streams does).
    process.nextTick(() => socket.resume());
  }
}
