/**
 * Text-level rewriting of CEL expressions (https://github.com/google/cel-spec/blob/master/doc/langdef.md,
 * lexical structure): each bare identifier is offered to `replace`, skipping string literals
 * (single, double and triple quoted, with raw `r`/`R` prefixes that turn off escapes) and field
 * selections (`a.name`: an identifier right after `.`). Used for rule macros (threats) and for
 * `null` literals in admission policies.
 */

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Returns the text to put instead of the identifier, or undefined to keep it. */
export type IdentifierReplacer = (identifier: string) => string | undefined;

export function rewriteCelIdentifiers(expression: string, replace: IdentifierReplacer): string {
  let out = '';
  let i = 0;
  let previous = '';
  while (i < expression.length) {
    const ch = expression[i] as string;
    if (ch === '"' || ch === "'") {
      const quote = expression.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      const raw = /(?:^|[^A-Za-z0-9_])[rR]$/.test(out);
      let j = i + quote.length;
      while (j < expression.length && !expression.startsWith(quote, j)) {
        j += !raw && expression[j] === '\\' ? 2 : 1;
      }
      j = Math.min(expression.length, j + quote.length);
      out += expression.slice(i, j);
      i = j;
      previous = '"';
      continue;
    }
    IDENT.lastIndex = i;
    const match = /[A-Za-z_]/.test(ch) ? IDENT.exec(expression) : null;
    if (match) {
      const word = match[0];
      out += (previous !== '.' ? replace(word) : undefined) ?? word;
      i += word.length;
      previous = 'a';
      continue;
    }
    out += ch;
    if (!/\s/.test(ch)) {
      previous = ch;
    }
    i++;
  }
  return out;
}
