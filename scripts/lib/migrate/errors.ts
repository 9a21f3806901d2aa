/** Thrown by the migration layer (schema-engine.ts); `cause` keeps the engine's or driver's error. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
