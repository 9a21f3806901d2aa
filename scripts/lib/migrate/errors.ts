/** Thrown by the migration layer (schema-engine.ts); `cause` keeps the engine's or driver's error. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Best-effort readable text for whatever the wasm engine, the driver adapter or pg threw. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
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
