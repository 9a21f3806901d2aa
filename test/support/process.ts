/** Child processes for tests that run commands as a user would (README commands, a consumer app). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessOptions {
  /** Working directory; default the repository root. */
  readonly cwd?: string;
  /** Added to (or, as `undefined`, removed from) this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

// Two cores run these next to PostgreSQL (and, in a full run, next to other test files): a few at a time.
const MAX_PROCESSES = 3;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs a command to completion (killed after `timeoutMs`), capturing its exit code and output. */
export async function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const { cwd = ROOT, env = {}, timeoutMs = 90_000 } = options;
  if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<ProcessResult>((resolve, reject) => {
      const child = spawn(command, [...args], {
        cwd,
        env: Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...env }).filter(([, v]) => v !== undefined)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        stderr += `\n[test] ${command} killed after ${timeoutMs} ms`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export const describeRun = (result: ProcessResult): string =>
  `exit code ${result.code}\n--- stdout ---\n${result.stdout.trimEnd()}\n--- stderr ---\n${result.stderr.trimEnd()}`;

/** Throws with the command's output when it did not exit with `code`. */
export function expectExit(result: ProcessResult, code: number, what: string): void {
  if (result.code !== code) throw new Error(`${what}: expected exit code ${code}\n${describeRun(result)}`);
}
