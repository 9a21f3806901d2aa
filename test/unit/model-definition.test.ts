/**
 * A running-total model definition that cannot work is rejected when it is checked (at module load or
 * construction), not discovered as a stream that silently stops early: `select` must hold the keys streams and
 * pages resume by (id, partition fields, order field), and every field must fit its role.
 */
import { describe, expect, it } from 'vitest';
import type { Prisma, Transaction } from '../../prisma/generated/prisma/client.ts';
import {
  RunningTotalRepository,
  WindowSpecError,
  requireModelDefinition,
  type RunningTotalModel,
} from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { requireDate } from '../../src/validation/dates.ts';
import { requireInt4 } from '../../src/validation/keys.ts';
import { mockPrisma } from '../support/mock-client.ts';

type Data = Prisma.TransactionCreateManyInput;

function definition(overrides: Partial<Record<keyof RunningTotalModel<'Transaction', number, Data>, unknown>> = {}) {
  return {
    model: 'Transaction',
    partitionBy: 'accountId',
    orderBy: 'createdAt',
    amount: 'amount',
    select: ['id', 'accountId', 'amount', 'createdAt'],
    requireKey: requireInt4,
    requireBound: requireDate,
    requireRow: (_path: string, value: unknown) => value as Data,
    keyOf: (row: Data) => row.accountId,
    insertFields: ['accountId', 'amount', 'createdAt', 'externalId'],
    idempotencyKey: 'externalId',
    createMany: async () => ({ count: 0 }),
    ...overrides,
  } as unknown as RunningTotalModel<'Transaction', number, Data>;
}

describe('requireModelDefinition', () => {
  it('accepts a working definition and freezes it', () => {
    const checked = requireModelDefinition(definition());
    expect(Object.isFrozen(checked)).toBe(true);
    expect(Object.isFrozen(checked.select)).toBe(true);
    expect(requireModelDefinition(checked)).toBe(checked);
  });

  it.each([
    ['select without the order field', { select: ['id', 'accountId', 'amount'] }, /select must include .*add 'createdAt'/],
    ['select without the partition field', { select: ['id', 'amount', 'createdAt'] }, /add 'accountId'/],
    ['select without the id', { select: ['accountId', 'amount', 'createdAt'] }, /add 'id'/],
    ['select with a hole', { select: ['id', , 'accountId', 'createdAt'] }, /select\[1\] must be a field name/],
    ['select with a repeated field', { select: ['id', 'id', 'accountId', 'createdAt'] }, /select lists "id" twice/],
    ['select with an unknown field', { select: ['id', 'accountId', 'createdAt', 'balance'] }, /Unknown field "balance"/],
    ['an unknown model', { model: 'Invoice' }, /Unknown model "Invoice"/],
    ['an order field that is not a time', { orderBy: 'id' }, /orderBy must be a DateTime field; id is BigInt/],
    ['an amount that is not numeric', { amount: 'externalId' }, /amount must be a Decimal field .*; externalId is String/],
    ['an integer amount (streams and pages carry Decimal totals)', { amount: 'accountId' }, /amount must be a Decimal field .*; accountId is Int/],
    ['a nullable partition field', { partitionBy: 'externalId', select: ['id', 'externalId', 'createdAt'] }, /partitionBy field externalId \(String\?\) must be a NOT NULL/],
    ['a Decimal partition field', { partitionBy: 'amount' }, /partitionBy field amount \(Decimal\?\) must be a NOT NULL/],
    ['an idempotency key that is not unique', { idempotencyKey: 'accountId' }, /idempotencyKey accountId must be @unique/],
    ['an empty partitionBy list', { partitionBy: [] }, /partitionBy must name at least one field/],
    ['a composite partition without partitionValues', { partitionBy: ['accountId', 'externalId'], select: ['id', 'accountId', 'externalId', 'createdAt'] }, /partitionValues .* is required/],
    ['an idempotency key that is not written', { idempotencyKey: 'externalId', insertFields: ['accountId', 'amount', 'createdAt'] }, /idempotencyKey externalId must be one of insertFields/],
    ['a missing callback', { requireRow: undefined }, /requireRow must be a function/],
  ])('rejects %s with a WindowSpecError', (_, overrides, message) => {
    expect(() => requireModelDefinition(definition(overrides as never))).toThrow(WindowSpecError);
    expect(() => requireModelDefinition(definition(overrides as never))).toThrow(message);
  });

  it('rejects at construction when a repository checks its definition in its field initializer', () => {
    class BrokenRepository extends RunningTotalRepository<'Transaction', Transaction, Data, number, Data> {
      protected readonly definition = requireModelDefinition(definition({ select: ['id', 'accountId', 'amount'] }));
    }
    expect(() => new BrokenRepository(mockPrisma().prisma)).toThrow(/add 'createdAt'/);
  });

  it("the library's own repositories carry checked, frozen definitions", () => {
    const repo = new TransactionRepository(mockPrisma().prisma) as unknown as { definition: RunningTotalModel<'Transaction', number, Data> };
    expect(Object.isFrozen(repo.definition)).toBe(true);
    expect(requireModelDefinition(repo.definition)).toBe(repo.definition);
  });
});
