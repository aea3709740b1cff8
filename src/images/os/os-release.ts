/**
 * Parser for os-release files (https://www.freedesktop.org/software/systemd/man/latest/os-release.html),
 * also used for the same-syntax `etc/lsb-release`.
 *
 * os-release(5): newline-separated `KEY=value` assignments, compatible with shell; lines starting
 * with `#` are comments and blank lines are ignored. Values are enclosed in double or single quotes
 * when they contain anything outside `A-Za-z0-9`; inside double quotes (and unquoted) a backslash
 * escapes `$`, `"`, `\` and the backtick, as in shell. Variable names are `[A-Z][A-Z0-9_]*`; we accept
 * lower case too (some lsb-release files) and report any line that is not an assignment.
 */
import type { Diagnostic } from '#core';

export interface ParsedOsRelease {
  readonly fields: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Parses the text of an os-release file; `file` names it in diagnostics. */
export function parseOsRelease(text: string, file: string): ParsedOsRelease {
  const fields = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      return;
    }
    const match = ASSIGNMENT.exec(line);
    const value = match ? unquote(match[2] ?? '') : undefined;
    if (!match || value === undefined) {
      diagnostics.push({
        level: 'warning',
        code: 'os-release.syntax',
        message: match ? `unterminated quote in the value of ${match[1]}` : `not a KEY=value assignment: ${line}`,
        location: { file, line: index + 1 },
      });
      return;
    }
    fields.set(match[1] ?? '', value);
  });
  return { fields, diagnostics };
}

const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '"', '\\', '`']);

/**
 * Shell-style word: a sequence of unquoted, "double-quoted" and 'single-quoted' segments.
 * Returns undefined for an unterminated quote. An unquoted `#` after whitespace starts a comment.
 */
function unquote(value: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i] as string;
    if (c === '"') {
      i++;
      let closed = false;
      while (i < value.length) {
        const d = value[i] as string;
        if (d === '\\' && i + 1 < value.length && DOUBLE_QUOTE_ESCAPABLE.has(value[i + 1] as string)) {
          out += value[i + 1];
          i += 2;
        } else if (d === '"') {
          closed = true;
          i++;
          break;
        } else {
          out += d;
          i++;
        }
      }
      if (!closed) {
        return undefined;
      }
    } else if (c === "'") {
      const end = value.indexOf("'", i + 1);
      if (end < 0) {
        return undefined;
      }
      out += value.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\' && i + 1 < value.length) {
      out += value[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      // Unquoted whitespace ends the word; only a trailing comment may follow.
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
