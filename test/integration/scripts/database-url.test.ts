// A DATABASE_URL that cannot serve: every script says what is wrong in one line (not a PostgreSQL URL, no server
// at its address, a refused login, no such database), exits 1, and prints no stack trace. The demo on a server of
// the user's leaves it running and says so.
import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../../support/database.ts';
import { runScript, type ScriptName } from '../../support/run-script.ts';

const withPassword = (url: string, password: string): string => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};
const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

describe('scripts given a DATABASE_URL that cannot serve', () => {
  const db = useTestDatabase();

  const cases: Array<[string, () => string, RegExp]> = [
    ['not a URL', () => 'not-a-url', /DATABASE_URL is not a PostgreSQL URL; expected postgresql:\/\/user:password@host:port\/database$/m],
    ['another scheme', () => 'mysql://root@127.0.0.1/shop', /DATABASE_URL starts with mysql:\/\/; expected postgresql:/m],
    ['a closed port', () => 'postgresql://postgres@127.0.0.1:1/postgres', /DATABASE_URL: PostgreSQL there is not reachable: .*ECONNREFUSED 127\.0\.0\.1:1/m],
    ['a wrong password', () => withPassword(db.url, 'wrong'), /DATABASE_URL: the server refused the login: password authentication failed/m],
    ['a missing database', () => withDatabase(db.url, 'no_such_database'), /DATABASE_URL names a database the server does not have: database "no_such_database" does not exist/m],
    // node-postgres takes a socket directory in the query string, which a WHATWG URL does not parse: it reaches
    // the connection (and fails there, as no server listens in that directory), not a "not a URL" refusal.
    ['a socket directory', () => 'postgresql://postgres@/postgres?host=/nonexistent-socket-dir', /DATABASE_URL: PostgreSQL there is not reachable: .*nonexistent-socket-dir/m],
  ];

  it.each(cases)('%s: one line naming the cause, exit 1, no stack trace', async (_, url, said) => {
    for (const script of ['demo', 'report'] as ScriptName[]) {
      const result = await runScript(script, [], { DATABASE_URL: url() });
      expect(result.stderr, script).toMatch(new RegExp(`^${script} failed: ${said.source}`, 'm'));
      expect(result.stderr, script).not.toMatch(/^\s+at /m);
      expect(result.stderr.trim().split('\n'), script).toHaveLength(1);
      expect(result.code, script).toBe(1);
    }
  });

  it("the demo on the user's own server leaves it running, and says so", async () => {
    const result = await runScript('demo', [], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Done: scratch database dropped, PostgreSQL from DATABASE_URL left running.');
  });
});
