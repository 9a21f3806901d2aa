import { describe, expect, it } from 'vitest';

import { preparedStatementName } from '../../src/executor/statement-name.ts';

describe('preparedStatementName', () => {
  it('is the same for the same text, different for texts that differ anywhere, and a valid identifier', () => {
    const texts = ['SELECT 1', 'SELECT 1 ', 'SELECT 2', 'select 1', `SELECT ${'x'.repeat(10_000)}`, ''];
    const names = texts.map(preparedStatementName);
    expect(new Set(names).size).toBe(texts.length);
    expect(texts.map(preparedStatementName)).toEqual(names);
    for (const name of names) expect(name).toMatch(/^ledger_[0-9a-f]{40}$/);
    // Within PostgreSQL's 63-byte identifiers, so the server keeps the whole name.
    expect(Math.max(...names.map((name) => Buffer.byteLength(name)))).toBeLessThanOrEqual(63);
  });
});
