/**
 * Argument parsing for every script: `node:util` parseArgs (strict) plus value checks with clear messages.
 * Parsing is pure — it returns the arguments or the help text, or throws UsageError — so tests call a script's
 * parser without spawning a process, and no database is touched before the arguments are known to be good.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments: the script exits 2 (see run.ts). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>;

/** What a script's parse function returns: the help text to print, or validated arguments. */
export type ParseResult<Args> = { readonly help: string } | { readonly args: Args };
export type Parser<Args> = (argv: readonly string[]) => ParseResult<Args>;

/** `parseArgs` (strict) plus `-h/--help`; returns null when help was asked for. Unknown options → UsageError. */
export function parseArgv<const O extends Options>(
  argv: readonly string[],
  options: O,
  { positionals = 0 }: { positionals?: number } = {},
): Parsed<O> | null {
  // --help wins over everything else on the line, including mistakes next to it.
  const beforeTerminator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeTerminator.some((arg) => arg === '--help' || arg === '-h')) return null;
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: withNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }) as Parsed<O>;
  } catch (error) {
    throw new UsageError(usageMessage(error));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`);
  }
  return parsed;
}

/**
 * `--rows -5` as `--rows=-5`: parseArgs takes a value that starts with a dash for another option ("argument is
 * ambiguous"), where the script's own check of the number says what is wrong with it.
 */
function withNegativeValues(argv: readonly string[], options: Options): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${arg}=${next}`);
      i += 1;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/**
 * parseArgs' message, said for an `npm run` user: its advice for an unknown option (put it after `--`) does not
 * work there, since npm takes the first `--` for itself.
 */
function usageMessage(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (option !== undefined) return `unknown option ${option}`;
  }
  return message.split('\n')[0]!;
}

/** The parser of a script whose only option is `--verbose`. */
export function verboseOnly(usage: string): Parser<{ readonly verbose: boolean }> {
  return (argv) => {
    const parsed = parseArgv(argv, { verbose: { type: 'boolean' } });
    return parsed === null ? { help: usage.trim() } : { args: { verbose: parsed.values.verbose ?? false } };
  };
}

/** A whole number within [min, max]; accepts `1_000_000` and `1,000,000` spellings. */
export function intArg(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const digits = value.replace(/[_,]/g, '');
  if (!/^-?\d+$/.test(digits)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}, got ${value}`);
  }
  return n;
}

/** A calendar day `YYYY-MM-DD` as midnight UTC; rejects impossible dates like 2026-02-30, and year 0000. */
export function dayArg(name: string, value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(`${value}T00:00:00Z`);
  if (!match || match[1] === '0000' || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--${name} must be a date like 2026-01-31, got ${JSON.stringify(value)}`);
  }
  return date;
}

export function choiceArg<const C extends string>(name: string, value: string | undefined, choices: readonly C[], fallback: C): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as C;
}

/** Repeatable and/or comma-separated values (`--region EMEA --region APAC` or `--region EMEA,APAC`), trimmed, unique. */
export function listArg(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values.flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item !== '');
  return items.length === 0 ? undefined : [...new Set(items)];
}

/** `--from`/`--to` as inclusive days → the repositories' `[from, to)` with `to` = the day after, midnight UTC. */
export function dayRangeArgs(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const start = from === undefined ? undefined : dayArg('from', from);
  const last = to === undefined ? undefined : dayArg('to', to);
  if (start && last && start > last) throw new UsageError(`--from ${from} is after --to ${to}`);
  return {
    ...(start && { from: start }),
    ...(last && { to: new Date(last.getTime() + 86_400_000) }),
  };
}
