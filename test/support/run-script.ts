/** Runs one of scripts/*.ts as `npm run <name>` does (node --import tsx), capturing exit code and output. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ScriptName = 'seed' | 'report' | 'explain' | 'demo' | 'bench/bench';

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningScript {
  readonly child: ChildProcess;
  /** Resolves once stderr so far matches `pattern` (rejects if the script ends first). */
  waitForStderr(pattern: RegExp): Promise<void>;
  readonly result: Promise<ScriptResult>;
}

export function startScript(
  name: ScriptName,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  options: { readonly ownProcessGroup?: boolean } = {},
): RunningScript {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', `${name}.ts`), ...args], {
    cwd: ROOT,
    // A process group of its own: a signal to `-child.pid` reaches it and its children, as Ctrl-C at a terminal does.
    detached: options.ownProcessGroup ?? false,
    // No DATABASE_URL unless given: a test must never fall back to the developer's .data/postgres by accident.
    env: { ...process.env, DATABASE_URL: undefined, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<ScriptResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForStderr = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stderr)) return;
        child.stderr?.off('data', check);
        resolve();
      };
      child.stderr?.on('data', check);
      void result.then(() => (pattern.test(stderr) ? resolve() : reject(new Error(`script ended before ${pattern}:\n${stderr}`))));
      check();
    });
  return { child, waitForStderr, result };
}

export function runScript(
  name: ScriptName,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<ScriptResult> {
  return startScript(name, args, env).result;
}
