/**
 * Decode one file's text into objects with their line numbers.
 * YAML: every document of a multi-document stream (Helm-rendered output included, with the
 * `# Source: chart/templates/x.yaml` comment Helm writes kept as `source.template`);
 * JSON: one value (`kubectl get -o json`). `kind: List` and `*List` objects are flattened into
 * their items, each keeping the line of the item itself. A broken document is one diagnostic that
 * names the file, line and column; the other documents are still decoded. Diagnostics never
 * quote the input (it may hold secrets).
 * Sources: YAML 1.2 (https://yaml.org/spec/1.2.2/), RFC 8259 (JSON), Kubernetes API concepts
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#collections).
 */

import { type Document, isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic, SourceRef } from '#core';
import { azureCollectionKey } from '../azure/export.ts';

export interface Decoded {
  readonly value: unknown;
  readonly source: SourceRef;
}

export interface DecodeResult {
  readonly objects: Decoded[];
  readonly diagnostics: Diagnostic[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `kind: List` (kubectl/oc get -o yaml|json) and typed lists (`PodList`, `DeploymentList`, ...). */
export function isListObject(value: unknown): value is { kind: string; items: unknown[] | null } {
  return (
    isRecord(value) &&
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    typeof value.apiVersion === 'string' &&
    (Array.isArray(value.items) || value.items === null)
  );
}

export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) {
      continue;
    }
    return c === 0x7b /* { */ || c === 0x5b /* [ */;
  }
  return false;
}

const YAML_FALLBACK_MAX_CHARS = 1024 * 1024;

/**
 * Decode a file's text. Never throws: every problem is a diagnostic.
 * A leading byte-order mark is ignored (editors on Windows write one).
 */
export function decode(text: string, file: string): DecodeResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!looksLikeJson(body)) {
    return decodeYaml(body, file);
  }
  const parsed = parseJson(body);
  if (!('reason' in parsed)) {
    return fromJsonValue(parsed.value, body, file);
  }
  const location = { file, ...parsed.at };
  // YAML is a superset of JSON: a flow-style YAML document (`{apiVersion: v1, kind: Pod}`) is not
  // JSON but is a valid manifest. Use the YAML reading only when it is clean, and say so. Such
  // documents are hand-written and small; a large broken JSON file is not re-read as YAML.
  if (body.length <= YAML_FALLBACK_MAX_CHARS) {
    const yaml = decodeYaml(body, file);
    if (yaml.diagnostics.length === 0 && yaml.objects.length > 0) {
      return {
        objects: yaml.objects,
        diagnostics: [
          {
            level: 'warning',
            code: 'json.read-as-yaml',
            message: `file starts like JSON but is not valid JSON (${parsed.reason}); it was read as YAML`,
            location,
          },
        ],
      };
    }
  }
  return {
    objects: [],
    diagnostics: [
      {
        level: 'error',
        code: 'json.syntax',
        message: `file is not valid JSON and was skipped: ${parsed.reason}`,
        location,
      },
    ],
  };
}

// ---------- JSON ----------

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Offset of the first JSON syntax error in `text` (RFC 8259), or -1 when it is valid.
 * Used only after JSON.parse failed, because V8's messages do not always carry a position.
 */
