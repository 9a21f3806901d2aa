/**
 * Transaction rows generated inside PostgreSQL (INSERT … SELECT FROM generate_series): for benchmark tables of
 * millions of rows, where no row should cross the wire. PostgreSQL's random() after setseed(), not uniform.ts: the
 * point is speed, and the shape is that of the 10M-row ledger the physical limits (plain SQL, no library) were first
 * measured on, kept so runs in BENCHMARKS.md stay comparable: power-law skewed accounts (1 + ⌊accounts·u²⌋),
 * timestamps truncated to the second over a span that scales with the row count (10M rows → 365 days, so ~14% of
 * rows share a timestamp), ~1% NULL amounts, amounts in [-500, 1000), heap in time order (an append-only ledger).
 */

export interface ServerLedgerShape {
  readonly rows: number;
  readonly accounts: number;
  /** setseed() value, -1..1. Default 0.42. */
  readonly seed?: number;
}

/** A statement for node-postgres: text with $n placeholders and its values. */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** Seconds of the time span: 10,000,000 rows ↔ 365 days, as in that 10M-row ledger. */
export const spanSeconds = (rows: number): number => Math.max(60, Math.round(rows * 3.1536));

/** Run in this order on one connection: setseed() seeds random() for the session only. */
export function serverLedgerStatements(shape: ServerLedgerShape): readonly [seed: Statement, insert: Statement] {
  return [
    { text: 'SELECT setseed($1)', values: [shape.seed ?? 0.42] },
    {
      text: `INSERT INTO "Transaction" ("accountId", "amount", "createdAt")
       SELECT account_id, amount, created_at FROM (
         SELECT 1 + floor($2::int * power(random(), 2))::int AS account_id,
                CASE WHEN random() < 0.01 THEN NULL ELSE round((random() * 1500 - 500)::numeric, 2) END AS amount,
                date_trunc('second', timestamptz '2024-01-01 00:00:00+00' + random() * ($3::int * interval '1 second')) AS created_at
           FROM generate_series(1, $1::int)) s
       ORDER BY created_at`,
      values: [shape.rows, shape.accounts, spanSeconds(shape.rows)],
    },
  ];
}
