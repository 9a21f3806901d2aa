import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LedgerError, ValidationError } from '../errors.ts';

/**
 * A page cursor that is malformed, forged, or belongs to a different query. Never yields wrong totals.
 * ```ts
 * const first = await repo.page({ partition: 42, limit: 50 });
 * await repo.page({ partition: 43, limit: 50, after: first.nextCursor! });
 * // rejects with InvalidCursorError: This cursor belongs to a different query (other partition, range, frame or NULL policy).
 * ```
 */
export class InvalidCursorError extends LedgerError {
  readonly code = 'INVALID_CURSOR';
}

// Shared by every token codec built without a secret, so that a cursor from one repository instance (or one
// extended client's call) is valid on another in the same process: pages are often served by a fresh instance
// per request.
let processSecret: Buffer | undefined;

/**
 * Seals a JSON payload into a tamper-evident token (`base64url(json).base64url(HMAC-SHA256)`) and opens it again.
 * Page cursors are built on it: what a client passes back is verified before any of it reaches SQL.
 *
 * Use one stable secret across processes (e.g. from configuration) so tokens survive restarts; without one, a
 * random per-process secret is used and tokens expire with the process.
 */
export class SignedToken {
  readonly #secret: Buffer;

  constructor(secret?: string | Buffer) {
    if (secret !== undefined && Buffer.byteLength(secret) < 16) {
      throw new ValidationError('cursorSecret', 'must be at least 16 bytes long.');
    }
    this.#secret = secret === undefined ? (processSecret ??= randomBytes(32)) : Buffer.from(secret);
  }

  seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  /** The payload of a token this secret sealed, as a plain object; anything else throws `InvalidCursorError`. */
  open(token: unknown): Record<string, unknown> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || token.length > 4096) {
      throw new InvalidCursorError('Malformed cursor: pass back the nextCursor string of a previous page unchanged.');
    }
    const [body, signature] = token.split('.') as [string, string];
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('Cursor signature does not match: it was altered or signed with another secret.');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch (error) {
      throw new InvalidCursorError('Malformed cursor payload.', { cause: error });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new InvalidCursorError('Malformed cursor payload.');
    return payload as Record<string, unknown>;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}
