import { ValidationError } from '../errors.ts';
import { requireChoice, requireOptions } from '../validation/batch.ts';
import { requireBucketSettings } from '../validation/bucket-options.ts';
import { requireDateRange } from '../validation/dates.ts';
import { requireKeyList } from '../validation/keys.ts';
import type { RunningTotalModel } from '../validation/running-total-model.ts';
import { columnInfo, type FieldOf, type ModelName } from '../window/catalog.ts';
import type { BucketPlan } from './bucket-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/** Running totals per partition (`PARTITION BY` the partition fields), or one across all partitions. */
export type Scope = 'partition' | 'global';

/** A caller may name at most this many partitions in one call (each is one bound array element). */
export const MAX_PARTITION_KEYS = 10_000;
export const RUNNING_TOTAL_OPTION_KEYS = ['partitions', 'from', 'to', 'frame', 'nulls'] as const;

/** The partition fields of a model definition, as a list (one field, or the fields of a composite key). */
export function partitionFieldsOf<M extends ModelName>(def: Pick<RunningTotalModel<M, unknown, unknown>, 'partitionBy'>): readonly FieldOf<M>[] {
  return typeof def.partitionBy === 'string' ? [def.partitionBy] : def.partitionBy;
}

/** A validated partition key as the values of the partition fields, in their order. */
export function partitionValuesOf<M extends ModelName, Key>(def: Pick<RunningTotalModel<M, Key, unknown>, 'partitionValues'>, key: Key): readonly unknown[] {
  return def.partitionValues ? def.partitionValues(key) : [key];
}

/**
 * Validates a caller's running-total options, once, into the plan every execution path is compiled from
 * (query, stream, page, explain). `partitionsPath` names the option a single page partition came from, for
 * error messages; `maxPartitions` lifts the cap for key lists the library built itself.
 *
 * ```ts
 * planFromOptions(definition, { partitions: [42], from: new Date('2026-01-01') }, 'partition');
 * // { model: 'Transaction', partitionBy: ['accountId'], partitions: { fields: ['accountId'], keys: [[42]] }, from, ... }
 * ```
 */
export function planFromOptions<M extends ModelName, Key, Data>(
  def: RunningTotalModel<M, Key, Data>,
  options: unknown,
  scope: Scope,
  settings: { readonly maxPartitions?: number | undefined; readonly partitionsPath?: string | undefined; readonly optionsPath?: string | undefined } = {},
): RunningTotalPlan<M> {
  const at = settings.optionsPath ?? 'options';
  const opts = requireOptions(at, options, RUNNING_TOTAL_OPTION_KEYS);
  // A scope the types forbid would otherwise compile the other query silently (the global total).
  const partitioned = requireChoice<Scope>('scope', scope, ['partition', 'global'], 'partition') === 'partition';
  const frame = requireChoice(`${at}.frame`, opts.frame, ['rows', 'range'], 'rows');
  const nulls = requireChoice(`${at}.nulls`, opts.nulls, ['zero', 'skip'], 'zero');
  const range = requireDateRange(at, { from: opts.from as Date, to: opts.to as Date }, def.requireBound);
  const keys =
    opts.partitions === undefined
      ? undefined
      : settings.partitionsPath !== undefined
        ? [def.requireKey(settings.partitionsPath, (opts.partitions as unknown[])[0])]
        : requireKeyList(`${at}.partitions`, opts.partitions, def.requireKey, settings.maxPartitions ?? MAX_PARTITION_KEYS);
  const fields = partitionFieldsOf(def);
  return {
    model: def.model,
    partitionBy: partitioned ? fields : [],
    orderBy: def.orderBy,
    amount: def.amount,
    select: def.select,
    nulls,
    frame,
    ...(keys && { partitions: { fields, keys: keys.map((key) => partitionValuesOf(def, key)) } }),
    ...(range.from && { from: range.from }),
    ...(range.to && { to: range.to }),
  };
}

const BUCKET_OPTION_KEYS = ['partitions', 'bucket', 'from', 'to', 'timeZone', 'fill', 'carry', 'compareWith'] as const;
/** Buckets per partition a call may ask for (ten years of hours is 87,600). */
export const MAX_BUCKETS = 100_000;
const BUCKET_MS: Record<string, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 28 * 86_400_000, quarter: 89 * 86_400_000, year: 365 * 86_400_000 };

/**
 * Validates `bucketTotals` options into a bucket plan: the running-total plan (partitions, `[from, to)`, both
 * required) plus the bucket settings, checked before any SQL.
 *
 * ```ts
 * bucketPlanFromOptions(definition, { bucket: 'day', from, to, timeZone: 'Europe/Berlin' }, 'partition');
 * ```
 */
export function bucketPlanFromOptions<M extends ModelName, Key, Data>(
  def: RunningTotalModel<M, Key, Data>,
  options: unknown,
  scope: Scope,
): BucketPlan<M> {
  const opts = requireOptions('options', options, BUCKET_OPTION_KEYS);
  for (const bound of ['from', 'to'] as const) {
    if (opts[bound] === undefined) throw new ValidationError(`options.${bound}`, 'is required: buckets cover [from, to).');
  }
  const { bucket: _bucket, timeZone: _zone, fill: _fill, carry: _carry, compareWith: _compare, ...range } = opts;
  const plan = planFromOptions(def, range, scope);
  const calendarDays = columnInfo(def.model, def.orderBy).nativeType?.[0] === 'Date';
  const buckets = requireBucketSettings(opts, calendarDays);
  // Bucket bounds one step beyond the range must still be dates JavaScript and PostgreSQL agree on.
  if (plan.from!.getTime() < Date.UTC(1000, 0, 1) || plan.to!.getTime() > Date.UTC(9999, 0, 1)) {
    throw new ValidationError('options.from', 'buckets cover years 1000 to 9998: choose from and to within them.');
  }
  const span = plan.to!.getTime() - plan.from!.getTime();
  if (span <= 0) throw new ValidationError('options.to', 'must be after options.from.');
  if (span / BUCKET_MS[buckets.bucket]! > MAX_BUCKETS) {
    throw new ValidationError('options.bucket', `[from, to) holds more than ${MAX_BUCKETS} ${buckets.bucket} buckets: use a longer bucket or a shorter range.`);
  }
  return { ...plan, from: plan.from!, to: plan.to!, buckets };
}

/** Validates `balanceAsOf` options (`at` required) into a plan with the partitions. */
export function balancePlanFromOptions<M extends ModelName, Key, Data>(
  def: RunningTotalModel<M, Key, Data>,
  options: unknown,
  requireAt: boolean,
): { readonly plan: RunningTotalPlan<M>; readonly at: Date | undefined } {
  const opts = requireOptions('options', options, requireAt ? ['partitions', 'at'] : ['partitions']);
  if (requireAt && opts.at === undefined) throw new ValidationError('options.at', 'is required: the instant the balance is taken at.');
  const at = opts.at === undefined ? undefined : def.requireBound('options.at', opts.at);
  return { plan: planFromOptions(def, { partitions: opts.partitions }, 'partition'), at };
}
