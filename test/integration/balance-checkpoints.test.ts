/**
 * Balance checkpoints: `balanceAsOf` / `currentBalances` read the latest stored checkpoint plus the rows after it,
 * `writeCheckpoints` stores them, and the ledger's triggers delete every checkpoint a later write reaches back to.
 * Every balance is compared with a plain `SUM` in integer cents through `pg` (no library code), after writes the
 * library never sees (plain SQL inserts, updates, deletes, TRUNCATE), on microsecond timestamps with ties and NULL
 * amounts; the plan is read to show the cost follows the rows since the checkpoint, not the history; a writer
 * held open across `writeCheckpoints` shows why it locks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import {
  balanceCheckpointsSql,
  defineRunningTotalRepository,
  LedgerError,
  transaction,
  ValidationError,
  WindowSpecError,
} from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { withPg as withPgAt } from '../support/plain-sql.ts';
import { holdInOpenTransaction, untilBlockedBy } from '../support/lock-barrier.ts';
import { seeded } from '../support/property-seed.ts';

const db = useTestDatabase();
const ACCOUNTS = [1, 2, 3, 4, 99]; // 99 never has rows

const withPg = <T,>(work: (client: pg.Client) => Promise<T>): Promise<T> => withPgAt(db.url, work);

/** Balance per account at `at` (all rows when absent), in integer cents, by plain SQL. */
async function referenceCents(at?: Date): Promise<Map<number, bigint>> {
  const rows = await withPg(async (client) =>
    (
      await client.query<{ account: number; cents: string | null }>(
        `SELECT a AS account, (SELECT SUM(amount * 100) FROM "Transaction" WHERE "accountId" = a AND ($2::timestamptz IS NULL OR "createdAt" <= $2))::bigint::text AS cents
         FROM unnest($1::int[]) AS a`,
        [ACCOUNTS, at?.toISOString() ?? null],
      )
    ).rows,
  );
  return new Map(rows.map((row) => [row.account, BigInt(row.cents ?? 0)]));
}

async function libraryCents(repo: TransactionRepository, at?: Date): Promise<Map<number, bigint>> {
  const balances = at ? await repo.balanceAsOf({ partitions: ACCOUNTS, at }) : await repo.currentBalances({ partitions: ACCOUNTS });
  return new Map(balances.map((b) => [b.key, BigInt(b.balance.mul(100).toFixed())]));
}

async function checkpointCount(): Promise<number> {
  return withPg(async (client) => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM transaction_checkpoints')).rows[0]!.n));
}

const START = Date.UTC(2026, 0, 1);
/** `YYYY-MM-DD hh:mm:ss.uuuuuu+00` for `START + micros`. */
const stamp = (micros: number): string => {
  const ms = Math.floor(micros / 1000);
  return `${new Date(START + ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, '0')}+00`;
};

/** A random ledger: `count` rows over 10 days, microsecond times with ties, 10% NULL amounts. */
async function loadLedger(seed: number, count: number): Promise<void> {
  const random = seededRandom(seed);
  const rows = Array.from({ length: count }, () => {
    const micros = Math.floor(random() * 2_000) * 432_000_000 + (random() < 0.3 ? 0 : Math.floor(random() * 1000));
    return [1 + Math.floor(random() * 4), random() < 0.1 ? null : (Math.floor(random() * 200_000) - 100_000) / 100, stamp(micros)] as const;
  });
  await withPg((client) =>
    client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") SELECT * FROM unnest($1::int[], $2::numeric[], $3::timestamptz[])', [
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
    ]),
  );
}

const instant = (random: () => number) => new Date(START + Math.floor(random() * 11 * 86_400_000));

beforeEach(async () => {
  await db.truncate('Transaction', 'transaction_checkpoints');
});

