/**
 * Diagnostics report input that could not be used (a malformed document, an oversized file,
 * an unknown field type), naming the file and place. Nothing is dropped without one.
 */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Field path inside the object, when the problem is a field. */
  readonly path?: string;
}

export interface Diagnostic {
  readonly level: 'error' | 'warning' | 'info';
  /** Stable code: 'yaml.syntax', 'json.syntax', 'input.too-large', 'manifest.invalid-field', ... */
  readonly code: string;
  /** Names the thing: 'document 3 has no "kind"'. */
  readonly message: string;
  readonly location: SourceLocation;
}

/** A partial success: every valid item, and one diagnostic for each invalid one. */
export interface Collected<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) {
      text += `:${location.column}`;
    }
  }
  if (location.path) {
    text += ` (${location.path})`;
  }
  return text;
}
