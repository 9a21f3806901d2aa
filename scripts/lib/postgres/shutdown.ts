/**
 * Process-wide cleanup for provisioned databases: stop them on SIGINT / SIGTERM / SIGHUP, and (for the ones that
 * can do it synchronously) on the process' 'exit' event.
 *
 * - Listeners are installed only while registered resources need them (signal listeners while one wants signal
 *   handling, the 'exit' listener while any is registered), so an idle process keeps Node's default behaviour.
 * - Nothing here keeps the process alive: signal and 'exit' listeners hold no handles.
 * - On a signal: every registered resource is stopped (bounded by a timeout), then the process exits with the
 *   conventional code 128 + signal number (SIGINT → 130, SIGTERM → 143, SIGHUP → 129). A second signal while that
 *   runs exits at once, after the synchronous fallback.
 */
import { constants } from 'node:os';

export interface Stoppable {
  stop(): Promise<void>;
}

interface Registration {
  resource: Stoppable;
  /** Best-effort synchronous stop, for the 'exit' event (no event loop left) and for a forced exit. */
  stopSync: (() => void) | undefined;
  /** Whether a signal stops this resource (and then exits); 'exit' always runs `stopSync`. */
  onSignals: boolean;
}

const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** How long the asynchronous stop may take after a signal before the process exits anyway. */
const SIGNAL_STOP_TIMEOUT_MS = 15_000;

const registrations = new Set<Registration>();
let signalled: HandledSignal | undefined;

/**
 * The signal the process is stopping for, once one arrived (the cleanup then ends the process with its code):
 * failures it causes in work still running (a connection the stopped server ended) are not the script's own.
 */
export function stoppingForSignal(): NodeJS.Signals | undefined {
  return signalled;
}

export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

function stopAllSync(): void {
  for (const registration of registrations) {
    try {
      registration.stopSync?.();
    } catch {
      // Best effort: the process is going away.
    }
  }
}

function onSignal(signal: HandledSignal): void {
  const code = exitCodeForSignal(signal);
  if (signalled !== undefined) {
    // Second signal while stopping: give up waiting.
    stopAllSync();
    process.exit(code);
  }
  signalled = signal;
  const targets = [...registrations].filter((r) => r.onSignals).map((r) => r.resource);
  // A ref'ed timer: keeps the event loop alive while the stops run, and bounds them.
  const timer = setTimeout(() => {
    stopAllSync();
    process.exit(code);
  }, SIGNAL_STOP_TIMEOUT_MS);
  void Promise.allSettled(targets.map((resource) => resource.stop())).then(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

const signalListeners = new Map<HandledSignal, () => void>(HANDLED_SIGNALS.map((s) => [s, () => onSignal(s)]));
let signalsInstalled = false;
let exitInstalled = false;

/** Installs exactly the listeners the current registrations need (a signal listener replaces Node's default). */
function sync(): void {
  const wantSignals = [...registrations].some((r) => r.onSignals);
  const wantExit = registrations.size > 0;
  if (wantSignals !== signalsInstalled) {
    for (const [signal, listener] of signalListeners) {
      if (wantSignals) process.on(signal, listener);
      else process.off(signal, listener);
    }
    signalsInstalled = wantSignals;
  }
  if (wantExit !== exitInstalled) {
    if (wantExit) process.on('exit', stopAllSync);
    else process.off('exit', stopAllSync);
    exitInstalled = wantExit;
  }
}

/**
 * Registers `resource` for process-wide cleanup. Returns a function that unregisters it (call it from the
 * resource's own stop()). With `onSignals: false` only `stopSync` runs, at 'exit'.
 */
export function registerForCleanup(
  resource: Stoppable,
  opts: { stopSync?: () => void; onSignals?: boolean } = {},
): () => void {
  const registration: Registration = { resource, stopSync: opts.stopSync, onSignals: opts.onSignals ?? true };
  registrations.add(registration);
  sync();
  return () => {
    registrations.delete(registration);
    sync();
  };
}

/**
 * Stops `db` when the process receives SIGINT, SIGTERM or SIGHUP, then exits with 128 + the signal number
 * (130 for SIGINT). `provisionPostgres()` does this by default; use this for other resources, or after
 * `provisionPostgres({ handleSignals: false })`. Returns a function that removes the handling again.
 */
export function stopOnSignals(db: Stoppable): () => void {
  return registerForCleanup(db);
}
