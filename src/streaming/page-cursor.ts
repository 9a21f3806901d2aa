import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as Prisma from '../prisma-runtime.ts';
import { LedgerError } from '../errors.ts';
import type { KeysetPosition } from './keyset-chunk.ts';

/** A page cursor that is malformed, forged, or belongs to a different query. Never yields wrong totals. */
export class InvalidCursorError extends LedgerError {
  readonly code = 'INVALID_CURSOR';
}

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
 * random per-process secret is used and cursors expire with the process.
 */
// Shared by every codec built without a secret, so that a cursor from one repository instance (or one extended
// client's call) is valid on another in the same process: pages are often served by a fresh instance per request.
let processSecret: Buffer | undefined;

export class CursorCodec {
  readonly #secret: Buffer;

  constructor(secret?: string | Buffer) {
    if (secret !== undefined && Buffer.byteLength(secret) < 16) {
      throw new InvalidCursorError('The cursor secret must be at least 16 bytes long.');
    }
    this.#secret = secret === undefined ? (processSecret ??= randomBytes(32)) : Buffer.from(secret);
  }

  encode(query: string, position: KeysetPosition): string {
    const payload: CursorPayload = {
      v: VERSION,
      q: query,
      k: position.key,
      t: position.order,
      id: position.id,
      total: position.total.toFixed(),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  decode(query: string, cursor: unknown): KeysetPosition {
    if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor) || cursor.length > 4096) {
      throw new InvalidCursorError('Malformed cursor: pass back the nextCursor string of a previous page unchanged.');
    }
    const [body, signature] = cursor.split('.') as [string, string];
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('Cursor signature does not match: it was altered or signed with another secret.');
    }
    let payload: CursorPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
    } catch (error) {
      throw new InvalidCursorError('Malformed cursor payload.', { cause: error });
    }
    if (typeof payload !== 'object' || payload === null) throw new InvalidCursorError('Malformed cursor payload.');
    if (payload.v !== VERSION) {
      throw new InvalidCursorError(`Unsupported cursor version ${String(payload.v)}: start again from the first page.`);
    }
    if (payload.q !== query) {
      throw new InvalidCursorError('This cursor belongs to a different query (other partition, range, frame or NULL policy).');
    }
    const keyIsValid = Array.isArray(payload.k) && payload.k.every((v) => typeof v === 'string');
    if (!keyIsValid || typeof payload.t !== 'string' || typeof payload.id !== 'string' || !/^-?\d+$/.test(payload.id) ||
        typeof payload.total !== 'string' || !/^-?\d+(\.\d+)?$/.test(payload.total)) {
      throw new InvalidCursorError('Malformed cursor payload.');
    }
    return { key: payload.k, order: payload.t, id: payload.id, total: new Prisma.Decimal(payload.total) };
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}