describe('balances from checkpoints', () => {
  it(
    'equal plain SUMs at random instants, before and after checkpoints are written',
    seeded(async (seed) => {
      await loadLedger(seed, 600);
      const repo = new TransactionRepository(db.prisma);
      const random = seededRandom(seed + 1);
      const instants = Array.from({ length: 12 }, () => instant(random));
      const check = async () => {
        for (const at of instants) expect(await libraryCents(repo, at), `at ${at.toISOString()}`).toEqual(await referenceCents(at));
        expect(await libraryCents(repo)).toEqual(await referenceCents());
      };
      await check();
      for (const through of [instants[0]!, instants[1]!, instants[2]!]) {
        const { written } = await repo.writeCheckpoints({ through });
        expect(written).toBeGreaterThan(0);
      }
      await repo.writeCheckpoints({ through: instants[3]!, partitions: [1, 99] }); // 99: a checkpoint of 0
      expect(await checkpointCount()).toBeGreaterThanOrEqual(4);
      await check();
    }),
  );

  it(
    'stay exact after writes the library never sees: back-dated inserts, updates, moves, deletes, TRUNCATE',
    seeded(async (seed) => {
      await loadLedger(seed, 300);
      // Early rows in every account, so that each write below certainly reaches back before the checkpoints.
      await withPg((client) =>
        client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") SELECT a, 1.00, '2026-01-01 00:00:01.000001+00' FROM generate_series(1, 4) AS a, generate_series(1, 2)`),
      );
      const repo = new TransactionRepository(db.prisma);
      const random = seededRandom(seed + 2);
      const mid = new Date(START + 5 * 86_400_000);
      const late = new Date(START + 9 * 86_400_000);
      const writes = [
        `INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 12345.67, '2026-01-02 00:00:00.000001+00')`,
        `UPDATE "Transaction" SET amount = amount + 1 WHERE id = (SELECT id FROM "Transaction" WHERE "accountId" = 2 AND amount IS NOT NULL ORDER BY "createdAt", id LIMIT 1)`,
        `UPDATE "Transaction" SET "createdAt" = "createdAt" + interval '3 days' WHERE id = (SELECT id FROM "Transaction" WHERE "accountId" = 3 ORDER BY "createdAt", id LIMIT 1)`,
        `UPDATE "Transaction" SET "accountId" = 4 WHERE id = (SELECT id FROM "Transaction" WHERE "accountId" = 1 ORDER BY "createdAt", id LIMIT 1)`,
        `DELETE FROM "Transaction" WHERE id IN (SELECT id FROM "Transaction" WHERE "accountId" = 4 ORDER BY "createdAt" LIMIT 2)`,
        `INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (99, -0.01, '2026-01-01 00:00:00+00')`,
      ];
      for (const write of writes) {
        await repo.writeCheckpoints({ through: mid, partitions: ACCOUNTS }); // 99 too: a checkpoint of 0
        await repo.writeCheckpoints({ through: late });
        const before = await checkpointCount();
        await withPg((client) => client.query(write));
        expect(await checkpointCount(), write).toBeLessThan(before); // the write reached back before `mid`
        for (const at of [mid, late, instant(random), instant(random)]) {
          expect(await libraryCents(repo, at), `${write} / at ${at.toISOString()}`).toEqual(await referenceCents(at));
        }
      }
      await repo.writeCheckpoints({ through: late });
      await withPg((client) => client.query('TRUNCATE "Transaction"'));
      expect(await checkpointCount()).toBe(0);
      expect([...(await libraryCents(repo, late)).values()].every((cents) => cents === 0n)).toBe(true);
    }),
  );

  it('a write after the last checkpoint leaves it in place, and the balance adds the new row', async () => {
    await loadLedger(7, 100);
    const repo = new TransactionRepository(db.prisma);
    const through = new Date(START + 5 * 86_400_000);
    await repo.writeCheckpoints({ through });
    const stored = await checkpointCount();
    await repo.insertMany([{ accountId: 1, amount: '0.01', createdAt: new Date(through.getTime() + 1) }]);
    expect(await checkpointCount()).toBe(stored);
    const at = new Date(through.getTime() + 2);
    expect(await libraryCents(repo, at)).toEqual(await referenceCents(at));
  });
});

