/**
 * A small JSON reader (RFC 8259, https://www.rfc-editor.org/rfc/rfc8259) that keeps the line of
 * every value and object key, for the .NET analyzers (`*.deps.json`, `packages.lock.json`): their
 * diagnostics and package locations name a line, which `JSON.parse` does not give.
 *
 * It never throws: a syntax error comes back as `{ ok: false, line, column, message }`.
 * Nesting is bounded (MAX_DEPTH) so a hostile file cannot overflow the stack.
 */

export type JsonNode =
  | { readonly kind: 'object'; readonly line: number; readonly entries: readonly JsonEntry[] }
  | { readonly kind: 'array'; readonly line: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly line: number; readonly value: string }
  | { readonly kind: 'number'; readonly line: number; readonly value: number }
  | { readonly kind: 'boolean'; readonly line: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly line: number };

export interface JsonEntry {
  readonly key: string;
  /** Line of the key. */
  readonly line: number;
  readonly value: JsonNode;
}

export type JsonParseResult =
  | { readonly ok: true; readonly value: JsonNode }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

const MAX_DEPTH = 256;

class JsonSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Parses `text` (a leading byte-order mark is allowed, as .NET tools may write one). */
export function parseJsonWithLines(text: string): JsonParseResult {
  const parser = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  try {
    parser.skipSpace();
    const value = parser.value(0);
    parser.skipSpace();
    if (parser.pos < parser.text.length) {
      throw new JsonSyntaxError('unexpected data after the JSON value', parser.pos);
    }
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const { line, column } = positionOf(parser.text, error.offset);
      return { ok: false, line, column, message: error.message };
    }
    throw error;
  }
}

/** The entry of an object node with this key (the last one, as JSON.parse keeps). */
export function member(node: JsonNode | undefined, key: string): JsonEntry | undefined {
  if (node?.kind !== 'object') {
    return undefined;
  }
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const entry = node.entries[i]!;
    if (entry.key === key) {
      return entry;
    }
  }
  return undefined;
}

/** The string value of an object member, when it is a string. */
export function stringMember(node: JsonNode | undefined, key: string): string | undefined {
  const value = member(node, key)?.value;
  return value?.kind === 'string' ? value.value : undefined;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class Parser {
  readonly text: string;
  pos = 0;
  line = 1;

  constructor(text: string) {
    this.text = text;
  }

  skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
      } else if (c !== 32 && c !== 9 && c !== 13) {
        return;
      }
      this.pos++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) {
      throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.pos);
    }
    const c = this.text[this.pos];
    const line = this.line;
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { kind: 'string', line, value: this.string() };
      case 't':
        this.literal('true');
        return { kind: 'boolean', line, value: true };
      case 'f':
        this.literal('false');
        return { kind: 'boolean', line, value: false };
      case 'n':
        this.literal('null');
        return { kind: 'null', line };
      case undefined:
        throw new JsonSyntaxError('unexpected end of input', this.pos);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) {
          return { kind: 'number', line, value: this.number() };
        }
        throw new JsonSyntaxError(`unexpected character ${JSON.stringify(c)}`, this.pos);
    }
  }

  private object(depth: number): JsonNode {
    const line = this.line;
    this.pos++; // {
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', line, entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') {
        throw new JsonSyntaxError(
          this.pos >= this.text.length ? 'unexpected end of input' : 'expected a key string',
          this.pos,
        );
      }
      const keyLine = this.line;
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') {
        throw new JsonSyntaxError(`expected ':' after key ${JSON.stringify(key)}`, this.pos);
      }
      this.pos++;
      this.skipSpace();
      entries.push({ key, line: keyLine, value: this.value(depth + 1) });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
      } else if (next === '}') {
        this.pos++;
        return { kind: 'object', line, entries };
      } else {
        throw new JsonSyntaxError(next === undefined ? 'unexpected end of input' : "expected ',' or '}'", this.pos);
      }
    }
  }

  private array(depth: number): JsonNode {
    const line = this.line;
    this.pos++; // [
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', line, items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
      } else if (next === ']') {
        this.pos++;
        return { kind: 'array', line, items };
      } else {
        throw new JsonSyntaxError(next === undefined ? 'unexpected end of input' : "expected ',' or ']'", this.pos);
      }
    }
  }

  private string(): string {
    const start = this.pos;
    const text = this.text;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      if (i >= text.length) {
        throw new JsonSyntaxError('unterminated string', start);
      }
      const c = text.charCodeAt(i);
      if (c === 34) {
        break;
      }
      if (c < 0x20) {
        throw new JsonSyntaxError('control character in string', i);
      }
      if (c === 92) {
        escaped = true;
        i++;
      }
      i++;
    }
    this.pos = i + 1;
    const raw = text.slice(start, i + 1);
    if (!escaped) {
      return raw.slice(1, -1);
    }
    try {
      return JSON.parse(raw) as string;
    } catch {
      throw new JsonSyntaxError('invalid escape in string', start);
    }
  }

  private number(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match) {
      throw new JsonSyntaxError('invalid number', this.pos);
    }
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return;
    }
    throw new JsonSyntaxError(`unexpected token, expected ${word}`, this.pos);
  }
}
