// Money input as text: accepted exactly when it fits numeric(precision, scale) without rounding, and then the very
// Decimal the constructor would build. The reference counts digits of the text itself (no Decimal arithmetic).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { ValidationError } from '../../src/index.ts';
import { requireDecimal } from '../../src/validation/decimal.ts';
import { propertyRuns } from '../support/property-seed.ts';

/** Whether `text` (`-?digits[.digits]`) fits: significant integer digits and significant decimal places. */
function fits(text: string, precision: number, scale: number): boolean {
  const [integer = '', fraction = ''] = text.replace(/^-/, '').split('.');
  const integerDigits = integer.replace(/^0+/, '').length;
  const places = fraction.replace(/0+$/, '').length;
  return places <= scale && integerDigits <= precision - scale;
}

const fields = (x: Prisma.Decimal) => {
  const { s, e, d } = x as unknown as { s: number; e: number; d: number[] };
  return { keys: Object.keys(x), s, e, d: [...d] };
};

const plainText = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,22}$/), fc.option(fc.stringMatching(/^[0-9]{1,8}$/)))
  .map(([negative, integer, fraction]) => `${negative ? '-' : ''}${integer}${fraction === null ? '' : `.${fraction}`}`);

describe('decimal strings of bulk inserts', () => {
  it.each([
    [19, 2],
    [12, 4],
    [4, 4],
  ])('numeric(%i, %i): accepted exactly when they fit, as the constructor’s Decimal', (precision, scale) => {
    fc.assert(
      fc.property(plainText, (text) => {
        const outcome = (() => {
          try {
            return requireDecimal('amount', text, { precision, scale });
          } catch (error) {
            return error;
          }
        })();
        if (!fits(text, precision, scale)) {
          expect(outcome).toBeInstanceOf(ValidationError);
          return;
        }
        expect(outcome).toBeInstanceOf(Prisma.Decimal);
        expect(fields(outcome as Prisma.Decimal)).toEqual(fields(new Prisma.Decimal(text)));
      }),
      propertyRuns(1000),
    );
  });

  it.each(['1e2', '+5', ' 7.5 ', '.5', '5.', '-0.000', '0007.50'])('%j reads as the constructor reads it', (text) => {
    const read = requireDecimal('amount', text, { precision: 19, scale: 2 });
    expect(read.toFixed()).toBe(new Prisma.Decimal(text.trim()).toFixed());
  });

  it.each(['', '-', '1.2.3', '١٢', '12a', '--1', 'NaN', 'Infinity'])('%j is a ValidationError', (text) => {
    expect(() => requireDecimal('amount', text, { precision: 19, scale: 2 })).toThrow(ValidationError);
  });
});
