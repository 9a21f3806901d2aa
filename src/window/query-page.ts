import { createHash } from 'node:crypto';
import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { InvalidCursorError, SignedToken } from '../validation/signed-token.ts';
import { aliasRef, type FieldOf, type ModelName } from './catalog.ts';
import { isUuidFieldExpr } from './expression.ts';
import { orderKeyExpr, orderKeyLabel, type OrderKey } from './order-key.ts';
import { storedText } from './parameters.ts';
import type { OrderItem } from './window-spec.ts';

/** One page of a window query's rows, and the cursor of the page after it (`null` on the last page). */
export interface WindowQueryPage<Row> {
  readonly rows: Row[];
  readonly nextCursor: string | null;
}

/** The hidden output holding the last row's position (its order keys' stored values, as text). */
export const PAGE_POSITION = '__page_position';
/** Hidden outputs holding the order keys themselves, compared with the cursor's position. */
export const orderKeyAlias = (i: number): string => `__page_order_${i}`;

const VERSION = 1;

/**
 * Page order keys are compared with `=` and `>` / `<` to resume after the last row; NULL compares as neither,
 * so a nullable key could skip or repeat rows.
 */
export function requirePageableOrder<M extends ModelName>(model: M, order: readonly OrderItem<FieldOf<M>>[]): void {
  for (const item of order) {
    const key = orderKeyExpr(model, item.key);
    if (key.nullable) {
      throw new WindowSpecError(
        `page() resumes after the last row's order keys, and ${model}.${orderKeyLabel(item.key)} is nullable: order the query by ` +
          'NOT NULL fields or expressions (the id is appended as the last key).',
      );
    }
    if (pageKeyType(model, item.key) === 'other') {
      throw new WindowSpecError(`page() resumes after stored order keys, and ${model}.${key.label} has a type it cannot bind back (enum, Json, Bytes or list).`);
    }
  }
}

/**
 * The type a page position's text is cast back to: the key's, or `uuid` for a uuid (a field, another query's or a
 * group's column of one, a value `lag` passed on: expressions treat it as `other`, since none of them makes one,
 * but a position binds it back like any value).
 */
function pageKeyType(model: ModelName, key: OrderKey): string {
  const expr = orderKeyExpr(model, key);
  return expr.sqlType === 'other' && isUuidFieldExpr(expr) ? 'uuid' : expr.sqlType;
}

/**
 * Rows after a position in the query's order, whatever the directions: `k0 > $1 OR (k0 = $1 AND k1 < $2) OR ...`
 * over the hidden order-key outputs, each value the stored one cast back to its column's type.
 */
export function afterPositionSql<M extends ModelName>(model: M, order: readonly OrderItem<FieldOf<M>>[], texts: readonly string[]): Prisma.Sql {
  const value = (i: number) => storedText(texts[i]!, pageKeyType(model, order[i]!.key));
  const terms = order.map((item, i) => {
    const equal = order.slice(0, i).map((_, j) => Prisma.sql`${aliasRef(orderKeyAlias(j))} = ${value(j)}`);
    const beyond = Prisma.sql`${aliasRef(orderKeyAlias(i))} ${Prisma.raw(item.direction === 'desc' ? '<' : '>')} ${value(i)}`;
    return Prisma.sql`(${Prisma.join([...equal, beyond], ' AND ')})`;
  });
  return Prisma.sql`(${Prisma.join(terms, ' OR ')})`;
}

/**
 * What a cursor is bound to: the query's SQL text and every bound value, so a cursor of one query (other
 * filters, windows or order) is refused by another.
 */
export function queryFingerprint(sql: Prisma.Sql): string {
  const values = JSON.stringify(sql.values, (_, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : Prisma.Decimal.isDecimal(v) ? `${(v as Prisma.Decimal).toFixed()}d` : v,
  );
  return createHash('sha256').update(sql.text).update('\0').update(values).digest('base64url').slice(0, 22);
}

/** Page cursors of window queries: the last row's position, sealed and bound to the query. */
export class WindowPageCursor {
  readonly #token: SignedToken;

  constructor(secret?: string) {
    this.#token = new SignedToken(secret);
  }

  encode(fingerprint: string, position: readonly string[]): string {
    return this.#token.seal({ v: VERSION, w: fingerprint, p: position });
  }

  decode(fingerprint: string, cursor: unknown, keys: number): string[] {
    const payload = this.#token.open(cursor);
    if (payload.v !== VERSION) {
      // The other kind of cursor one secret seals: of a repository's running-total pages (`page`).
      if ('q' in payload && 'k' in payload) {
        throw new InvalidCursorError("This cursor is a running-total page's (page), not a bucket-total or window-query page's: pass it back to the method that returned it.");
      }
      throw new InvalidCursorError('Unsupported cursor version: start again from the first page.');
    }
    if (payload.w !== fingerprint) {
      throw new InvalidCursorError('This cursor belongs to a different query (other filters, windows or order).');
    }
    const position = payload.p;
    if (!Array.isArray(position) || position.length !== keys || !position.every((text) => typeof text === 'string')) {
      throw new InvalidCursorError('Malformed cursor payload.');
    }
    return position as string[];
  }
}

/**
 * The page a keyset query fetched (`limit + 1` rows): at most `limit` rows without their hidden position output,
 * and the cursor after the last of them when another row followed (`null` on the last page).
 */
export function splitPage(
  fetched: readonly Record<string, unknown>[],
  limit: number,
  positionAlias: string,
  encode: (position: string[]) => string,
): { readonly rows: Record<string, unknown>[]; readonly nextCursor: string | null } {
  const rows = fetched.slice(0, limit);
  const last = rows.at(-1);
  const nextCursor = fetched.length > limit && last ? encode(last[positionAlias] as string[]) : null;
  return {
    rows: rows.map((row) => {
      const { [positionAlias]: _position, ...rest } = row;
      return rest;
    }),
    nextCursor,
  };
}