describe('what a balance reads', () => {
  // Rows of the ledger the statement read, from EXPLAIN ANALYZE (every scan node on "Transaction").
  async function rowsRead(at: Date): Promise<number> {
    const queries: string[] = [];
    const spy = new Proxy(db.prisma, {
      get(target, property, receiver) {
        if (property !== '$queryRaw') return Reflect.get(target, property, receiver);
        return (sql: { text: string; values: unknown[] }) =>
          withPg(async (client) => {
            queries.push(sql.text);
            const plan = (await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql.text}`, sql.values)).rows[0]!['QUERY PLAN'];
            return [{ plan }];
          });
      },
    });
    const [{ plan }] = (await (new TransactionRepository(spy as never).balanceAsOf({ partitions: [1], at }) as unknown as Promise<unknown>)) as [{ plan: unknown }];
    let read = 0;
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'Transaction') read += Number(node['Actual Rows']) * Number(node['Actual Loops']);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((plan as [{ Plan: Record<string, unknown> }])[0].Plan);
    expect(queries).toHaveLength(1);
    return read;
  }

  it('is the rows since the checkpoint, not the history: the same at 10% and at 90% of 20,000 rows', async () => {
    await withPg((client) =>
      client.query(
        `INSERT INTO "Transaction" ("accountId", amount, "createdAt") SELECT 1, (i % 1000) / 100.0, '2026-01-01'::timestamptz + i * interval '1 second' FROM generate_series(1, 20000) AS i`,
      ),
    );
    const repo = new TransactionRepository(db.prisma);
    const at = (seconds: number) => new Date(START + seconds * 1000); // row i is at second i
    const withoutCheckpoints = [await rowsRead(at(2_000)), await rowsRead(at(18_000))];
    expect(withoutCheckpoints).toEqual([2_000, 18_000]); // the whole history before `at`
    // Checkpoints every 1,000 seconds (a scheduled job would write one a day).
    for (let step = 1; step <= 20; step++) await repo.writeCheckpoints({ through: at(step * 1_000), partitions: [1] });
    const withCheckpoints = [await rowsRead(at(2_500)), await rowsRead(at(18_500))];
    expect(withCheckpoints).toEqual([500, 500]); // the rows after the checkpoint at 10% / 90% of the history
    expect(await libraryCents(repo, at(18_500))).toEqual(await referenceCents(at(18_500)));
  });
});

describe('writeCheckpoints', () => {
  it('waits for a writer in flight, so a row committed while it runs is never missed', async () => {
    await loadLedger(11, 50);
    const repo = new TransactionRepository(db.prisma);
    const through = new Date(START + 20 * 86_400_000);
    // An uncommitted back-dated row: its trigger has run (no checkpoint to delete yet) when writeCheckpoints starts.
    const writer = await holdInOpenTransaction(db.url, `INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 1000000.00, '2026-01-01 00:00:00.5+00')`);
    try {
      const pending = repo.writeCheckpoints({ through, partitions: [1] });
      await untilBlockedBy(db.prisma, writer.pid, pending);
      await writer.commit();
      await pending;
    } finally {
      await writer.close();
    }
    expect(await libraryCents(repo, through)).toEqual(await referenceCents(through));
  });

  it('gives up waiting for its lock after timeoutMs, with a LedgerError, instead of stalling every writer behind it', async () => {
    const repo = new TransactionRepository(db.prisma);
    const writer = await holdInOpenTransaction(db.url, `INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 1.00, '2026-01-01 00:00:00+00')`);
    try {
      await expect(repo.writeCheckpoints({ through: new Date(START + 86_400_000), timeoutMs: 300 })).rejects.toBeInstanceOf(LedgerError);
    } finally {
      await writer.rollback();
      await writer.close();
    }
    expect(await checkpointCount()).toBe(0);
  });

  it('a SERIALIZABLE writer whose snapshot predates a checkpoint fails (40001) instead of leaving it stale', async () => {
    await loadLedger(13, 50);
    const repo = new TransactionRepository(db.prisma);
    const through = new Date(START + 20 * 86_400_000);
    const writer = new pg.Client({ connectionString: db.url });
    writer.on('error', () => {});
    await writer.connect();
    try {
      await writer.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      await writer.query('SELECT count(*) FROM "Transaction"'); // the writer's snapshot: before the checkpoint
      await repo.writeCheckpoints({ through, partitions: [1] });
      const written = writer
        .query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 7.00, '2026-01-01 00:00:00.25+00')`)
        .then(() => writer.query('COMMIT'));
      await expect(written).rejects.toMatchObject({ code: '40001' });
    } finally {
      await writer.query('ROLLBACK').catch(() => {});
      await writer.end();
    }
    expect(await libraryCents(repo, through)).toEqual(await referenceCents(through));
    // Retried, as a serialization failure is meant to be, the write lands and the checkpoint goes.
    await withPg((client) => client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 7.00, '2026-01-01 00:00:00.25+00')`));
    expect(await libraryCents(repo, through)).toEqual(await referenceCents(through));
  });

  it('the triggers refuse REPEATABLE READ writers, whose snapshot could hide a checkpoint', async () => {
    // The repository refuses that level before any SQL (a ValidationError); any other writer meets the trigger.
    const repo = new TransactionRepository(db.prisma);
    await expect(
      repo.insertMany([{ accountId: 1, amount: '1.00', createdAt: new Date(START) }], { isolationLevel: 'RepeatableRead', retry: false }),
    ).rejects.toBeInstanceOf(ValidationError);
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const pooled = new TransactionRepository(db.prisma, { pgPool: pool });
      for (const strategy of ['copy', 'unnest', 'createMany'] as const) {
        await expect(
          pooled.insertMany([{ accountId: 1, amount: '1.00', createdAt: new Date(START) }], { isolationLevel: 'RepeatableRead', strategy }),
          strategy,
        ).rejects.toThrow(/balance checkpoints in TransactionCheckpoint/);
      }
    } finally {
      await pool.end();
    }
    const refused = withPg(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      try {
        await client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (1, 1.00, '2026-01-01 00:00:00+00')`);
      } finally {
        await client.query('ROLLBACK');
      }
    });
    await expect(refused).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(/REPEATABLE READ: its balance checkpoints could go stale/) });
    expect(await referenceCents()).toEqual(new Map(ACCOUNTS.map((a) => [a, 0n])));
  });

  it('refuses without enabled triggers, on a transaction client, and with bad options', async () => {
    const repo = new TransactionRepository(db.prisma);
    await expect(repo.writeCheckpoints({ through: new Date('nope') })).rejects.toThrow(ValidationError);
    await expect(repo.writeCheckpoints({} as never)).rejects.toThrow(/options.through: is required/);
    await expect(transaction(db.prisma, (tx) => new TransactionRepository(tx).writeCheckpoints({ through: new Date(START) }))).rejects.toThrow(
      /transaction of its own/,
    );
    for (const state of ['DISABLE TRIGGER', 'ENABLE REPLICA TRIGGER', 'ENABLE TRIGGER' /* not ALWAYS: replicated rows would pass */]) {
      await withPg((client) => client.query(`ALTER TABLE "Transaction" ${state} transaction_checkpoints_after_update`));
      try {
        await expect(repo.writeCheckpoints({ through: new Date(START) }), state).rejects.toThrow(/lacks the enabled triggers/);
        await expect(repo.writeCheckpoints({ through: new Date(START) })).rejects.toBeInstanceOf(LedgerError);
        expect(await checkpointCount()).toBe(0);
      } finally {
        await withPg((client) => client.query('ALTER TABLE "Transaction" ENABLE ALWAYS TRIGGER transaction_checkpoints_after_update'));
      }
    }
  });

  it('a row at -infinity counts, and replicated writes (session_replication_role = replica) still invalidate', async () => {
    await withPg((client) => client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (2, 100.00, '-infinity'), (2, 7.00, '2026-01-03 00:00:00+00')`));
    const repo = new TransactionRepository(db.prisma);
    const at = new Date(START + 5 * 86_400_000);
    expect(await libraryCents(repo, at)).toEqual(await referenceCents(at));
    await repo.writeCheckpoints({ through: at, partitions: [2] });
    expect(await libraryCents(repo, at)).toEqual(await referenceCents(at));
    await withPg(async (client) => {
      await client.query("SET session_replication_role = 'replica'");
      await client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (2, 1.00, '2026-01-02 00:00:00+00')`);
    });
    expect(await checkpointCount()).toBe(0);
    expect(await libraryCents(repo, at)).toEqual(await referenceCents(at));
  });

  it('checks the checkpoint model against the ledger before any SQL', () => {
    const define = (checkpoints: string) =>
      new (defineRunningTotalRepository('Transaction', { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: checkpoints as never }))(db.prisma);
    expect(() => define('SalesRecord')).toThrow(WindowSpecError);
    expect(() => define('SalesRecord')).toThrow(/needs the fields accountId, through, balance/);
    expect(() => balanceCheckpointsSql({ model: 'SalesRecord', partitionBy: 'region', orderBy: 'saleDate', amount: 'revenue', checkpoints: 'TransactionCheckpoint' })).toThrow(
      /needs the fields region, through, balance; missing region/,
    );
    expect(() => balanceCheckpointsSql({ model: 'Transaction', partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: 'Nope' as never })).toThrow(
      /Unknown model "Nope"/,
    );
  });
});

it("the repository's migration holds exactly the triggers balanceCheckpointsSql writes", () => {
  const migrations = path.resolve(import.meta.dirname, '../../prisma/migrations');
  const sql = readFileSync(path.join(migrations, '20261126014741_balance_checkpoints', 'migration.sql'), 'utf8');
  expect(sql).toContain(balanceCheckpointsSql({ model: 'Transaction', partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount', checkpoints: 'TransactionCheckpoint' }));
});
