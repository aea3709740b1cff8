/**
 * Errors the user can act on carry a code and, where known, a location.
 * InputError and ConfigError are the user's to fix (exit 2); ExternalError means the world
 * was unavailable (exit 3); any other exception is a bug.
 */
import type { SourceLocation } from './diagnostics.ts';

export type ErrorCode =
  | 'input.invalid'
  | 'input.too-large'
  | 'input.unsupported'
  | 'input.not-found'
  | 'config.invalid'
  | 'usage.invalid'
  | 'external.unavailable'
  | 'external.denied'
  | 'internal';

export class PalisadeError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; location?: SourceLocation }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.location) {
      this.location = options.location;
    }
  }
}
export class InputError extends PalisadeError {}
export class ConfigError extends PalisadeError {}
export class UsageError extends PalisadeError {
  constructor(message: string) {
    super('usage.invalid', message);
  }
}
export class ExternalError extends PalisadeError {}