export function findJsonError(text: string): number {
  const n = text.length;
  let i = 0;
  const skipSpace = (): void => {
    while (i < n && isJsonSpace(text.charCodeAt(i))) {
      i++;
    }
  };
  /** Consumes a string starting at text[i] === '"'; returns false at the bad character. */
  const readString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return false;
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  /** Consumes a scalar (string, number, literal); returns false at the bad character. */
  const readScalar = (): boolean => {
    const c = text[i];
    if (c === '"') {
      return readString();
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return true;
    }
    return false;
  };
  // Explicit stack of open containers: '{' or '['.
  const stack: string[] = [];
  skipSpace();
  if (i >= n) {
    return i;
  }
  for (;;) {
    // Expect a value.
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skipSpace();
      const close = c === '{' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
      } else if (c === '{') {
        if (text[i] !== '"' || !readString()) {
          return i;
        }
        skipSpace();
        if (text[i] !== ':') {
          return i;
        }
        i++;
        continue;
      } else {
        continue;
      }
    } else if (!readScalar()) {
      return i;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < n ? i : -1;
      }
      const d = text[i];
      if (d === ',') {
        i++;
        if (top === '{') {
          skipSpace();
          if (text[i] !== '"' || !readString()) {
            return i;
          }
          skipSpace();
          if (text[i] !== ':') {
            return i;
          }
          i++;
        }
        break;
      }
      if ((top === '{' && d === '}') || (top === '[' && d === ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

/** V8's message without the quoted input it sometimes appends ('Unexpected token '}', "…" is not valid JSON'). */
function jsonReason(message: string): string {
  const quoted = /^(?<reason>Unexpected token .*?), (?:\.\.\.)?".*" is not valid JSON$/s.exec(message);
  if (quoted?.groups?.reason) {
    return quoted.groups.reason;
  }
  return message.replace(/ at position \d+(?: \(line \d+ column \d+\))?$/, '').replace(/ in JSON$/, '');
}

/**
 * Start offsets of the elements of the top-level `items` array (List) or of a top-level array.
 * One pass over the structure of the text, jumping over string contents; no second parse.
 * Expects text that JSON.parse accepted.
 */
function jsonElementOffsets(text: string, key = 'items'): number[] {
  const offsets: number[] = [];
  const n = text.length;
  let depth = 0;
  /** Depth of the array whose elements we record (-1 until found, -2 when done). */
  let targetDepth = -1;
  let expectValue = false;
  let lastKeyStart = -1;
  let lastKeyEnd = -1;
  let pendingItemsKey = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x20:
      case 0x0a:
      case 0x0d:
      case 0x09:
        continue;
      case 0x22 /* " */:
        {
          if (depth === targetDepth && expectValue) {
            offsets.push(i);
            expectValue = false;
          }
          // Jump to the closing quote: one not preceded by an odd run of backslashes.
          const start = i + 1;
          let end = text.indexOf('"', start);
          while (end !== -1) {
            let backslashes = 0;
            for (let j = end - 1; j >= start && text.charCodeAt(j) === 0x5c; j--) {
              backslashes++;
            }
            if (backslashes % 2 === 0) {
              break;
            }
            end = text.indexOf('"', end + 1);
          }
          if (end === -1) {
            return offsets;
          }
          lastKeyStart = start;
          lastKeyEnd = end;
          i = end;
          continue;
        }
      case 0x3a /* : */:
        if (depth === 1 && targetDepth === -1) {
          pendingItemsKey = lastKeyEnd - lastKeyStart === key.length && text.startsWith(key, lastKeyStart);
        }
        continue;
      case 0x7b /* { */:
      case 0x5b /* [ */:
        if (depth === 0 && c === 0x5b) {
          targetDepth = 1;
          expectValue = true;
        } else if (depth === 1 && pendingItemsKey && c === 0x5b) {
          targetDepth = 2;
          expectValue = true;
          pendingItemsKey = false;
        } else if (depth === targetDepth && expectValue) {
          offsets.push(i);
          expectValue = false;
        }
        depth++;
        continue;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        depth--;
        if (depth === targetDepth - 1 && c === 0x5d) {
          return offsets; // the items array closed: nothing more to record
        }
        continue;
      case 0x2c /* , */:
        if (depth === targetDepth) {
          expectValue = true;
        }
        if (depth === 1) {
          pendingItemsKey = false;
        }
        continue;
      default:
        // Numbers and literals inside the target array still count as elements (reported as invalid later).
        if (depth === targetDepth && expectValue) {
          offsets.push(i);
          expectValue = false;
        }
    }
  }
  return offsets;
}

