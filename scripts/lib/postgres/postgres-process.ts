/**
 * Child processes for PostgreSQL's programs, started as the server's OS user (see server-user.ts).
 *
 * A program that cannot be executed at all (EACCES, ENOENT) makes Node emit 'error' on the child process, which
 * crashes the process when nobody listens: here a listener is attached at once and the failure becomes an outcome.
 */
import { ChildProcess, spawn } from 'node:child_process';

import type { ServerUser } from './server-user.ts';

export type ChildOutcome =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'spawn-failed'; readonly error: Error };

export interface StartedChild {
  /** Undefined when the program could not be started. */
  readonly child: ChildProcess | undefined;
  /** Settles once the process and its output have ended, or it could not start. Never rejects. */
  readonly outcome: Promise<ChildOutcome>;
}

export interface StartChildOptions {
  readonly user: ServerUser | undefined;
  /** stdout and stderr, as they arrive. */
  readonly onOutput?: (text: string) => void;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export function startChild(file: string, args: readonly string[], opts: StartChildOptions): StartedChild {
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // PostgreSQL's messages in English: callers look for some of them.
      env: { ...process.env, LC_MESSAGES: 'C' },
      // The caller's working directory may be out of the other user's reach.
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid, cwd: '/' } : {}),
    });
  } catch (error) {
    return { child: undefined, outcome: Promise.resolve({ kind: 'spawn-failed', error: asError(error) }) };
  }
  let spawnError: Error | undefined;
  // Also emitted when a later kill() fails; only an error before the process had a PID means it never ran.
  child.on('error', (error) => {
    if (child.pid === undefined) spawnError ??= error;
  });
  const onOutput = opts.onOutput;
  if (onOutput) for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => onOutput(chunk.toString('utf8')));
  const outcome = new Promise<ChildOutcome>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      resolve(spawnError ? { kind: 'spawn-failed', error: spawnError } : { kind: 'exited', code, signal }),
    );
  });
  return { child, outcome };
}

/** Runs a program to its end; `output` is its stdout and stderr. */
export async function runProgram(
  file: string,
  args: readonly string[],
  opts: StartChildOptions,
): Promise<{ outcome: ChildOutcome; output: string }> {
  let output = '';
  const { outcome } = startChild(file, args, {
    ...opts,
    onOutput: (text) => {
      output += text;
      opts.onOutput?.(text);
    },
  });
  return { outcome: await outcome, output };
}

export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** ref/unref the child and its pipes: unref'ed, a running server does not keep the event loop alive. */
export function setRef(child: ChildProcess, ref: boolean): void {
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    const handle = stream as unknown as { ref?: () => void; unref?: () => void } | null;
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
  if (ref) child.ref();
  else child.unref();
}

/** Sends `signal`, escalating to SIGQUIT (immediate shutdown) and SIGKILL; resolves once the process has exited. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  setRef(child, true); // keep the event loop alive until the server is gone
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const escalation = [
    setTimeout(() => child.kill('SIGQUIT'), 10_000),
    setTimeout(() => child.kill('SIGKILL'), 15_000),
  ];
  try {
    child.kill(signal);
    await exited;
  } finally {
    for (const timer of escalation) clearTimeout(timer);
  }
}
