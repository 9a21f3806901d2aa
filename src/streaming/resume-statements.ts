import * as Prisma from '../prisma-runtime.ts';
import { catalogGeneration, type ModelName } from '../window/catalog.ts';
import { keyText, planIdentity, type ResumeAt } from './running-total-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/**
 * Compiled statements of keyset chunks that resume after a position, by plan and shape, with the position's values
 * as slots. Every page of a walk and every chunk of a stream after the first is the same statement with another
 * position: compiled once, each later chunk only binds its position. (Compiling a chunk's statement cost about a
 * tenth of a 1,000-row page's time, most of it in the builders' checks of values that do not change.)
 *
 * The slots are position values no real one can equal: texts holding a NUL character (PostgreSQL's text cannot),
 * and a carried total of 52 decimal places nothing else in the statement is bound as.
 */

const SLOT = '\u0000position:';
const TOTAL_SLOT = new Prisma.Decimal('-0.0000000000000000000000000000000271828182845904523536028747');
const TOTAL_SLOT_TEXT = TOTAL_SLOT.toFixed();
/** Plans and shapes kept; the least recently used is dropped first. */
const MAX_STATEMENTS = 256;

/** Where a bound value comes from: the template itself, or a slot of the position. */
type Source = { readonly value: unknown } | { readonly slot: (at: ResumeAt) => unknown };

interface Template {
  readonly strings: readonly string[];
  readonly sources: readonly Source[];
}

const templates = new Map<string, Template>();
const planKeys = new WeakMap<object, string>();

/**
 * The statement `compile(at)` makes for the position `at`, from the template compiled for `plan` and `shape` if
 * there is one: the same text and values, the position's bound where its slots are.
 *
 * ```ts
 * resumeStatement(plan, 'limit 1001', position, (at) => compileRunningTotal(plan, { after: at, limit: 1001 }));
 * // ... WHERE "accountId" = CAST($1 AS int4) AND ("createdAt", "id") > (CAST($2 AS timestamptz), CAST($3 AS int8)) ...
 * ```
 */
export function resumeStatement<M extends ModelName>(plan: RunningTotalPlan<M>, shape: string, at: ResumeAt, compile: (at: ResumeAt) => Prisma.Sql): Prisma.Sql {
  const key = `${catalogGeneration()}|${planKey(plan)}|${shape}`;
  let template = templates.get(key);
  if (template) {
    // Most recently used last.
    templates.delete(key);
    templates.set(key, template);
  } else {
    template = templateOf(plan, compile);
    if (!template) return compile(at);
    templates.set(key, template);
    if (templates.size > MAX_STATEMENTS) templates.delete(templates.keys().next().value!);
  }
  const values = template.sources.map((source) => ('slot' in source ? source.slot(at) : source.value));
  return new Prisma.Sql(template.strings, values);
}

// Everything of a plan that shapes its statements, bar the position: model, fields, partitions, range, frame, NULL
// policy, the fields returned. Remembered per plan object (a stream's chunks share theirs).
function planKey<M extends ModelName>(plan: RunningTotalPlan<M>): string {
  let key = planKeys.get(plan);
  if (key === undefined) {
    // The rows and totals (what a page cursor is bound to), and the fields the statement names.
    key = keyText([...planIdentity(plan), plan.partitions?.fields ?? null, plan.orderBy, plan.amount, plan.select]);
    planKeys.set(plan, key);
  }
  return key;
}

// The statement compiled at a position of slots, and where each slot landed. Undefined (compile every time) when
// no slot is bound, or one is bound inside other text.
function templateOf<M extends ModelName>(plan: RunningTotalPlan<M>, compile: (at: ResumeAt) => Prisma.Sql): Template | undefined {
  const slots = {
    key: plan.partitionBy.map((_, i) => `${SLOT}key${i}`),
    order: `${SLOT}order`,
    id: `${SLOT}id`,
    total: TOTAL_SLOT,
  };
  const sql = compile(slots);
  const sources: Source[] = [];
  for (const value of sql.values) {
    if (value === TOTAL_SLOT_TEXT) {
      // What `numericValue` binds a carried total as: its exact digits.
      sources.push({ slot: (at) => at.total.toFixed() });
    } else if (typeof value === 'string' && value.includes(SLOT)) {
      const slot = slotOf(value.slice(SLOT.length), plan.partitionBy.length);
      // A slot bound other than as itself (inside other text): this statement is compiled every time.
      if (!value.startsWith(SLOT) || !slot) return undefined;
      sources.push({ slot });
    } else {
      sources.push({ value });
    }
  }
  return sources.some((source) => 'slot' in source) ? { strings: sql.strings, sources } : undefined;
}

function slotOf(name: string, keys: number): ((at: ResumeAt) => unknown) | undefined {
  if (name === 'order') return (at) => at.order;
  if (name === 'id') return (at) => at.id;
  const index = /^key(\d+)$/.exec(name)?.[1];
  return index !== undefined && Number(index) < keys ? (at) => at.key[Number(index)] : undefined;
}
