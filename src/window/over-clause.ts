import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { aliasRef, type ModelName } from './catalog.ts';
import type { WindowFunction } from './functions.ts';
import { enumListNamesSql, enumNamesSql } from './enum-output.ts';
import { readAs } from './expression.ts';
import { orderKeyLabel, sameOrderKey } from './order-key.ts';
import type { WindowSpec } from './window-spec.ts';

/**
 * The `OVER ...` clause of one function: a named window by reference when the function can share it, else the
 * spec inline — adjusted for functions that need their own frame or must not get the id tiebreaker.
 *
 * A function that picks one row (`row_number`, `ntile`, `lag`, `lead`, `first_value`, `last_value`) is only
 * deterministic when no two rows are peers, i.e. when the ORDER BY ends with the id. ROWS windows do; for a
 * RANGE or GROUPS window, the functions that ignore the frame get the id appended (their result is then the same
 * as over the ROWS window), and `first_value` / `last_value`, whose frame edge would cut through peers, are
 * refused with what to write instead.
 */
export function renderOver<M extends ModelName>(
  fn: WindowFunction<M, unknown>,
  over: WindowSpec<M, true> | string,
  windows: ReadonlyMap<string, WindowSpec<M, true>> | undefined,
): Prisma.Sql {
  const named = typeof over === 'string';
  const spec = named ? windows?.get(over) : over;
  if (!spec) throw new WindowSpecError(`Unknown window "${String(over)}".`);
  if (spec.isWholePartition && (fn.picksRow || fn.peerSensitive || fn.frame)) {
    throw new WindowSpecError(
      `${fn.name} depends on an order or a frame, and a wholePartition() window has neither: give it .orderBy(...).`,
    );
  }
  if (spec.isWholePartition) return named ? Prisma.sql`OVER ${aliasRef(over)}` : Prisma.sql`OVER (${spec.toSql()})`;
  const framed = fn.frame ? spec.frame(fn.frame) : spec;
  const order = framed.effectiveOrder();
  const peersPossible = fn.picksRow && !framed.tiebreakerKeys.every((key) => order.some((item) => sameOrderKey(item.key, key)));
  if (peersPossible && !fn.ignoresFrame) {
    throw new WindowSpecError(
      `${fn.name} picks one row of its frame, and a ${framed.currentFrame.mode} frame ordered without the id leaves ` +
        'the order of peers (rows with equal ORDER BY values) to the physical row order, so the result could differ ' +
        `between two runs. Use a ROWS frame (.rows(...), where the id is appended), or end the ORDER BY with .orderBy(${framed.tiebreakerKeys.map((k) => `'${orderKeyLabel(k)}'`).join(', ')}).`,
    );
  }
  if (named && !fn.frame && !fn.peerSensitive && !peersPossible) return Prisma.sql`OVER ${aliasRef(over)}`;
  const options = { frame: !fn.ignoresFrame, ...(fn.peerSensitive && { tiebreaker: false }), ...(peersPossible && { tiebreaker: true }) };
  return Prisma.sql`OVER (${framed.toSql(options)})`;
}

/**
 * The window a query's rows are ordered by when it gives no order: its first function's window, else `fallback`,
 * else its first named window.
 */
export function firstWindowOf<M extends ModelName>(
  functions: readonly { readonly over: WindowSpec<M, true> | string }[],
  windows: ReadonlyMap<string, WindowSpec<M, true>>,
  fallback?: WindowSpec<M, true> | undefined,
): WindowSpec<M, true> | undefined {
  const first = functions[0];
  if (!first) return fallback ?? windows.values().next().value;
  return typeof first.over === 'string' ? windows.get(first.over) : first.over;
}

/**
 * A function's result as read into a row (see `readAs`): an instant as its UTC wall time, an interval as ISO 8601,
 * an enum's value as its name (`enumNamesSql`).
 */
export function outputValueSql<M extends ModelName>(fn: WindowFunction<M, unknown>, call: Prisma.Sql): Prisma.Sql {
  if (fn.enumList !== undefined) return enumListNamesSql(fn.enumList, call);
  return fn.enum === undefined ? readAs(fn.resultType, call) : enumNamesSql(fn.enum, call);
}
