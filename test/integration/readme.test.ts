/**
 * README.md cannot lie: every fenced code block in it is run or checked here. A block that is neither run nor
 * checked, nor exempted with a written reason, fails this file.
 *
 * How a block is treated — by its info string, and by an annotation: an HTML comment on the line above its fence
 * (blank lines between are fine), invisible on GitHub, `<!-- doc-test: ... -->`.
 *
 * - ```ts: a complete program, as a new user would paste it. It is saved as if in the repository root (in a run
 *   folder under test/.readme-blocks/, next to `src` and `prisma` symlinks, so `./src/index.ts` and
 *   `./prisma/app/index.ts` resolve exactly as written:
 *   nothing in the block is rewritten), type-checked with the project's tsconfig and TypeScript, and run with
 *   `node --import tsx` with DATABASE_URL set to a fresh clone of the migrated template database — the only prelude,
 *   and README says so. It must exit 0 without writing to stderr.
 * - ```prisma: each model must equal the model of the same name in prisma/schema.prisma (comments and alignment
 *   aside).
 * - ```sh: every command (one per line, `a && b` counts as two) must have an entry in COMMANDS below: either it is
 *   run, or it is exempt with a reason and checked as far as possible without running it. A command without an
 *   entry fails, and so does an entry whose command no longer appears in README.
 * - Any other block (```text, ```sql, a bare fence) needs one of these annotations:
 *   - `output of the ts block above`: the nearest ts block above prints exactly this;
 *   - `output of <command>`: the command (one of README's shell commands) prints this on stdout; rates, durations,
 *     buffer counts and which server answered are normalised first (see normalizeVolatile for why);
 *     in both, a line that is only `...` stands for any number of lines;
 *   - `sql of the ts block above`: one line that block prints is this SQL (whitespace aside; `...` = any text);
 *   - `usage of npm run <script>`: every `--option` and every `a|b` choice shown appears in the script's --help;
 *   - `layout`: every folder and file named exists;
 *   - `excerpt of <file>` (also on ts and prisma blocks): the block's lines appear, in order, in that file of the
 *     consumer app (test/fixtures/consumer-app), which consumer-app.test.ts installs, compiles and runs, or of the
 *     distributed schema (prisma/citus/), which the citus project migrates and runs against;
 *   - `exempt: <reason>`: not checked, and the reason says why.
 *
 * The top commands `npm ci && npm run demo` and `npm test` are special: `npm run demo` runs (without DATABASE_URL,
 * as on a fresh machine), while `npm ci` and `npm test` cannot run from inside the test suite they install and
 * start; their COMMANDS entries say so and check what .ci/run and package.json make of them instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDatabase, dropDatabase, withDatabaseName } from '../../scripts/lib/postgres/databases.ts';
import { describeRun, expectExit, runProcess, type ProcessResult } from '../support/process.ts';
import { parseBenchArgs } from '../../scripts/bench/args.ts';
import {
  compareOutput,
  compareSqlLine,
  layoutProblems,
  moduleGraph,
  normalizeVolatile,
  parseAnnotation,
  parseReadme,
  excerptProblems,
  prismaModels,
  shellCommands,
  type Annotation,
  type ReadmeBlock,
} from '../support/readme-blocks.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const PACKAGE = JSON.parse(read('package.json')) as {
  name: string;
  version: string;
  files: string[];
  peerDependencies: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const blocks = parseReadme(read('README.md'));
const where = (block: ReadmeBlock) => `README.md:${block.line}`;

// ---------------------------------------------------------------------------------------------------------------
// Processes

/**
 * A README command such as `npm run report -- --region EMEA`, run as written from the repository root. npm's own
 * `> script` banner is not the program's output: loglevel silent leaves it out.
 */
