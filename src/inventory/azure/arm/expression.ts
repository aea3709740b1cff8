/**
 * Tokenizer and parser of ARM template expressions.
 *
 * A JSON string value is an expression when it starts with `[` and ends with `]`; a leading `[[`
 * escapes the bracket (the value is the literal string without its first `[`). Inside the brackets:
 * function calls `name(arg, ...)` (names case-insensitive, user-defined functions as
 * `namespace.member(...)`), string literals in single quotes with `''` for a quote, integer
 * literals (optionally negative), and `.property` / `[index]` accessors chained after a call.
 * Source: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions
 *
 * Every node carries its `start`/`end` offsets in the parsed text, so that a value that cannot be
 * evaluated offline can name the exact sub-expression (`uniqueString(resourceGroup().id)`).
 * Parsing never throws: errors come back as `{ ok: false, error, offset }`.
 */

export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface IntNode {
  readonly kind: 'int';
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

export interface CallNode {
  readonly kind: 'call';
  /** Function name as written (`concat`, `resourceGroup`); for user functions the member name. */
  readonly name: string;
  /** Namespace of a user-defined function (`contoso` in `contoso.uniqueName(...)`). */
  readonly namespace?: string;
  readonly args: readonly ExprNode[];
  readonly start: number;
  readonly end: number;
}

export interface PropertyNode {
  readonly kind: 'property';
  readonly target: ExprNode;
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface IndexNode {
  readonly kind: 'index';
  readonly target: ExprNode;
  readonly index: ExprNode;
  readonly start: number;
  readonly end: number;
}

export type ExprNode = StringNode | IntNode | CallNode | PropertyNode | IndexNode;

export type ParseResult =
  | { readonly ok: true; readonly node: ExprNode; readonly source: string }
  | { readonly ok: false; readonly error: string; readonly offset: number };

/** How a JSON string value of a template is read. */
export type TemplateString =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'expression'; readonly source: string };

/** Nesting bound: deeper expressions are rejected rather than risking the stack. */
export const MAX_EXPRESSION_DEPTH = 64;

/** Classify a JSON string value: an expression `[...]`, an escaped literal `[[...]`, or plain text. */
export function classifyString(value: string): TemplateString {
  if (value.length >= 2 && value.startsWith('[') && value.endsWith(']')) {
    if (value.startsWith('[[')) return { kind: 'literal', value: value.slice(1) };
    return { kind: 'expression', source: value };
  }
  return { kind: 'literal', value };
}

/** True when a JSON string value is a template expression. */
export function isExpression(value: string): boolean {
  return classifyString(value).kind === 'expression';
}

/**
 * Parse a template string `[...]` (brackets included) or a bare expression (`concat('a', 'b')`).
 * Offsets of nodes and errors are positions in `source`.
 */
export function parseExpression(source: string): ParseResult {
  let from = 0;
  let to = source.length;
  if (source.startsWith('[') && source.endsWith(']') && source.length >= 2) {
    from = 1;
    to = source.length - 1;
  }
  try {
    const parser = new Parser(source, from, to);
    const node = parser.parseRoot();
    return { ok: true, node, source };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, error: error.message, offset: error.offset };
    if (error instanceof RangeError) return { ok: false, error: 'expression is too complex to parse', offset: from };
    return { ok: false, error: `cannot parse expression: ${String(error)}`, offset: from };
  }
}

/** The text of a node in its source. */
export function nodeText(source: string, node: ExprNode): string {
  return source.slice(node.start, node.end);
}

class SyntaxFailure extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.offset = offset;
  }
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

class Parser {
  private readonly text: string;
  private readonly end: number;
  private pos: number;
  private depth = 0;

  constructor(text: string, from: number, to: number) {
    this.text = text;
    this.pos = from;
    this.end = to;
  }

  parseRoot(): ExprNode {
    this.skipSpace();
    if (this.pos >= this.end) throw new SyntaxFailure('empty expression', this.pos);
    const node = this.parseValue();
    this.skipSpace();
    if (this.pos < this.end) {
      throw new SyntaxFailure(`unexpected '${this.text[this.pos]}' after the end of the expression`, this.pos);
    }
    return node;
  }