/** Converts ascending offsets to 1-based line numbers with one scan for newlines. */
function linesOfOffsets(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let next = text.indexOf('\n');
  for (const offset of offsets) {
    while (next !== -1 && next < offset) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Fast path for pretty-printed JSON (kubectl, oc, JSON.stringify with an indent, Go's json.Indent):
 * there every element of the top-level array (or of a List's `items`) that is an object opens on a
 * line of its own holding only indentation and `{`, at exactly one (array) or two (List) indent
 * units, and no other line looks like that (strings cannot hold raw newlines, and object members
 * open on their key's line). One pass over the newlines, no tokenising. Returns undefined when the
 * text is not laid out that way.
 */
function indentedElementLines(text: string): number[] | undefined {
  const firstNewline = text.indexOf('\n');
  if (firstNewline === -1) {
    return undefined;
  }
  let open = 0;
  while (isJsonSpace(text.charCodeAt(open))) {
    open++;
  }
  const top = text.charCodeAt(open);
  if (open > firstNewline || (top !== 0x7b && top !== 0x5b)) {
    return undefined;
  }
  // The indent unit is the indentation of the second line.
  let unit = 0;
  while (text.charCodeAt(firstNewline + 1 + unit) === 0x20) {
    unit++;
  }
  if (unit === 0) {
    return undefined;
  }
  const indent = top === 0x5b ? unit : 2 * unit;
  const lines: number[] = [];
  let line = 1;
  for (let nl = firstNewline; nl !== -1; nl = text.indexOf('\n', nl + 1)) {
    line++;
    const start = nl + 1;
    if (text.charCodeAt(start + indent) !== 0x7b || text.charCodeAt(start + indent - 1) !== 0x20) {
      continue;
    }
    let spaces = 0;
    while (spaces < indent && text.charCodeAt(start + spaces) === 0x20) {
      spaces++;
    }
    if (spaces === indent) {
      lines.push(line);
    }
  }
  return lines;
}

/**
 * Lines of the elements of the top-level `items` array (List) or of a top-level array, in order.
 * Expects text that JSON.parse accepted. When the caller knows how many elements there are, a
 * fast path for pretty-printed text is tried first and kept only if it finds exactly that many.
 */
export function jsonElementLines(text: string, expectedCount?: number, key = 'items'): number[] {
  if (expectedCount !== undefined) {
    const fast = indentedElementLines(text);
    if (fast?.length === expectedCount) {
      return fast;
    }
  }
  return linesOfOffsets(text, jsonElementOffsets(text, key));
}

/** JSON.parse, or why and where it failed (never quoting the input). */
function parseJson(text: string): { value: unknown } | { reason: string; at: { line?: number; column?: number } } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = findJsonError(text);
    return { reason: jsonReason(message), at: offset === -1 ? {} : lineColumnAt(text, offset) };
  }
}

function fromJsonValue(value: unknown, text: string, file: string): DecodeResult {
  const azureKey = azureCollectionKey(value);
  if (isListObject(value) || Array.isArray(value) || azureKey !== undefined) {
    const items: unknown[] = Array.isArray(value)
      ? value
      : azureKey !== undefined
        ? ((value as Record<string, unknown>)[azureKey] as unknown[])
        : ((value as { items: unknown[] | null }).items ?? []);
    const lines = items.length > 0 ? jsonElementLines(text, items.length, azureKey ?? 'items') : [];
    const objects: Decoded[] = new Array(items.length);
    for (let index = 0; index < items.length; index++) {
      const line = lines[index];
      objects[index] = {
        value: items[index],
        source: line === undefined ? { file, document: index } : { file, line, document: index },
      };
    }
    return { objects, diagnostics: [] };
  }
  return { objects: [{ value, source: { file, line: 1, document: 0 } }], diagnostics: [] };
}

// ---------- YAML ----------

const HELM_SOURCE = /^\s*Source:\s*(?<template>\S.*?)\s*$/m;

/** The template Helm rendered this document from (`# Source: chart/templates/x.yaml`), if it says. */
function helmTemplate(doc: Document.Parsed): string | undefined {
  const comments = [doc.commentBefore, doc.contents?.commentBefore];
  for (const comment of comments) {
    const match = comment ? HELM_SOURCE.exec(comment) : null;
    if (match?.groups?.template) {
      return match.groups.template;
    }
  }
  return undefined;
}

function decodeYaml(text: string, file: string): DecodeResult {
  const lineCounter = new LineCounter();
  const objects: Decoded[] = [];
  const diagnostics: Diagnostic[] = [];
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (not an array) for a text with no documents.
  const list = Array.isArray(documents) ? documents : [];
  let docIndex = -1;
  for (const doc of list) {
    docIndex++;
    const [first, ...rest] = doc.errors;
    if (first) {
      const pos = lineCounter.linePos(first.pos[0]);
      const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${rest.length === 1 ? 'error' : 'errors'})`;
      diagnostics.push({
        level: 'error',
        code: 'yaml.syntax',
        message: `document ${docIndex + 1} is not valid YAML and was skipped: ${first.message.split('\n')[0]}${more}`,
        location: { file, line: pos.line, column: pos.col },
      });
      continue;
    }
    const contents = doc.contents;
    if (contents === null) {
      continue; // an empty document (`---` twice, comments only) holds nothing
    }
    const start = lineCounter.linePos(contents.range[0]);
    const template = helmTemplate(doc);
    const base = template === undefined ? { file } : { file, template };
    let value: unknown;
    try {
      // The alias limit stops "billion laughs" documents from expanding without bound.
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      diagnostics.push({
        level: 'error',
        code: 'yaml.invalid',
        message: `document ${docIndex + 1} could not be read and was skipped: ${error instanceof Error ? error.message : String(error)}`,
        location: { file, line: start.line, column: start.col },
      });
      continue;
    }
    if (value === null || value === undefined) {
      continue; // `---\n~` or a document holding only `null`: nothing to scan
    }
    // A List, an Azure collection (`az graph query -o yaml`: { data: [...] }) or a top-level
    // sequence (`az resource list -o yaml`): one object per item, each with its own line.
    const azureKey = azureCollectionKey(value);
    if (
      ((isListObject(value) || azureKey !== undefined) && isMap(contents)) ||
      (Array.isArray(value) && isSeq(contents))
    ) {
      const itemsNode = isSeq(contents) ? contents : contents.get(azureKey ?? 'items', true);
      const nodes = isSeq(itemsNode) ? itemsNode.items : [];
      const items: unknown[] = Array.isArray(value)
        ? value
        : azureKey !== undefined
          ? ((value as Record<string, unknown>)[azureKey] as unknown[])
          : ((value as { items: unknown[] | null }).items ?? []);
      for (let i = 0; i < items.length; i++) {
        const node = nodes[i];
        const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
        const line = Array.isArray(range) ? lineCounter.linePos(range[0]).line : start.line;
        objects.push({ value: items[i], source: { ...base, line, document: docIndex } });
      }
      continue;
    }
    objects.push({ value, source: { ...base, line: start.line, document: docIndex } });
  }
  return { objects, diagnostics };
}