function npm(command: string, env: Readonly<Record<string, string | undefined>> = {}): Promise<ProcessResult> {
  if (/['"`$\\|;<>]/.test(command)) throw new Error(`not a plain command, refusing to interpret it: ${command}`);
  const [program, ...args] = command.split(' ');
  if (program !== 'npm') throw new Error(`only npm commands are run here: ${command}`);
  return runProcess('npm', args, { env: { npm_config_loglevel: 'silent', ...env } });
}


function fail(problem: string | null): void {
  if (problem !== null) throw new Error(problem);
}

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let promise: Promise<T> | undefined;
  return () => (promise ??= fn());
};

// ---------------------------------------------------------------------------------------------------------------
// Databases: each ts block and each group of commands gets its own, so no block can lean on another's rows.

const databases: string[] = [];

async function freshDatabase(label: string, opts: { migrated?: boolean } = {}): Promise<string> {
  const name = `t_readme_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const adminUrl = inject('databaseAdminUrl');
  await createDatabase(adminUrl, name, opts.migrated === false ? {} : { template: inject('databaseTemplate') });
  databases.push(name);
  return withDatabaseName(adminUrl, name);
}

// ---------------------------------------------------------------------------------------------------------------
// TypeScript blocks

const tsBlocks = blocks.filter((block) => block.lang === 'ts');
const BLOCKS_DIR = path.join(ROOT, 'test', '.readme-blocks');
const RUN_DIR = path.join(BLOCKS_DIR, `${process.pid}-${randomBytes(3).toString('hex')}`);
const fileOf = (block: ReadmeBlock) => path.join(RUN_DIR, `readme-line-${block.line}.ts`);

const prepareBlocks = once(async () => {
  mkdirSync(RUN_DIR, { recursive: true });
  // Generated files only; git ignores the whole folder (TypeScript's include globs skip dot-folders already).
  if (!existsSync(path.join(BLOCKS_DIR, '.gitignore'))) writeFileSync(path.join(BLOCKS_DIR, '.gitignore'), '*\n!.gitignore\n');
  // Runs of crashed processes: anything older than an hour (a concurrent run's folder is younger).
  for (const entry of readdirSync(BLOCKS_DIR)) {
    const dir = path.join(BLOCKS_DIR, entry);
    if (dir !== RUN_DIR && statSync(dir).isDirectory() && Date.now() - statSync(dir).mtimeMs > 3_600_000) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The library and this repository's application of it (its models, client and repositories).
  symlinkSync(path.join(ROOT, 'src'), path.join(RUN_DIR, 'src'), 'dir');
  symlinkSync(path.join(ROOT, 'prisma'), path.join(RUN_DIR, 'prisma'), 'dir');
  for (const block of tsBlocks) writeFileSync(fileOf(block), block.code);
  writeFileSync(
    path.join(RUN_DIR, 'tsconfig.json'),
    JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }),
  );
});

/** TypeScript's errors per block file (README line numbers), plus errors that belong to no file. */
const typecheck = once(async () => {
  await prepareBlocks();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await runProcess(process.execPath, [tsc, '-p', path.join(RUN_DIR, 'tsconfig.json'), '--pretty', 'false']);
  const byFile = new Map<string, string[]>();
  const general: string[] = [];
  let diagnostics = 0;
  for (const line of result.stdout.split('\n')) {
    const located = /^(.*?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (located) {
      diagnostics++;
      const block = tsBlocks.find((b) => path.resolve(ROOT, located[1]!) === fileOf(b));
      // Errors inside src/ are not README's: `npm run typecheck` reports them.
      if (block) {
        const list = byFile.get(fileOf(block)) ?? [];
        list.push(`README.md:${block.line + Number(located[2])}:${located[3]} ${located[4]}`);
        byFile.set(fileOf(block), list);
      }
    } else if (/^error TS\d+/.test(line)) general.push(line);
  }
  // A crash rather than a verdict (no diagnostics to show for the failure).
  if (result.code !== 0 && diagnostics === 0 && general.length === 0) general.push(`tsc failed:\n${describeRun(result)}`);
  return { byFile, general };
});

const tsRuns = new Map(
  tsBlocks.map((block) => [
    block,
    once(async () => {
      await prepareBlocks();
      const url = await freshDatabase(`l${block.line}`);
      return runProcess(process.execPath, ['--import', 'tsx', fileOf(block)], { env: { DATABASE_URL: url }, timeoutMs: 60_000 });
    }),
  ]),
);

/** The nearest ts block above `block`. */
function tsBlockAbove(block: ReadmeBlock): ReadmeBlock {
  const above = tsBlocks.filter((b) => b.line < block.line).at(-1);
  if (!above) throw new Error(`${where(block)}: "the ts block above" — there is none`);
  return above;
}

async function tsOutput(block: ReadmeBlock): Promise<string> {
  const ts = tsBlockAbove(block);
  const result = await tsRuns.get(ts)!();
  expectExit(result, 0, `the ts block at ${where(ts)}`);
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------------------------
// Shell commands

type CommandSpec =
  | { readonly run: () => Promise<ProcessResult> }
  | { readonly exempt: string; readonly check: () => Promise<void> | void };

const help = new Map<string, () => Promise<string>>();
/** `npm run <script> -- --help`, once per script. */
function helpOf(script: string): Promise<string> {
  let get = help.get(script);
  if (!get) {
    get = once(async () => {
      const result = await npm(`npm run ${script} -- --help`);
      expectExit(result, 0, `npm run ${script} -- --help`);
      return result.stdout;
    });
    help.set(script, get);
  }
  return get();
}

async function expectHelpMentions(script: string, options: readonly string[]): Promise<void> {
  const text = await helpOf(script);
  for (const option of options) expect(text, `npm run ${script} -- --help should mention ${option}`).toContain(option);
}

function pinnedVersion(name: string): string | undefined {
  return PACKAGE.dependencies[name] ?? PACKAGE.devDependencies[name];
}

/** `npm install [--save-dev] a@1 b@2`: every package at the version package.json pins. */
function installedPackages(command: string): string[] {
  const specs = command.split(' ').slice(2).filter((arg) => !arg.startsWith('-'));
  return specs.map((spec) => {
    const at = spec.lastIndexOf('@');
    const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, ''];
    expect(version, `${spec}: README pins a version`).not.toBe('');
    expect(`${name}@${version}`, `${name}: README's version should be the one package.json pins and the tests run`).toBe(
      `${name}@${pinnedVersion(name)}`,
    );
    return name;
  });
}

