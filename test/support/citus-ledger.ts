/**
 * Ledgers for the Citus tests, loaded with plain SQL and checked against a reference that shares no code with the
 * library: integer cents, times compared as the server's own microsecond text.
 */
import type pg from 'pg';

import { centsToString } from '../../scripts/lib/reference.ts';
import { defineRunningTotalRepository } from '../../src/index.ts';

/**
 * This repository's Transaction ledger as the distributed schema holds it: the same window, without the balance
 * checkpoints (a single-node feature; prisma/citus has no checkpoint table).
 */
export class DistributedLedger extends defineRunningTotalRepository('Transaction', {
  partitionBy: 'accountId',
  orderBy: 'createdAt',
  amount: 'amount',
  select: ['id', 'accountId', 'amount', 'createdAt'],
}) {}

export interface LedgerEntry {
  readonly id: bigint;
  readonly accountId: number;
  /** NULL amounts are pending entries. */
  readonly cents: bigint | null;
  /** UTC with microseconds, fixed width (`2026-03-29T00:59:59.123456Z`), so text order is time order. */
  readonly createdAt: string;
  readonly externalId: string | null;
}

const START = Date.UTC(2026, 2, 28, 22, 0, 0); // the evening before Europe/Berlin's spring DST change
const MICROS = [0, 1, 123_456, 999_999];

/**
 * `count` entries over `accounts` accounts: few distinct instants (ties), microsecond offsets, NULL and negative
 * amounts, and ids that repeat across accounts (a distributed table's key is `(accountId, id)`, so `id` alone is
 * not unique there: global orders need the account as the last tiebreaker).
 */
export function ledgerEntries(random: () => number, count: number, accounts = 9): LedgerEntry[] {
  const used = new Set<string>();
  const entries: LedgerEntry[] = [];
  for (let i = 0; entries.length < count; i++) {
    const accountId = 1 + Math.floor(random() * accounts);
    // One entry in eight reuses an earlier id (in another account, when the key is free there).
    const reuse = entries.length > 0 && random() < 0.125;
    const id = reuse ? entries[Math.floor(random() * entries.length)]!.id : BigInt(i + 1);
    if (used.has(`${accountId}:${id}`)) continue;
    used.add(`${accountId}:${id}`);
    const cents = random() < 0.1 ? null : BigInt(Math.floor(random() * 2_000_000) - 500_000);
    const minute = Math.floor(random() * 40) * 37;
    const micros = MICROS[Math.floor(random() * MICROS.length)]!;
    const createdAt = `${new Date(START + minute * 60_000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
    entries.push({ id, accountId, cents, createdAt, externalId: random() < 0.5 ? `ext-${i}` : null });
  }
  return entries;
}

/** Inserts the entries as they are (ids included) with one plain statement. */
export async function loadEntries(pool: pg.Pool, entries: readonly LedgerEntry[]): Promise<void> {
  await pool.query(
    `INSERT INTO "Transaction" (id, "accountId", amount, "createdAt", "externalId")
     SELECT * FROM unnest($1::int8[], $2::int4[], $3::numeric[], $4::timestamptz[], $5::text[])`,
    [
      entries.map((e) => String(e.id)),
      entries.map((e) => e.accountId),
      entries.map((e) => (e.cents === null ? null : centsToString(e.cents))),
      entries.map((e) => e.createdAt),
      entries.map((e) => e.externalId),
    ],
  );
}

/** `accountId:id`, the row's identity on both schemas. */
export const rowKey = (row: { readonly accountId: number; readonly id: bigint }): string => `${row.accountId}:${row.id}`;

/**
 * Running totals in cents by `rowKey`, in result order: per account, or across accounts (`partitioned: false`),
 * ordered by time, id, then account; NULL amounts count as zero.
 */
export function referenceRunningTotals(entries: readonly LedgerEntry[], partitioned: boolean): Array<[string, bigint]> {
  const sorted = [...entries].sort(
    (a, b) =>
      (partitioned ? a.accountId - b.accountId : 0) ||
      (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      a.accountId - b.accountId,
  );
  const totals = new Map<number, bigint>();
  return sorted.map((entry) => {
    const bucket = partitioned ? entry.accountId : 0;
    const total = (totals.get(bucket) ?? 0n) + (entry.cents ?? 0n);
    totals.set(bucket, total);
    return [rowKey(entry), total];
  });
}

/** Balance in cents per account of the entries at or before `at` (same microsecond text format). */
export function referenceBalances(entries: readonly LedgerEntry[], at: string): Map<number, bigint> {
  const balances = new Map<number, bigint>();
  for (const entry of entries) {
    if (entry.createdAt > at) continue;
    balances.set(entry.accountId, (balances.get(entry.accountId) ?? 0n) + (entry.cents ?? 0n));
  }
  return balances;
}
