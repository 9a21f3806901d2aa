import { ReportedError } from './postgres/errors.ts';

/** Readable text for anything thrown: the wasm schema engine, driver adapters and pg also throw plain objects. */
export function describeError(error: unknown, { stack = false }: { stack?: boolean } = {}): string {
  if (error instanceof Error) return stack && !(error instanceof ReportedError) ? (error.stack ?? error.message) : error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(error);
    } catch {
      // fall through
    }
  }
  return String(error);
}
