import * as Prisma from '../prisma-runtime.ts';
import { InvalidCursorError, SignedToken } from '../validation/signed-token.ts';
import type { KeysetPosition } from './keyset-chunk.ts';

export { InvalidCursorError };

/** Version 2: keys and order value are the server's exact text of the stored values (microseconds kept). */
const VERSION = 2;

interface CursorPayload {
  readonly v: typeof VERSION;
  /** Fingerprint of the query the cursor belongs to (model, partition, range, frame, NULL policy). */
  readonly q: string;
  /** Stored partition key values of the last row, as text. */
  readonly k: readonly string[];
  /** Stored order value of the last row, as text (e.g. `2026-01-01T00:00:00.000500+00:00`). */
  readonly t: string;
  readonly id: string;
  readonly total: string;
}

/**
 * Signs and verifies page cursors (HMAC-SHA256 over the JSON payload). A cursor carries the last row's keys and
 * running total, so the next page costs what the first costs; the signature makes it tamper-evident.
 *
 * Use one stable secret across processes (e.g. from configuration) so cursors survive restarts; without one, a
 * random per-process secret is used and cursors expire with the process. Repositories build theirs from the
 * `cursorSecret` option; use one directly only to sign positions of your own.
 * ```ts
 * const codec = new CursorCodec(process.env.CURSOR_SECRET); // at least 16 bytes
 * const cursor = codec.encode(fingerprint, { key: ['42'], order: '2026-01-01T00:00:00.000500+00:00', id: '7', total: new Prisma.Decimal('1250.50') });
 * codec.decode(fingerprint, cursor);     // { key: ['42'], order: '2026-01-01T00:00:00.000500+00:00', id: '7', total: Decimal(1250.5) }
 * codec.decode('another query', cursor); // throws InvalidCursorError
 * ```
 */
export class CursorCodec {
  readonly #token: SignedToken;

  constructor(secret?: string | Buffer) {
    this.#token = new SignedToken(secret);
  }

  encode(query: string, position: KeysetPosition): string {
    const payload: CursorPayload = {
      v: VERSION,
      q: query,
      k: position.key,
      t: position.order,
      id: position.id,
      // Exact digits; NaN and ±Infinity by name (a stored NaN amount makes every later total NaN).
      total: position.total.toFixed(),
    };
    return this.#token.seal(payload);
  }

  decode(query: string, cursor: unknown): KeysetPosition {
    const payload = this.#token.open(cursor) as Partial<CursorPayload>;
    if (payload.v !== VERSION) {
      // The other kind of cursor one secret seals: of `pageBucketTotals` and the window builder's pages.
      if ('w' in payload && 'p' in payload) {
        throw new InvalidCursorError("This cursor is a bucket-total or window-query page's, not a running-total page's (page): pass it back to the method that returned it.");
      }
      throw new InvalidCursorError(`Unsupported cursor version ${String(payload.v)}: start again from the first page.`);
    }
    if (payload.q !== query) {
      throw new InvalidCursorError('This cursor belongs to a different query (other partition, range, frame or NULL policy).');
    }
    const keyIsValid = Array.isArray(payload.k) && payload.k.every((v) => typeof v === 'string');
    // The id is the stored value's text, whatever its type (an integer, a uuid, a string): bound back with a cast.
    if (!keyIsValid || typeof payload.t !== 'string' || typeof payload.id !== 'string' ||
        typeof payload.total !== 'string' || !/^(-?\d+(\.\d+)?|NaN|-?Infinity)$/.test(payload.total)) {
      throw new InvalidCursorError('Malformed cursor payload.');
    }
    return { key: payload.k!, order: payload.t, id: payload.id, total: new Prisma.Decimal(payload.total) };
  }
}