const APP_INSTALL =
  'npm install ../prisma-window-ledger/prisma-window-ledger-0.2.0.tgz @prisma/client@7.10.0 @prisma/adapter-pg@7.10.0 pg@8.23.1';
const APP_DEV_INSTALL = 'npm install --save-dev prisma@7.10.0';
const APP_INSTALL_REASON =
  'installs into your app, not this repository; the consumer test installs the packed tarball the same way, and ' +
  'here the versions are checked against package.json and what the library loads against its dependencies';

// Commands that share the seeded data, in README order: seed, then report and explain read what it wrote.
const SEED = 'npm run seed -- --transactions 20000 --sales 20000 --accounts 1000 --regions 12 --seed 42 --reset';
const REPORT = 'npm run report -- --region EMEA --from 2026-01-01 --to 2026-03-31';
const EXPLAIN = 'npm run explain -- transactions-by-account';
const scriptsSession = once(async () => {
  const env = { DATABASE_URL: await freshDatabase('scripts') };
  const results = new Map<string, ProcessResult>();
  for (const command of [SEED, REPORT, EXPLAIN]) results.set(command, await npm(command, env));
  return results;
});
const inSession = (command: string) => async () => (await scriptsSession()).get(command)!;

const migrationFolders = (schemaDir = 'prisma') => readdirSync(path.join(ROOT, schemaDir, 'migrations')).filter((name) => /^\d{14}_/.test(name));

