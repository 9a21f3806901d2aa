import { readField, requireKnownKeys } from './batch.ts';
import { checkAt } from './element-path.ts';
import type { ColumnCheck } from './column-validator.ts';

/** How one input field is validated (see `rowValidator`). */
export interface FieldRule {
  readonly field: string;
  /** Checks a present, non-null value. */
  readonly check: ColumnCheck;
  /** `null` is a value (nullable column). */
  readonly nullable: boolean;
  /** Left out (or `undefined`): `'required'` is a `ValidationError`, `'null'` writes NULL, a function supplies the value. */
  readonly omitted: 'required' | 'null' | (() => unknown);
}

/**
 * A row validator from per-field rules: unknown keys are refused (a misspelt field fails loudly), every field is
 * checked in rule order, and the result holds exactly the rule fields — the shape the bulk insert writes.
 * Errors name the value: `rows[3].quantity`.
 *
 * ```ts
 * const requireRow = rowValidator([
 *   { field: 'accountId', check: requireInt4, nullable: false, omitted: 'required' },
 *   { field: 'memo', check: (p, v) => requireVarChar(p, v, 200), nullable: true, omitted: 'null' },
 * ]);
 * requireRow('rows[0]', { accountId: 7 }); // { accountId: 7, memo: null }
 * requireRow('rows[1]', { acountId: 7 });  // throws ValidationError "rows[1].acountId: is not a known option. ..."
 * ```
 */
export function rowValidator(rules: readonly FieldRule[]): RowValidator {
  const names = rules.map((rule) => rule.field);
  const validator = (needed: ReadonlySet<string> | undefined) => (path: string, value: unknown) => {
    // The caller's row itself, not a copy: each field is read once, below.
    const row = requireKnownKeys(path, value, names);
    const data: Record<string, unknown> = {};
    for (const rule of rules) {
      const given = readField(row, rule.field, path);
      if (given === undefined && rule.omitted !== 'required') {
        data[rule.field] = rule.omitted === 'null' ? null : rule.omitted();
      } else if (given === null && rule.nullable) {
        data[rule.field] = null;
      } else if (needed !== undefined && !needed.has(rule.field) && rule.check.accepts?.(given) === true) {
        // Valid, and not needed as written: left as given rather than built (a Decimal, a Date copy).
        data[rule.field] = given;
      } else {
        // `undefined` / `null` where no value may be missing reach `check`, whose error names what was expected.
        data[rule.field] = checkAt(rule.check, path, rule.field, given);
      }
    }
    return data;
  };
  const requireRow = validator(undefined) as RowValidator;
  checkingForms.set(requireRow, (needed: readonly string[]) => validator(new Set(needed)));
  return requireRow;
}

// Held beside the validators rather than on them: a wrapper that copies a validator's properties (or a spread)
// would otherwise carry a checking form that no longer matches what it validates.
const checkingForms = new WeakMap<object, CheckingForm>();

/**
 * A row validator's checking form (`checking(needed)`): one that refuses exactly the same rows with the same
 * errors, but returns the fields not `needed` as given where their check can tell they are valid without building
 * what is written. For a pass over a batch that keeps only its keys (a COPY validates every row before any SQL,
 * then again as it writes it).
 */
export type CheckingForm = (needed: readonly string[]) => (path: string, value: unknown) => Record<string, unknown>;

/** A row validator made by `rowValidator`: it has a checking form (see `checkingValidator`). */
export type RowValidator = (path: string, value: unknown) => Record<string, unknown>;

/**
 * The checking form of a validator `rowValidator` made, or undefined for any other function (an override, a
 * wrapper): those validate in full.
 */
export function checkingValidator(requireRow: (path: string, value: unknown) => unknown): CheckingForm | undefined {
  return checkingForms.get(requireRow);
}

/**
 * A partition-key validator: one field's check for a single-field key (the key is the value itself), or an
 * object with exactly the partition fields for a composite key (`{ warehouseId, productSku }`).
 *
 * ```ts
 * const requireStockKey = keyValidator([{ field: 'warehouseId', check: requireInt4 }, { field: 'productSku', check: sku }]);
 * requireStockKey('options.partitions[0]', { warehouseId: 1, productSku: 'SKU-1' }); // a validated copy
 * requireStockKey('options.partitions[0]', [1, 'SKU-1']); // throws ValidationError "...: expected an object, got an array."
 * ```
 */
export function keyValidator(
  fields: readonly { readonly field: string; readonly check: ColumnCheck }[],
): (path: string, value: unknown) => unknown {
  const [single] = fields;
  if (fields.length === 1 && single) return single.check;
  const names = fields.map(({ field }) => field);
  return (path, value) => {
    const key = requireKnownKeys(path, value, names);
    const checked: Record<string, unknown> = {};
    for (const { field, check } of fields) checked[field] = check(`${path}.${field}`, readField(key, field, path));
    return checked;
  };
}
