import { describe, expect, it } from 'vitest';
import { RUNNING_RANGE, windowSpec, WindowSpecError, type Frame, type WindowSpec } from '../../src/index.ts';
import { frameSql, requireFrame } from '../../src/window/frame.ts';
import { oneLine } from '../support/mock-client.ts';

describe('windowSpec', () => {
  it('appends the id tiebreaker and renders the ROWS frame explicitly by default', () => {
    const sql = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt').toSql();
    expect(oneLine(sql)).toBe(
      'PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
    expect(sql.values).toEqual([]);
  });

  it('gives the tiebreaker the direction of the last key, so a descending index still serves the order', () => {
    const sql = windowSpec('SalesRecord').orderBy('saleDate', 'desc', 'last').toSql();
    expect(oneLine(sql)).toBe(
      'ORDER BY "saleDate" DESC NULLS LAST, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
  });

  it('does not append id twice when id is already an order key', () => {
    const sql = windowSpec('Transaction').orderBy('id').toSql();
    expect(oneLine(sql)).toBe('ORDER BY "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  });

  it('leaves the tiebreaker out of RANGE windows, where equal timestamps must stay peers', () => {
    const sql = windowSpec('Transaction').orderBy('createdAt').frame(RUNNING_RANGE).toSql();
    expect(oneLine(sql)).toBe('ORDER BY "createdAt" ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  });

  it('binds interval offsets as parameters and prints validated row offsets', () => {
    const moving = windowSpec('SalesRecord').orderBy('saleDate').range({ preceding: { interval: '6 days' } });
    expect(oneLine(moving.toSql())).toBe('ORDER BY "saleDate" ASC RANGE BETWEEN CAST($1 AS interval) PRECEDING AND CURRENT ROW');
    expect(moving.toSql().values).toEqual(['6 days']);
    const rows = windowSpec('SalesRecord').orderBy('saleDate').rows({ preceding: 6 }, { following: 1 });
    expect(oneLine(rows.toSql())).toContain('ROWS BETWEEN 6 PRECEDING AND 1 FOLLOWING');
  });

  it('is immutable: every call returns a new spec and leaves the original unchanged', () => {
    const base = windowSpec('Transaction').orderBy('createdAt');
    const partitioned = base.partitionBy('accountId');
    expect(partitioned).not.toBe(base);
    expect(base.partitionFields).toEqual([]);
    expect(partitioned.partitionFields).toEqual(['accountId']);
    expect(Object.isFrozen(base.orderItems)).toBe(true);
  });

  it('refuses to render a window without ORDER BY, at compile time and at run time', () => {
    const unordered = windowSpec('Transaction').partitionBy('accountId');
    // @ts-expect-error — toSql exists only on an ordered spec
    expect(() => unordered.toSql()).toThrow(WindowSpecError);
    const forced = unordered as unknown as WindowSpec<'Transaction', true>;
    expect(() => forced.toSql()).toThrow(/Call \.orderBy\(field\)/);
  });

  it('rejects unknown fields with the list of known ones', () => {
    // @ts-expect-error — not a field of Transaction
    expect(() => windowSpec('Transaction').orderBy('created_at')).toThrow(/Unknown field "created_at".*createdAt/);
    // @ts-expect-error — not a model
    expect(() => windowSpec('Invoice')).toThrow(WindowSpecError);
  });

  it('takes intervals PostgreSQL reads: each unit once (weeks beside days), whole seconds beside milliseconds, any length', () => {
    for (const interval of ['1 week 2 days 3 hours', '1 second 500 milliseconds', '1.5 seconds', '999999 years', '119000 months']) {
      expect(requireFrame({ mode: 'RANGE', start: { preceding: { interval } }, end: 'CURRENT ROW' }).start).toEqual({ preceding: { interval } });
    }
  });

  it('writes weeks, days and hours along an instant as one count of hours, each unit once', () => {
    const along = (interval: string) => windowSpec('Transaction').orderBy('createdAt').range({ preceding: { interval } }).toSql();
    for (const [interval, bound] of [['1 week 1 day', '192 hours'], ['1 Day 2 HOURS 30 minutes', '26 hours 30 minutes'], ['999999 weeks', '167999832 hours']]) {
      const sql = along(interval!);
      expect(oneLine(sql)).toContain('RANGE BETWEEN CAST($1 AS interval) PRECEDING AND CURRENT ROW');
      expect(sql.values).toEqual([bound]);
    }
  });

  it('refuses a number offset beyond 2^53 along an integer column (PostgreSQL reads it as numeric); a bigint goes further', () => {
    const byAccount = windowSpec('Transaction').orderBy('accountId');
    expect(() => byAccount.range({ preceding: 1e20 })).toThrow(/at most Number.MAX_SAFE_INTEGER; pass a bigint/);
    expect(() => byAccount.range({ preceding: 2 ** 62 }, 'CURRENT ROW')).toThrow(WindowSpecError);
    expect(() => byAccount.range({ preceding: 2n ** 62n })).not.toThrow();
    expect(() => byAccount.range({ preceding: Number.MAX_SAFE_INTEGER })).not.toThrow();
  });

  it('rejects frames PostgreSQL would reject, with a message saying what to do', () => {
    const ordered = windowSpec('Transaction').orderBy('createdAt');
    expect(() => ordered.rows('CURRENT ROW', { preceding: 1 })).toThrow(/cannot start after it ends/);
    expect(() => ordered.rows({ preceding: -1 })).toThrow(/non-negative integer/);
    expect(() => ordered.rows({ preceding: { interval: '1 day' } })).toThrow(/only work with RANGE/);
    expect(() => ordered.range({ preceding: { interval: "1 day'; DROP TABLE x; --" } })).toThrow(/Invalid interval/);
    expect(() => ordered.rows('UNBOUNDED FOLLOWING')).toThrow(/cannot start at UNBOUNDED FOLLOWING/);
  });

  it.each([
    ['an unknown mode', { mode: 'ROWZ', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' }, /Unknown frame mode "ROWZ": use ROWS, RANGE or GROUPS/],
    ['a mode that is not a string', { mode: { toString: (): string => 'ROWS' }, start: 'CURRENT ROW', end: 'CURRENT ROW' }, /Unknown frame mode/],
    ['SQL in a named bound', { mode: 'ROWS', start: 'CURRENT ROW; DROP TABLE x', end: 'CURRENT ROW' }, /Unknown frame start "CURRENT ROW; DROP TABLE x": use 'UNBOUNDED PRECEDING'/],
    ['a lower-case bound', { mode: 'ROWS', start: 'unbounded preceding', end: 'CURRENT ROW' }, /Unknown frame start/],
    ['a missing end', { mode: 'ROWS', start: 'UNBOUNDED PRECEDING' }, /Invalid frame end undefined/],
    ['null as a bound', { mode: 'ROWS', start: null, end: 'CURRENT ROW' }, /Invalid frame start null/],
    ['a bound with both keys', { mode: 'ROWS', start: { preceding: 1, following: 1 }, end: 'CURRENT ROW' }, /keys \[preceding, following\]/],
    ['a bound with an unknown key', { mode: 'ROWS', start: { before: 1 }, end: 'CURRENT ROW' }, /keys \[before\]/],
    ['a fractional offset', { mode: 'ROWS', start: { preceding: 1.5 }, end: 'CURRENT ROW' }, /non-negative integer, got 1.5/],
    ['NaN as an offset', { mode: 'ROWS', start: { preceding: Number.NaN }, end: 'CURRENT ROW' }, /non-negative integer, got NaN/],
    ['an unsafe offset', { mode: 'GROUPS', start: { preceding: 2 ** 53 }, end: 'CURRENT ROW' }, /non-negative integer/],
    ['a string offset', { mode: 'ROWS', start: { preceding: '1' }, end: 'CURRENT ROW' }, /non-negative integer or \{ interval/],
    ['an interval with extra keys', { mode: 'RANGE', start: { preceding: { interval: '1 day', x: 1 } }, end: 'CURRENT ROW' }, /non-negative integer or \{ interval/],
    ['an interval that is not a string', { mode: 'RANGE', start: { preceding: { interval: 7 } }, end: 'CURRENT ROW' }, /Invalid interval 7/],
    ['a negative interval', { mode: 'RANGE', start: { preceding: { interval: '-1 day' } }, end: 'CURRENT ROW' }, /Invalid interval/],
    ['an interval too large for PostgreSQL', { mode: 'RANGE', start: { preceding: { interval: '99999999999 years' } }, end: 'CURRENT ROW' }, /at most 6 digits/],
    ['an interval with too many parts', { mode: 'RANGE', start: { preceding: { interval: '1 day '.repeat(9) } }, end: 'CURRENT ROW' }, /at most 8 parts/],
    // PostgreSQL refuses a unit given twice, and a fraction of a second beside the fields it fills (22007).
    ['an interval naming a unit twice', { mode: 'RANGE', start: { preceding: { interval: '1 year 2 years' } }, end: 'CURRENT ROW' }, /each unit once/],
    ['a fraction of a second beside milliseconds', { mode: 'RANGE', start: { preceding: { interval: '1.5 seconds 1 millisecond' } }, end: 'CURRENT ROW' }, /no fraction of a second/],
    ['a fraction of a millisecond beside microseconds', { mode: 'RANGE', start: { preceding: { interval: '1 microseconds 1.5 milliseconds' } }, end: 'CURRENT ROW' }, /no fraction of a second/],
    ['an unknown exclusion', { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW', exclude: 'OTHERS; --' }, /Unknown frame exclusion/],
    // The id ends every ROWS order, so PostgreSQL would find no peers to exclude and sum them all.
    ['EXCLUDE TIES on a ROWS frame', { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'UNBOUNDED FOLLOWING', exclude: 'TIES' }, /EXCLUDE TIES on a ROWS frame excludes no peers.*RANGE or GROUPS/],
    ['EXCLUDE GROUP on a ROWS frame', { mode: 'ROWS', start: { preceding: 2 }, end: 'CURRENT ROW', exclude: 'GROUP' }, /EXCLUDE GROUP on a ROWS frame excludes no peers/],
    ['not an object', 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', /A frame is an object/],
  ])('rejects %s with a WindowSpecError that says what to write', (_, frame, message) => {
    expect(() => requireFrame(frame)).toThrow(WindowSpecError);
    expect(() => requireFrame(frame)).toThrow(message);
    expect(() => windowSpec('Transaction').orderBy('createdAt').frame(frame as Frame)).toThrow(message);
  });

  it('renders what it checked: a getter that changes a bound after the check cannot reach the SQL', () => {
    let reads = 0;
    const frame = {
      mode: 'ROWS',
      get start() {
        reads += 1;
        return reads === 1 ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED PRECEDING) AS x; DROP TABLE "Transaction"; --';
      },
      end: 'CURRENT ROW',
    } as unknown as Frame;
    const spec = windowSpec('Transaction').orderBy('createdAt').frame(frame);
    expect(oneLine(spec.toSql())).toBe('ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
    expect(Object.isFrozen(spec.currentFrame)).toBe(true);
  });

  it('accepts every bound of the grammar and normalises interval spacing (bound, never printed)', () => {
    expect(oneLine(frameSql({ mode: 'GROUPS', start: { preceding: 0 }, end: { following: 2 }, exclude: 'TIES' }))).toBe(
      'GROUPS BETWEEN 0 PRECEDING AND 2 FOLLOWING EXCLUDE TIES',
    );
    const sql = frameSql({ mode: 'RANGE', start: { preceding: { interval: ' 1  hour   30 minutes ' } }, end: 'UNBOUNDED FOLLOWING' });
    expect(oneLine(sql)).toBe('RANGE BETWEEN CAST($1 AS interval) PRECEDING AND UNBOUNDED FOLLOWING');
    expect(sql.values).toEqual(['1 hour 30 minutes']);
  });

  it('checks a RANGE offset against the type of the single ORDER BY column', () => {
    const byTime = windowSpec('Transaction').orderBy('createdAt');
    expect(() => byTime.range({ preceding: 5 })).toThrow(/distance along the ORDER BY key Transaction.createdAt \(timestamptz\): use an interval/);
    expect(() => windowSpec('Transaction').orderBy('amount').range({ preceding: { interval: '1 day' } })).toThrow(/not an interval/);
    expect(() => windowSpec('SalesRecord').orderBy('region').range({ preceding: 1 })).toThrow(/only numeric and date\/time columns/);
    expect(oneLine(windowSpec('Transaction').orderBy('amount').range({ preceding: 5 }).toSql())).toBe(
      'ORDER BY "amount" ASC RANGE BETWEEN 5 PRECEDING AND CURRENT ROW',
    );
    // A frame set before the order is checked when the spec is rendered.
    const early = windowSpec('Transaction').range({ preceding: 5 }).orderBy('createdAt');
    expect(() => early.toSql()).toThrow(/use an interval/);
    expect(() => windowSpec('Transaction').orderBy('createdAt').orderBy('id').range({ preceding: { interval: '1 day' } })).toThrow(
      /exactly one ORDER BY column/,
    );
  });
});