  private parseValue(): ExprNode {
    this.depth++;
    if (this.depth > MAX_EXPRESSION_DEPTH) {
      throw new SyntaxFailure(`expression nested deeper than ${MAX_EXPRESSION_DEPTH} levels`, this.pos);
    }
    this.skipSpace();
    const c = this.peek();
    let node: ExprNode;
    if (c === "'") node = this.parseString();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) node = this.parseInt();
    else if (c !== undefined && IDENT_START.test(c)) node = this.parseCall();
    else if (c === undefined) throw new SyntaxFailure('unexpected end of expression', this.pos);
    else throw new SyntaxFailure(`unexpected '${c}'`, this.pos);
    node = this.parseAccessors(node);
    this.depth--;
    return node;
  }

  private parseString(): StringNode {
    const start = this.pos;
    this.pos++; // opening quote
    let value = '';
    for (;;) {
      if (this.pos >= this.end) throw new SyntaxFailure('unterminated string literal', start);
      const next = this.text.indexOf("'", this.pos);
      if (next < 0 || next >= this.end) throw new SyntaxFailure('unterminated string literal', start);
      value += this.text.slice(this.pos, next);
      if (this.text[next + 1] === "'" && next + 1 < this.end) {
        value += "'";
        this.pos = next + 2;
        continue;
      }
      this.pos = next + 1;
      return { kind: 'string', value, start, end: this.pos };
    }
  }

  private parseInt(): IntNode {
    const start = this.pos;
    if (this.peek() === '-') this.pos++;
    const digitsStart = this.pos;
    while (this.pos < this.end && this.text[this.pos]! >= '0' && this.text[this.pos]! <= '9') this.pos++;
    if (this.pos === digitsStart) throw new SyntaxFailure("expected digits after '-'", start);
    const c = this.peek();
    if (c !== undefined && (IDENT_PART.test(c) || c === '.')) {
      throw new SyntaxFailure(`invalid number literal (only integers are allowed)`, start);
    }
    const value = Number(this.text.slice(start, this.pos));
    if (!Number.isSafeInteger(value)) throw new SyntaxFailure('integer literal out of range', start);
    return { kind: 'int', value, start, end: this.pos };
  }

  private identifier(): string {
    const start = this.pos;
    if (this.pos >= this.end || !IDENT_START.test(this.text[this.pos]!)) {
      throw new SyntaxFailure('expected a name', this.pos);
    }
    this.pos++;
    while (this.pos < this.end && IDENT_PART.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private parseCall(): CallNode {
    const start = this.pos;
    let name = this.identifier();
    let namespace: string | undefined;
    this.skipSpace();
    if (this.peek() === '.') {
      // namespace.member(...) — a user-defined function.
      this.pos++;
      this.skipSpace();
      namespace = name;
      name = this.identifier();
      this.skipSpace();
    }
    if (this.peek() !== '(') {
      throw new SyntaxFailure(
        `expected '(' after function name '${namespace ? `${namespace}.` : ''}${name}'`,
        this.pos,
      );
    }
    this.pos++;
    const args: ExprNode[] = [];
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
    } else {
      for (;;) {
        args.push(this.parseValue());
        this.skipSpace();
        const c = this.peek();
        if (c === ',') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          break;
        }
        if (c === undefined) throw new SyntaxFailure(`missing ')' to close the call of '${name}'`, this.pos);
        throw new SyntaxFailure(`expected ',' or ')' in the arguments of '${name}' but found '${c}'`, this.pos);
      }
    }
    const node: CallNode = namespace
      ? { kind: 'call', name, namespace, args, start, end: this.pos }
      : { kind: 'call', name, args, start, end: this.pos };
    return node;
  }

  private parseAccessors(target: ExprNode): ExprNode {
    let node = target;
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.peek();
      if (c === '.') {
        if (node.kind !== 'call' && node.kind !== 'property' && node.kind !== 'index') {
          throw new SyntaxFailure('property access is only allowed after a function call', this.pos);
        }
        this.pos++;
        this.skipSpace();
        const name = this.identifier();
        node = { kind: 'property', target: node, name, start: node.start, end: this.pos };
        continue;
      }
      if (c === '[') {
        if (node.kind !== 'call' && node.kind !== 'property' && node.kind !== 'index') {
          throw new SyntaxFailure('index access is only allowed after a function call', this.pos);
        }
        this.pos++;
        const index = this.parseValue();
        this.skipSpace();
        if (this.peek() !== ']') throw new SyntaxFailure("expected ']' to close the index", this.pos);
        this.pos++;
        node = { kind: 'index', target: node, index, start: node.start, end: this.pos };
        continue;
      }
      this.pos = save;
      return node;
    }
  }

  private peek(): string | undefined {
    return this.pos < this.end ? this.text[this.pos] : undefined;
  }

  private skipSpace(): void {
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }
}
