import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { CursorCodec, InvalidCursorError } from '../../src/index.ts';
import { WindowPageCursor } from '../../src/window/query-page.ts';
import { propertyRuns } from '../support/property-seed.ts';

const codec = new CursorCodec('unit-test-secret-0123456789');
// Positions hold the server's exact text of stored values: microseconds survive the round trip.
const position = { key: ['42'], order: '2026-03-01T10:00:00.000500+00:00', id: '1234', total: new Prisma.Decimal('-1050.25') };
const runs = propertyRuns(500);

describe('page cursors', () => {
  it('round-trip the position exactly', () => {
    const decoded = codec.decode('query-a', codec.encode('query-a', position));
    expect(decoded.key).toEqual(['42']);
    expect(decoded.id).toBe('1234');
    expect(decoded.order).toBe('2026-03-01T10:00:00.000500+00:00');
    expect(decoded.total.toFixed(2)).toBe('-1050.25');
  });

  // Generous timeouts: 500 generated cases are quick alone but share two cores with PostgreSQL in a full run.
  it('reject any arbitrary string with InvalidCursorError', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String(), fc.tuple(fc.base64String(), fc.base64String()).map(([a, b]) => `${a}.${b}`)), (text) => {
        expect(() => codec.decode('query-a', text)).toThrow(InvalidCursorError);
      }),
      runs,
    );
  });

  it('reject every single-character change of a valid cursor (tamper-evident)', { timeout: 30_000 }, () => {
    const valid = codec.encode('query-a', position);
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.constantFrom(...'ABCabc019-_.'), (index, replacement) => {
        fc.pre(valid[index] !== replacement);
        const tampered = valid.slice(0, index) + replacement + valid.slice(index + 1);
        expect(() => codec.decode('query-a', tampered)).toThrow(InvalidCursorError);
      }),
      runs,
    );
  });

  it('reject a cursor of another query, another secret, or with non-cursor values', () => {
    const valid = codec.encode('query-a', position);
    expect(() => codec.decode('query-b', valid)).toThrow(/different query/);
    expect(() => new CursorCodec('another-secret-0123456789').decode('query-a', valid)).toThrow(/signature/);
    expect(() => new CursorCodec('short')).toThrow(/at least 16 bytes/);
    // Without a secret, codecs share one per process: another instance accepts the cursor, another process would not.
    expect(new CursorCodec().decode('query-a', new CursorCodec().encode('query-a', position))).toEqual(position);
    expect(() => codec.decode('query-a', 42)).toThrow(/Malformed cursor/);
  });

  it("say so when given the other kind of page's cursor (a bucket-total or window-query page's)", () => {
    const secret = 'one-secret-for-both-kinds-0123';
    const windowPages = new WindowPageCursor(secret);
    const running = new CursorCodec(secret);
    expect(() => running.decode('query-a', windowPages.encode('query-a', ['42']))).toThrow(/bucket-total or window-query page's, not a running-total page's/);
    expect(() => windowPages.decode('query-a', running.encode('query-a', position), 1)).toThrow(/running-total page's \(page\), not a bucket-total/);
    expect(() => windowPages.decode('query-a', running.encode('query-a', position), 1)).toThrow(InvalidCursorError);
  });
});
