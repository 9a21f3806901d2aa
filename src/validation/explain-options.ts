import { ValidationError } from '../errors.ts';
import type { ExplainOptions } from '../explain/explain-query.ts';
import { requireOptions, requirePositiveInt } from './batch.ts';
import { describe } from './dates.ts';

/**
 * EXPLAIN's options, checked before any SQL: a misspelt `analyse: false` (or `analyze: 'false'`) would otherwise
 * run EXPLAIN ANALYZE, which executes the statement.
 */
export function requireExplainOptions(options: unknown): ExplainOptions {
  const raw = requireOptions('options', options, ['analyze', 'timeoutMs']);
  if (raw.analyze !== undefined && typeof raw.analyze !== 'boolean') {
    throw new ValidationError('options.analyze', `expected true or false, got ${describe(raw.analyze)}.`);
  }
  return {
    ...(raw.analyze !== undefined && { analyze: raw.analyze as boolean }),
    ...(raw.timeoutMs !== undefined && { timeoutMs: requirePositiveInt('options.timeoutMs', raw.timeoutMs, 86_400_000) }),
  };
}