const COMMANDS = new Map<string, CommandSpec>([
  [
    'npm pack',
    {
      exempt:
        'the consumer test (consumer-app.test.ts) runs this very command, packing the same package through npm\'s ' +
        'lifecycle, and installs the tarball in a fresh app',
      check: () => {
        expect(PACKAGE.scripts.prepack, 'npm pack builds dist/ first, then leaves `prepare` out of the packed manifest').toBe(
          'npm run build && node scripts/pack-manifest.mjs strip',
        );
        expect(PACKAGE.scripts.postpack, 'and puts the working copy back').toBe('node scripts/pack-manifest.mjs restore');
        expect(PACKAGE.files, 'the package: built files and the changelog (npm adds README, LICENSE, package.json)').toEqual(['dist', 'CHANGELOG.md']);
        expect(read('test/integration/consumer-app.test.ts')).toContain("['pack', '--json', '--pack-destination', work], { cwd: source");
      },
    },
  ],
  [
    APP_INSTALL,
    {
      exempt: APP_INSTALL_REASON,
      check: () => {
        const [tarball, ...named] = APP_INSTALL.split(' ').slice(2);
        expect(path.basename(tarball!), 'the file `npm pack` writes').toBe(`${PACKAGE.name}-${PACKAGE.version}.tgz`);
        expect(installedPackages(`npm install ${named.join(' ')}`).sort(), 'the peer dependencies, and pg for the adapter').toEqual(
          [...Object.keys(PACKAGE.peerDependencies), 'pg'].sort(),
        );
        // What the package loads at run time is installed with it (dependencies) or by the app (peers), nothing else;
        // and src/ (what is packed) loads no module outside src/.
        const src = path.join(ROOT, 'src');
        const graphs = readdirSync(src, { recursive: true, encoding: 'utf8' })
          .filter((file) => /\.[cm]?[jt]s$/.test(file))
          .map((file) => moduleGraph(path.join(src, file)));
        const outside = graphs.flatMap((graph) => graph.files).filter((file) => path.relative(src, file).startsWith('..'));
        expect([...new Set(outside)], 'modules outside src/ that src/ loads').toEqual([]);
        const loaded = new Set(graphs.flatMap((graph) => [...graph.packages].filter(([, use]) => use.runtime).map(([name]) => name)));
        const provided = new Set([...Object.keys(PACKAGE.dependencies), ...Object.keys(PACKAGE.peerDependencies)]);
        expect([...loaded].filter((name) => !provided.has(name)), 'packages src/ loads that nobody installs').toEqual([]);
        const runtime = Object.keys(PACKAGE.dependencies).filter((name) => !name.startsWith('@types/'));
        expect(runtime.filter((name) => !loaded.has(name)), 'dependencies src/ never loads').toEqual([]);
      },
    },
  ],
  [
    APP_DEV_INSTALL,
    {
      exempt: APP_INSTALL_REASON,
      check: () => {
        expect(installedPackages(APP_DEV_INSTALL), 'the Prisma CLI, for `npx prisma generate`').toEqual(['prisma']);
        expect(read('test/integration/consumer-app.test.ts'), 'the consumer app installs the CLI the same way').toContain("['install', '--save-dev', pinned('prisma')");
      },
    },
  ],
  [
    'npm ci',
    {
      exempt:
        'reinstalls node_modules, which this very test run is loaded from; CI runs it on a fresh clone (.ci/run) ' +
        'before `npm test`, so every CI run executes it',
      check: () => {
        expect(existsSync(path.join(ROOT, 'package-lock.json')), 'npm ci installs from package-lock.json').toBe(true);
        expect(read('.ci/run')).toMatch(/^npm ci\b[^\n]*\n(?:.*\n)*npm test$/m);
      },
    },
  ],
  // As on a fresh machine: no DATABASE_URL, so the demo starts (and stops) its own PostgreSQL.
  ['npm run demo', { run: once(() => npm('npm run demo', { DATABASE_URL: undefined })) }],
  [
    'npm test',
    {
      exempt: 'runs this test suite, this file included: it cannot run itself; it is what CI runs (.ci/run)',
      check: () => {
        expect(PACKAGE.scripts.test).toBe('vitest run');
        expect(read('.ci/run')).toMatch(/^npm test$/m);
        expect(read('vitest.config.ts'), 'the integration project picks up this file').toContain("'test/integration/**/*.test.ts'");
      },
    },
  ],
  [
    'npm run generate',
    {
      exempt:
        'rewrites prisma/generated/, which the test files running next to this one import; npm ci runs the same ' +
        'script as prepare, so every install of this repository executes it',
      check: () => expect(PACKAGE.scripts.generate).toBe(PACKAGE.scripts.prepare),
    },
  ],
  [
    'npm run db:new-migration -- --name inventory_movements',
    {
      exempt:
        'already done in this repository (its output is the inventory_movements migration); run again it would ' +
        'write a migration folder whenever schema.prisma drifts, and `npm run db:diff` (run below) shows there is none',
      check: async () => {
        expect(migrationFolders().some((name) => name.endsWith('_inventory_movements'))).toBe(true);
        await expectHelpMentions('db:new-migration', ['--name']);
      },
    },
  ],
  ['npm run seed -- --transactions 20000 --sales 20000 --accounts 1000 --regions 12 --seed 42 --reset', { run: inSession(SEED) }],
  ['npm run report -- --region EMEA --from 2026-01-01 --to 2026-03-31', { run: inSession(REPORT) }],
  ['npm run explain -- transactions-by-account', { run: inSession(EXPLAIN) }],
  [
    'npm run bench',
    {
      exempt: 'takes about a minute and appends its run to BENCHMARKS.md; its arguments are checked with its own parser',
      check: () => expect(parseBenchArgs([])).toMatchObject({ args: { rows: 200_000, write: true } }),
    },
  ],
  [
    'npm run bench -- --rows 10000000',
    {
      exempt: 'takes about 20 minutes on 2 cores; its arguments are checked with the script’s own parser',
      check: () => expect(parseBenchArgs(['--rows', '10000000'])).toMatchObject({ args: { rows: 10_000_000 } }),
    },
  ],
  [
    'npm run bench -- --only stream,page --no-write',
    {
      exempt: 'builds and streams a 200,000-row ledger, too slow for this file; its arguments are checked with its parser',
      check: () =>
        expect(parseBenchArgs(['--only', 'stream,page', '--no-write'])).toMatchObject({
          args: { sections: ['stream', 'page'], write: false },
        }),
    },
  ],
  [
    'npm run bench -- --only peers --rows 1000000 --rounds 5',
    {
      exempt: 'builds a 1M-row ledger and runs every client in 5 rounds of processes; its arguments are checked with its parser',
      check: () =>
        expect(parseBenchArgs(['--only', 'peers', '--rows', '1000000', '--rounds', '5'])).toMatchObject({
          args: { sections: ['peers'], rows: 1_000_000, rounds: 5 },
        }),
    },
  ],
  [
    'npm run bench:ingest -- --sizes 1,100,10000 --repeat 3',
    {
      exempt: 'takes about half a minute on 2 cores; its options are checked against its --help',
      check: () => expectHelpMentions('bench:ingest', ['--sizes', '--repeat']),
    },
  ],
  [
    'npm run bench -- --citus postgresql://postgres@127.0.0.1:6701/postgres --only citus --rows 1000000',
    {
      exempt: 'needs a running Citus cluster and takes about a minute; its arguments are checked with the script’s own parser',
      check: () =>
        expect(parseBenchArgs(['--citus', 'postgresql://postgres@127.0.0.1:6701/postgres', '--only', 'citus', '--rows', '1000000'])).toMatchObject({
          args: { citus: 'postgresql://postgres@127.0.0.1:6701/postgres', sections: [], rows: 1_000_000 },
        }),
    },
  ],
  [
    'npm run db:migrate',
    {
      // On an empty database: every migration gets applied, as on a new user's server.
      run: once(async () => npm('npm run db:migrate', { DATABASE_URL: await freshDatabase('migrate', { migrated: false }) })),
    },
  ],
  ['npm run db:diff', { run: once(async () => npm('npm run db:diff', { DATABASE_URL: await freshDatabase('diff') })) }],
  [
    'npm run db:migrate -- --schema prisma/citus/schema.prisma',
    {
      // A single PostgreSQL, as a developer of a distributed app has: the distribution step is skipped there.
      run: once(async () =>
        npm('npm run db:migrate -- --schema prisma/citus/schema.prisma', { DATABASE_URL: await freshDatabase('citus_migrate', { migrated: false }) }),
      ),
    },
  ],
  [
    '../shared/citus/cluster.sh start /tmp/citus 6701',
    {
      exempt:
        'builds Citus on the first run (~1.5 min) and starts three servers; .ci/run starts a cluster with the same ' +
        'script on free ports before `npm test`, so every CI run executes it',
      check: () => expect(read('.ci/run')).toMatch(/CITUS_URL=\$\("\$CITUS_SH" start "\$CITUS_DIR" "\$CITUS_PORT"/),
    },
  ],
  [
    'CITUS_URL=postgresql://postgres@127.0.0.1:6701/postgres CITUS_DIR=/tmp/citus npm test',
    {
      exempt: 'runs this test suite, this file included; CI runs `npm test` with CITUS_URL set to the cluster it starts',
      check: () => {
        expect(read('.ci/run')).toMatch(/^export CITUS_URL CITUS_DIR$/m);
        expect(read('vitest.config.ts'), 'the citus project').toContain("include: ['test/citus/**/*.test.ts']");
        expect(read('test/citus/global-setup.ts'), 'the citus project reads CITUS_URL').toContain('process.env.CITUS_URL');
        expect(read('test/citus/global-setup.ts'), 'and CITUS_DIR').toContain('process.env.CITUS_DIR');
      },
    },
  ],
  [
    'npm run db:new-migration -- --name add_x',
    {
      exempt:
        'a template for a schema change: it writes a migration folder when schema.prisma has changed and refuses ' +
        'otherwise; `npm run db:diff` (run) shows what it would write here — nothing',
      check: () => expectHelpMentions('db:new-migration', ['--name']),
    },
  ],
]);

/** What a run command must show beyond its exit code. */
async function checkCommandResult(command: string, result: ProcessResult): Promise<void> {
  expectExit(result, 0, command);
  if (command === 'npm run db:migrate') {
    expect(result.stderr).toContain(`Applied ${migrationFolders().length} migration(s)`);
  }
  if (command === 'npm run db:migrate -- --schema prisma/citus/schema.prisma') {
    expect(result.stderr).toContain(`Applied ${migrationFolders('prisma/citus').length} migration(s)`);
    expect(result.stderr).toContain('20261126000100_distribute_tables');
  }
  if (command === 'npm run db:diff') {
    expect(result.stdout, 'README: prints nothing when the migrations match schema.prisma').toBe('');
    expect(result.stderr).toContain('No difference');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Classification: how each block is checked, decided before anything runs.

const shellCommandsInReadme = blocks.filter((b) => b.lang === 'sh').flatMap((b) => shellCommands(b.code));

function annotationOf(block: ReadmeBlock): Annotation | undefined {
  return block.annotation === undefined ? undefined : parseAnnotation(block.annotation);
}

/** Commands this file runs (not exempt), for beforeAll to start early. */
const COMMANDS_TO_RUN: Array<[string, () => Promise<ProcessResult>]> = [...COMMANDS]
  .filter(([command]) => shellCommandsInReadme.includes(command))
  .flatMap(([command, spec]) => ('run' in spec ? [[command, spec.run] as [string, () => Promise<ProcessResult>]] : []));

describe('README.md', () => {
  beforeAll(() => {
    // Start the slow work at once; each test below awaits its part. Failures surface in those tests.
    const usages = blocks.map(safeAnnotation).flatMap((a) => (a?.kind === 'usage' ? [a.command.replace(/^npm run /, '')] : []));
    const tasks: Array<() => Promise<unknown>> = [
      ...COMMANDS_TO_RUN.map(([, run]) => run), // the demo and the scripts session first: the longest chains
      typecheck,
      ...tsRuns.values(),
      ...[...usages, 'db:new-migration', 'bench:ingest'].map((script) => () => helpOf(script)),
    ];
    for (const task of tasks) void task().catch(() => {});
  });

  afterAll(async () => {
    rmSync(RUN_DIR, { recursive: true, force: true });
    for (const name of databases) await dropDatabase(inject('databaseAdminUrl'), name);
  });

  it('every block is run, checked, or exempted with a reason', () => {
    const problems: string[] = [];
    for (const block of blocks) {
      try {
        const annotation = annotationOf(block);
        if (block.lang === 'ts' || block.lang === 'prisma' || block.lang === 'sh') {
          if (annotation && annotation.kind !== 'exempt' && annotation.kind !== 'excerpt') {
            problems.push(`${where(block)}: a ${block.lang} block takes no annotation but exempt or excerpt`);
          }
        } else if (!annotation) {
          problems.push(`${where(block)}: a ${block.lang || 'bare'} block needs a doc-test annotation (see readme.test.ts)`);
        }
        if (annotation?.kind === 'output' && annotation.of === 'command' && !shellCommandsInReadme.includes(annotation.command)) {
          problems.push(`${where(block)}: "${annotation.command}" is not one of README's shell commands`);
        }
      } catch (error) {
        problems.push(`${where(block)}: ${(error as Error).message}`);
      }
    }
    for (const command of shellCommandsInReadme) {
      if (!COMMANDS.has(command)) problems.push(`no COMMANDS entry (run, or exempt with a reason): ${command}`);
    }
    for (const command of COMMANDS.keys()) {
      if (!shellCommandsInReadme.includes(command)) problems.push(`COMMANDS entry no longer in README: ${command}`);
    }
    expect(problems).toEqual([]);
  });

  for (const block of blocks) {
    const annotation = safeAnnotation(block);
    const title = `${where(block)} ${block.lang || 'block'} (${block.heading})`;
    // An exempt block runs nothing: its written reason (checked when the annotation is parsed) stands in the README
    // beside it, and the classification test above fails on a block that is neither run, checked nor exempted.
    if (annotation?.kind === 'exempt') continue;

    if (annotation?.kind === 'excerpt') {
      // Code of another application (the consumer app): shown as it is written there, where
      // test/integration/consumer-app.test.ts installs the packed library, compiles it and runs it.
      it(`${title} is an excerpt of ${annotation.file}, which the consumer or citus tests run`, () => {
        expect(
          annotation.file.startsWith('test/fixtures/consumer-app/') || annotation.file.startsWith('prisma/citus/'),
          'excerpts come from the consumer app or the distributed schema',
        ).toBe(true);
        expect(excerptProblems(block.code, read(annotation.file))).toEqual([]);
      });
    } else if (block.lang === 'ts') {
      it(`${title} type-checks and runs`, { timeout: 120_000 }, async () => {
        const [{ byFile, general }, result] = await Promise.all([typecheck(), tsRuns.get(block)!()]);
        expect([...general, ...(byFile.get(fileOf(block)) ?? [])], 'TypeScript errors').toEqual([]);
        expectExit(result, 0, title);
        expect(result.stderr, `${title} writes nothing to stderr`).toBe('');
      });
    } else if (block.lang === 'prisma') {
      it(`${title} equals prisma/schema.prisma`, () => {
        const schema = prismaModels(read('prisma/schema.prisma'));
        const shown = prismaModels(block.code);
        expect(shown.size, 'the block shows at least one model').toBeGreaterThan(0);
        for (const [name, lines] of shown) expect(lines, `model ${name}`).toEqual(schema.get(name));
      });
    } else if (block.lang === 'sh') {
      for (const command of shellCommands(block.code)) {
        const spec = COMMANDS.get(command);
        if (!spec) continue; // reported by the classification test
        if ('exempt' in spec) {
          it(`${where(block)} $ ${command} — exempt: ${spec.exempt}`, { timeout: 60_000 }, async () => {
            await spec.check();
          });
        } else {
          it(`${where(block)} $ ${command}`, { timeout: 120_000 }, async () => {
            await checkCommandResult(command, await spec.run());
          });
        }
      }
    } else if (annotation?.kind === 'output') {
      it(`${title} is the real output of ${annotation.of === 'command' ? annotation.command : 'the ts block above'}`, { timeout: 120_000 }, async () => {
        if (annotation.of === 'ts-above') {
          fail(compareOutput(block.code, await tsOutput(block)));
        } else {
          const spec = COMMANDS.get(annotation.command);
          if (!spec || !('run' in spec)) throw new Error(`${annotation.command} is not run by this file, so its output cannot be compared`);
          const result = await spec.run();
          expectExit(result, 0, annotation.command);
          fail(compareOutput(normalizeVolatile(block.code), normalizeVolatile(result.stdout)));
        }
      });
    } else if (annotation?.kind === 'sql') {
      it(`${title} is the SQL the ts block above prints`, { timeout: 120_000 }, async () => {
        fail(compareSqlLine(block.code, await tsOutput(block)));
      });
    } else if (annotation?.kind === 'usage') {
      it(`${title} matches ${annotation.command} -- --help`, { timeout: 60_000 }, async () => {
        expect(block.code.trim().startsWith(`${annotation.command} --`), `the usage line starts with "${annotation.command} --"`).toBe(true);
        const options = block.code.match(/--[a-z][a-z-]*/g) ?? [];
        const choices = (block.code.match(/[a-z][a-z-]*(?:\|[a-z][a-z-]*)+/g) ?? []).flatMap((list) => list.split('|'));
        await expectHelpMentions(annotation.command.replace(/^npm run /, ''), [...options, ...choices]);
      });
    } else if (annotation?.kind === 'layout') {
      it(`${title} names folders and files that exist`, () => {
        expect(layoutProblems(block.code, ROOT)).toEqual([]);
      });
      it(`${title} names every entry of src/ (the architecture map cannot miss a folder)`, () => {
        const named = new Set(block.code.replace(/\([^)]*\)/g, '').split(/[\s,]+/).filter(Boolean));
        const missing = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
          .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
          .filter((entry) => !named.has(entry));
        expect(missing).toEqual([]);
      });
    }
  }
});

/** The annotation, or undefined when there is none or it does not parse (the classification test reports that). */
function safeAnnotation(block: ReadmeBlock): Annotation | undefined {
  if (block.annotation === undefined) return undefined;
  try {
    return parseAnnotation(block.annotation);
  } catch {
    return undefined;
  }
}
