/**
 * Reads README.md into its fenced code blocks and compares what a block shows with what really happens. Pure
 * helpers (no database, no processes): test/integration/readme.test.ts runs the blocks; its header documents the
 * annotation convention parsed here.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ReadmeBlock {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  /** First word of the info string (`ts`, `sh`, `text`, ...); '' for a bare fence. */
  readonly lang: string;
  /** The block's text, without the fences and without the fence's indentation (blocks inside list items). */
  readonly code: string;
  /** Text of a `<!-- doc-test: ... -->` comment on the line directly above the fence (blank lines allowed). */
  readonly annotation?: string;
  /** The nearest heading above the block, for messages. */
  readonly heading: string;
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const ANNOTATION = /^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$/;

/** Fenced blocks of a Markdown document, in order. Throws on an unclosed fence or a stray annotation. */
export function parseReadme(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let heading = '(top)';
  let pending: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const annotation = ANNOTATION.exec(line);
    if (annotation) {
      if (pending) throw new Error(`README.md:${pending.line}: doc-test annotation is not followed by a code block`);
      pending = { text: annotation[1]!, line: i + 1 };
      continue;
    }
    if (/^#{1,6}\s/.test(line)) heading = line.replace(/^#+\s*/, '');
    const open = FENCE.exec(line);
    if (!open) {
      if (pending && line.trim() !== '') {
        throw new Error(`README.md:${pending.line}: doc-test annotation is not followed by a code block`);
      }
      continue;
    }
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let end = i + 1;
    for (; end < lines.length; end++) {
      const candidate = lines[end]!;
      if (candidate.trim().startsWith(fence[0]!.repeat(fence.length)) && candidate.trim().replace(/[`~]/g, '') === '') break;
      body.push(candidate.startsWith(indent) ? candidate.slice(indent.length) : candidate.trimStart());
    }
    if (end >= lines.length) throw new Error(`README.md:${i + 1}: code block is never closed`);
    blocks.push({ line: i + 1, lang, code: `${body.join('\n')}\n`, heading, ...(pending && { annotation: pending.text }) });
    pending = undefined;
    i = end;
  }
  if (pending) throw new Error(`README.md:${pending.line}: doc-test annotation is not followed by a code block`);
  return blocks;
}

export type Annotation =
  | { readonly kind: 'output'; readonly of: 'ts-above' }
  | { readonly kind: 'output'; readonly of: 'command'; readonly command: string }
  | { readonly kind: 'sql'; readonly of: 'ts-above' }
  | { readonly kind: 'usage'; readonly command: string }
  | { readonly kind: 'layout' }
  | { readonly kind: 'excerpt'; readonly file: string }
  | { readonly kind: 'exempt'; readonly reason: string };

/** The annotation grammar (see the header of readme.test.ts); throws on anything else. */
export function parseAnnotation(text: string): Annotation {
  if (text === 'output of the ts block above') return { kind: 'output', of: 'ts-above' };
  if (text === 'sql of the ts block above') return { kind: 'sql', of: 'ts-above' };
  if (text === 'layout') return { kind: 'layout' };
  let match = /^excerpt of ([\w./-]+)$/.exec(text);
  if (match) return { kind: 'excerpt', file: match[1]! };
  match = /^output of (npm .+)$/.exec(text);
  if (match) return { kind: 'output', of: 'command', command: normalizeCommand(match[1]!) };
  match = /^usage of (npm run \S+)$/.exec(text);
  if (match) return { kind: 'usage', command: match[1]! };
  match = /^exempt:\s*(.*)$/.exec(text);
  if (match) {
    // A reason of a few words at least: "exempt: slow" explains nothing.
    if (match[1]!.trim().split(/\s+/).length < 4) throw new Error(`exempt needs a written reason, got "${text}"`);
    return { kind: 'exempt', reason: match[1]!.trim() };
  }
  throw new Error(`unknown doc-test annotation "${text}"`);
}

/**
 * Lines of an excerpt block missing from `file` (which a test compiles and runs): every non-blank line of the
 * block must appear in the file, whitespace at the ends aside, in the block's order.
 */
export function excerptProblems(block: string, file: string): string[] {
  const lines = file.split('\n').map((line) => line.trim());
  const problems: string[] = [];
  let at = 0;
  for (const line of block.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const found = lines.indexOf(line, at);
    if (found < 0) problems.push(`not in the file (after line ${at}): ${line}`);
    else at = found + 1;
  }
  return problems;
}

export const normalizeCommand = (command: string): string => command.trim().replace(/\s+/g, ' ');

/**
 * The commands of a shell block: `# comments` dropped, `\` continuations joined, `a && b` split into two.
 * Quotes are not interpreted (the README's commands have none; the runner refuses them).
 */
export function shellCommands(code: string): string[] {
  const joined = code.replace(/\\\n/g, ' ');
  const commands: string[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    for (const part of line.split('&&')) {
      const command = normalizeCommand(part);
      if (command !== '') commands.push(command);
    }
  }
  return commands;
}

/** Lines without trailing blanks, leading and trailing empty lines dropped. */
function significantLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Whether `actual` is the output `expected` shows: line by line, where a line that is only `...` stands for any
 * number of lines (none included). The whole output must be covered. Returns null on a match, else a message.
 */
export function compareOutput(expected: string, actual: string): string | null {
  const want = significantLines(expected);
  const got = significantLines(actual);
  const memo = new Map<string, boolean>();
  const matches = (w: number, g: number): boolean => {
    const key = `${w},${g}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (w === want.length) result = g === got.length;
    else if (want[w]!.trim() === '...') result = matches(w + 1, g) || (g < got.length && matches(w, g + 1));
    else result = g < got.length && want[w] === got[g] && matches(w + 1, g + 1);
    memo.set(key, result);
    return result;
  };
  if (matches(0, 0)) return null;
  // The first expected line that occurs nowhere in the output is usually the culprit.
  const missing = want.find((line) => line.trim() !== '...' && !got.includes(line));
  return [
    missing === undefined ? 'the lines are all there, but not in this order' : `no output line equals: ${JSON.stringify(missing)}`,
    '--- expected (README) ---',
    ...want,
    '--- actual output ---',
    ...got,
  ].join('\n');
}

/**
 * Whether one line of `output` is the SQL `expected` shows: whitespace (line breaks, indentation) collapsed, and
 * `...` standing for any text.
 */
export function compareSqlLine(expected: string, output: string): string | null {
  const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
  const pattern = collapse(expected)
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*?');
  const regex = new RegExp(`^${pattern}$`);
  if (output.split('\n').some((line) => regex.test(collapse(line)))) return null;
  return ['no output line is this SQL:', collapse(expected), '--- actual output ---', output.trimEnd()].join('\n');
}

/**
 * What changes from run to run in the scripts' output, replaced on both sides before comparing:
 * - rates and durations (`27,111 rows/s`, `0.7 s`, `time=43.1 ms`): measured, never the same twice;
 * - shared-buffer counts of EXPLAIN (`hit 17,651, read 0`): depend on what the server has cached;
 * - which PostgreSQL answered: the README shows a new user's default (the embedded server in `.data/postgres`),
 *   while the tests run every script against their own database through DATABASE_URL, on whatever version the
 *   run's server is.
 */
export function normalizeVolatile(text: string): string {
  return text
    .replace(/\d[\d,]*(\.\d+)? rows\/s/g, '<n> rows/s')
    .replace(/\d[\d,]*(\.\d+)? (ms|s)\b/g, '<t> $2')
    .replace(/hit [\d,]+, read [\d,]+/g, 'hit <n>, read <n>')
    .replace(/(embedded )?PostgreSQL \d+(\.\d+)*\S* (\(\.data\/postgres\)|from DATABASE_URL)/g, 'PostgreSQL <server>');
}

/** `model Name { ... }` bodies of a Prisma schema, comments and alignment removed, by model name. */
export function prismaModels(schema: string): Map<string, string[]> {
  const models = new Map<string, string[]>();
  for (const match of schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const lines = match[2]!
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim().replace(/\s+/g, ' '))
      .filter((line) => line !== '');
    models.set(match[1]!, lines);
  }
  return models;
}

/**
 * Problems with a layout block: each line is `root/  entry, entry (comment), ...`, continuation lines are
 * indented; every entry must exist under its root (`name/` a directory; `*` globs must match something).
 */
export function layoutProblems(block: string, root: string): string[] {
  const problems: string[] = [];
  let current: string | undefined;
  for (const raw of block.split('\n')) {
    if (raw.trim() === '') continue;
    let rest = raw;
    const top = /^(\S+\/)\s+(.*)$/.exec(raw);
    if (top) {
      current = top[1]!;
      rest = top[2]!;
      if (!existsSync(path.join(root, current))) problems.push(`${current} does not exist`);
    }
    if (current === undefined) {
      problems.push(`line without a folder: ${raw}`);
      continue;
    }
    for (const entry of rest.replace(/\([^)]*\)/g, '').split(',').map((e) => e.trim()).filter(Boolean)) {
      const dir = path.join(root, current);
      const isDir = entry.endsWith('/');
      const name = isDir ? entry.slice(0, -1) : entry;
      const regex = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const found = existsSync(dir) && readdirSync(dir).some((file) => regex.test(file) && statSync(path.join(dir, file)).isDirectory() === isDir);
      if (!found) problems.push(`${current}${entry} does not exist`);
    }
  }
  return problems;
}

export interface ModuleGraph {
  /** Every local module reached from the entry (absolute paths), the entry included. */
  readonly files: string[];
  /** npm packages imported: `runtime` true when one import at least is not `import type`. */
  readonly packages: Map<string, { runtime: boolean }>;
}

/** Follows relative imports (static, re-exports, dynamic) from `entry`, collecting files and npm packages. */
export function moduleGraph(entry: string): ModuleGraph {
  const packages = new Map<string, { runtime: boolean }>();
  const seen = new Set<string>();
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(statement)) {
      const specifier = (match[2] ?? match[3])!;
      const typeOnly = match[1] !== undefined;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!existsSync(target)) throw new Error(`${file} imports ${specifier}, which does not exist`);
        visit(target);
      } else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        const known = packages.get(name);
        packages.set(name, { runtime: (known?.runtime ?? false) || !typeOnly });
      }
    }
  };
  visit(entry);
  return { files: [...seen], packages };
}
