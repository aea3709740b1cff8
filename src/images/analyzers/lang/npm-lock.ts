/**
 * npm lockfiles: package-lock.json and npm-shrinkwrap.json, lockfile versions 1, 2 and 3.
 * Specification: https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 *
 * - v2 and v3 list installed packages in `packages`, keyed by their folder (`node_modules/a`,
 *   `node_modules/a/node_modules/@s/b`). The "" key is the project itself and is skipped; keys that
 *   are not inside a node_modules folder are workspace projects and `link: true` entries are
 *   symlinks to them: both are the project's own code and are skipped too. The name is the entry's
 *   `name` (set for aliases) or else the path after the last `node_modules/`.
 * - v1 (and v2 files read by npm 6) nest `dependencies` objects; the `packages` map wins when present.
 *   v1 aliases are written `"version": "npm:real-name@1.2.3"`; versions that are not semver (git,
 *   tarball and file specs) are skipped with an info diagnostic: no registry version to match.
 * - `dev: true` marks a dev-only package. `devOptional` means the package is also an optional
 *   dependency of a production dependency, so it is not dev-only (`npm install --omit=dev` keeps it).
 * - Each occurrence (installed folder) is one package, located at the line of its key.
 *
 * This file also exports the position-aware JSON reader the other JSON analyzers use.
 */

import { PackageURL } from 'packageurl-js';
import semver from 'semver';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';

const ID = 'lang/npm-lock';

export const npmLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'npm',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/.test(path) && !insideNodeModules(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const text = decodeText(await file.read());
    const doc = parseJsonLocated(text);
    const diagnostics: Diagnostic[] = [];
    const packages: Package[] = [];
    if (doc.error) {
      diagnostics.push(jsonErrorDiagnostic(file.path, doc.error));
    }
    const root = asObject(doc.value);
    if (!root) {
      if (!doc.error) {
        diagnostics.push(diag('error', 'npm-lock.invalid', 'the lockfile is not a JSON object', file.path, 1));
      }
      return { value: packages, diagnostics };
    }
    const add = (name: string, version: string, line: number | undefined, dev: boolean): void => {
      packages.push(npmPackage(ID, file, name, version, line, dev));
    };
    const map = asObject(root.packages);
    if (map) {
      walkPackages(map, doc, file.path, add, diagnostics);
    } else {
      const deps = asObject(root.dependencies);
      if (deps) {
        walkV1(deps, doc, file.path, add, diagnostics, 0);
      } else if (!doc.error) {
        diagnostics.push(
          diag('warning', 'npm-lock.empty', 'the lockfile has neither "packages" nor "dependencies"', file.path, 1),
        );
      }
    }
    return { value: packages, diagnostics };
  },
};

type Add = (name: string, version: string, line: number | undefined, dev: boolean) => void;

function walkPackages(map: JsonObject, doc: LocatedJson, file: string, add: Add, diagnostics: Diagnostic[]): void {
  for (const [key, raw] of Object.entries(map)) {
    if (key === '') {
      continue;
    }
    const line = doc.line(map, key);
    const entry = asObject(raw);
    if (!entry) {
      diagnostics.push(diag('warning', 'npm-lock.invalid-entry', `"${key}" is not an object`, file, line));
      continue;
    }
    if (!doc.complete(entry)) {
      diagnostics.push(diag('warning', 'npm-lock.truncated-entry', `"${key}" is incomplete`, file, line));
      continue;
    }
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || entry.link === true) {
      continue; // workspace project, or a symlink to one
    }
    const name = typeof entry.name === 'string' ? entry.name : key.slice(at + 'node_modules/'.length);
    const version = entry.version;
    if (typeof version !== 'string' || version === '') {
      diagnostics.push(diag('warning', 'npm-lock.no-version', `"${key}" has no version`, file, line));
      continue;
    }
    if (!isPackageName(name)) {
      diagnostics.push(diag('warning', 'npm-lock.invalid-name', `"${key}" has an invalid package name`, file, line));
      continue;
    }
    if (!semver.valid(version, { loose: false })) {
      diagnostics.push(
        diag('info', 'npm-lock.not-registry', `"${key}" has version "${version}", not a registry version`, file, line),
      );
      continue;
    }
    add(name, version, line, entry.dev === true);
  }
}

function walkV1(
  deps: JsonObject,
  doc: LocatedJson,
  file: string,
  add: Add,
  diagnostics: Diagnostic[],
  depth: number,
): void {
  for (const [key, raw] of Object.entries(deps)) {
    const line = doc.line(deps, key);
    const entry = asObject(raw);
    if (!entry) {
      diagnostics.push(diag('warning', 'npm-lock.invalid-entry', `dependency "${key}" is not an object`, file, line));
      continue;
    }
    const complete = doc.complete(entry);
    let name = key;
    let version = entry.version;
    if (!complete) {
      diagnostics.push(diag('warning', 'npm-lock.truncated-entry', `dependency "${key}" is incomplete`, file, line));
    } else if (typeof version !== 'string' || version === '') {
      diagnostics.push(diag('warning', 'npm-lock.no-version', `dependency "${key}" has no version`, file, line));
    } else {
      const alias = /^npm:((?:@[^/@]+\/)?[^/@]+)@(.+)$/.exec(version);
      if (alias) {
        name = alias[1]!;
        version = alias[2]!;
      }
      if (!isPackageName(name)) {
        diagnostics.push(
          diag('warning', 'npm-lock.invalid-name', `dependency "${key}" has an invalid package name`, file, line),
        );
      } else if (!semver.valid(version)) {
        diagnostics.push(
          diag(
            'info',
            'npm-lock.not-registry',
            `dependency "${key}" has version "${version}", not a registry version`,
            file,
            line,
          ),
        );
      } else {
        add(name, version, line, entry.dev === true);
      }
    }
    const nested = asObject(entry.dependencies);
    if (nested && depth < 256) {
      walkV1(nested, doc, file, add, diagnostics, depth + 1);
    }
  }
}

/** An npm package name: `name` or `@scope/name`, no empty parts, no path tricks. */
export function isPackageName(name: string): boolean {
  return /^(?:@[^/@\s]+\/)?[^/@\s][^/\s]*$/.test(name) && name.length <= 214;
}

export function insideNodeModules(path: string): boolean {
  return /(?:^|\/)node_modules\//.test(path);
}

/** `pkg:npm/%40scope/name@1.0.0`, per https://github.com/package-url/purl-spec (npm type). */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : undefined;
  const base = slash > 0 ? name.slice(slash + 1) : name;
  return purl('npm', namespace, base, version);
}

/**
 * Builds a purl with packageurl-js. Its validators reject some names that real registries still
 * hold (legacy upper-case npm names), so on a rejection the purl is encoded by hand, component by
 * component, as the specification describes.
 */
export function purl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers?: Record<string, string>,
): string {
  try {
    return new PackageURL(type, namespace, name, version, qualifiers, undefined).toString();
  } catch {
    const enc = (s: string): string => encodeURIComponent(s).replace(/%3A/g, ':');
    let text = `pkg:${type}/`;
    if (namespace) {
      text += `${namespace.split('/').map(enc).join('/')}/`;
    }
    text += `${enc(name)}@${enc(version)}`;
    const keys = Object.keys(qualifiers ?? {}).sort();
    if (keys.length > 0) {
      text += `?${keys.map((k) => `${k}=${enc(qualifiers![k]!)}`).join('&')}`;
    }
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers of the language analyzers (text decoding, diagnostics, locations).

/** UTF-8 text without a byte-order mark. */
export function decodeText(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function diag(
  level: Diagnostic['level'],
  code: string,
  message: string,
  file: string,
  line: number | undefined,
): Diagnostic {
  return { level, code, message, location: line === undefined ? { file } : { file, line } };
}

/**
 * A YAML lockfile (pnpm, yarn berry) parsed keeping line numbers; each syntax error is a
 * `yaml.syntax` diagnostic with its line and column.
 */
export function parseLockYaml(
  text: string,
  file: string,
  diagnostics: Diagnostic[],
): { readonly doc: Document.Parsed; readonly counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  for (const error of doc.errors) {
    diagnostics.push({
      level: 'error',
      code: 'yaml.syntax',
      message: error.message.split('\n')[0]!,
      location: { file, line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1 },
    });
  }
  return { doc, counter };
}

/** An npm package found by `analyzer` in `file` (at `line`), marked dev-only when `dev`. */
export function npmPackage(
  analyzer: string,
  file: FileInput,
  name: string,
  version: string,
  line: number | undefined,
  dev = false,
): Package {
  return {
    name,
    version,
    ecosystem: 'npm',
    purl: npmPurl(name, version),
    kind: 'lang',
    analyzer,
    location: location(file, line),
    ...(dev ? { dev: true } : {}),
  };
}

export function location(file: FileInput, line: number | undefined): Package['location'] {
  return {
    path: file.path,
    ...(line !== undefined ? { line } : {}),
    ...(file.layer !== undefined ? { layer: file.layer } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// A JSON reader that remembers where each key and array element starts and which containers
// were closed, and keeps everything it read before a syntax error (a truncated lockfile keeps its
// complete records). Grammar: RFC 8259.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface JsonSyntaxError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface LocatedJson {
  /** The document, or the part of it read before `error`. */
  readonly value: JsonValue | undefined;
  readonly error?: JsonSyntaxError;
  /** 1-based line of a key of an object, or of an element of an array, of this document. */
  line(container: JsonObject | JsonValue[], key: string | number): number | undefined;
  /** True when the object or array was read up to its closing bracket. */
  complete(container: JsonObject | JsonValue[]): boolean;
}

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function asArray(value: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function jsonErrorDiagnostic(file: string, error: JsonSyntaxError): Diagnostic {
  return {
    level: 'error',
    code: 'json.syntax',
    message: error.message,
    location: { file, line: error.line, column: error.column },
  };
}

const MAX_DEPTH = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings
const CONTROL = /[\u0000-\u001f]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonStop extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

type Frame = { readonly obj: JsonObject; key: string } | { readonly arr: JsonValue[] };

export function parseJsonLocated(text: string): LocatedJson {
  const keyOffsets = new Map<object, Map<string, number>>();
  const elementOffsets = new Map<object, number[]>();
  const closed = new Set<object>();
  const stack: Frame[] = [];
  let root: JsonValue | undefined;
  let i = 0;
  const n = text.length;

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else {
        break;
      }
    }
  };
  const readString = (): string => {
    const start = i;
    let close = text.indexOf('"', start + 1);
    // A quote preceded by an odd number of backslashes is escaped.
    for (;;) {
      if (close < 0) {
        throw new JsonStop('unterminated string (truncated file?)', start);
      }
      let backslashes = 0;
      while (text.charCodeAt(close - 1 - backslashes) === 0x5c) {
        backslashes++;
      }
      if (backslashes % 2 === 0) {
        break;
      }
      close = text.indexOf('"', close + 1);
    }
    const body = text.slice(start + 1, close);
    const control = CONTROL.exec(body);
    if (control) {
      throw new JsonStop('control character in string', start + 1 + control.index);
    }
    i = close + 1;
    if (!body.includes('\\')) {
      return body;
    }
    try {
      return JSON.parse(text.slice(start, close + 1)) as string;
    } catch {
      throw new JsonStop('invalid escape in string', start);
    }
  };
  const attach = (value: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
    } else if ('arr' in top) {
      top.arr.push(value);
    } else {
      top.obj[top.key] = value;
    }
  };
  const readKey = (frame: { readonly obj: JsonObject; key: string }): void => {
    skipWs();
    if (text.charCodeAt(i) !== 0x22) {
      throw new JsonStop(i >= n ? 'unexpected end of input (truncated file?)' : 'expected a string key', i);
    }
    const at = i;
    const key = readString();
    keyOffsets.get(frame.obj)!.set(key, at);
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) {
      throw new JsonStop(i >= n ? 'unexpected end of input (truncated file?)' : `expected ":" after key "${key}"`, i);
    }
    i++;
    frame.key = key;
  };
  const close = (): void => {
    const top = stack.pop()!;
    closed.add('arr' in top ? top.arr : top.obj);
  };

  let error: JsonSyntaxError | undefined;
  try {
    let expectValue = true;
    for (;;) {
      skipWs();
      if (expectValue) {
        if (i >= n) {
          throw new JsonStop(root === undefined ? 'empty document' : 'unexpected end of input (truncated file?)', i);
        }
        const top = stack[stack.length - 1];
        if (top && 'arr' in top) {
          elementOffsets.get(top.arr)!.push(i);
        }
        const c = text[i];
        if (c === '{' || c === '[') {
          if (stack.length >= MAX_DEPTH) {
            throw new JsonStop(`nesting deeper than ${MAX_DEPTH}`, i);
          }
          i++;
          if (c === '{') {
            const obj = Object.create(null) as JsonObject;
            keyOffsets.set(obj, new Map());
            attach(obj);
            const frame = { obj, key: '' };
            stack.push(frame);
            skipWs();
            if (text[i] === '}') {
              i++;
              close();
              expectValue = false;
            } else {
              readKey(frame);
            }
          } else {
            const arr: JsonValue[] = [];
            elementOffsets.set(arr, []);
            attach(arr);
            stack.push({ arr });
            skipWs();
            if (text[i] === ']') {
              i++;
              close();
              expectValue = false;
            }
          }
          continue;
        }
        if (c === '"') {
          attach(readString());
        } else if (text.startsWith('true', i)) {
          attach(true);
          i += 4;
        } else if (text.startsWith('false', i)) {
          attach(false);
          i += 5;
        } else if (text.startsWith('null', i)) {
          attach(null);
          i += 4;
        } else {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (!m) {
            throw new JsonStop(`unexpected character ${JSON.stringify(c)}`, i);
          }
          attach(Number(m[0]));
          i += m[0].length;
        }
        expectValue = false;
        continue;
      }
      const top = stack[stack.length - 1];
      if (!top) {
        if (i < n) {
          throw new JsonStop('unexpected data after the JSON value', i);
        }
        break;
      }
      if (i >= n) {
        throw new JsonStop('unexpected end of input (truncated file?)', i);
      }
      const c = text[i];
      if (c === ',') {
        i++;
        if ('obj' in top) {
          readKey(top);
        }
        expectValue = true;
      } else if (('obj' in top && c === '}') || ('arr' in top && c === ']')) {
        i++;
        close();
      } else {
        throw new JsonStop(`expected "," or "${'obj' in top ? '}' : ']'}", found ${JSON.stringify(c)}`, i);
      }
    }
  } catch (e) {
    if (!(e instanceof JsonStop)) {
      throw e;
    }
    const pos = positionOf(text, e.offset);
    error = { message: `${e.message} at line ${pos.line}, column ${pos.column}`, ...pos };
  }

  let lineStarts: number[] | undefined;
  const lineAt = (offset: number): number => {
    lineStarts ??= computeLineStarts(text);
    return lineIndex(lineStarts, offset) + 1;
  };
  return {
    value: root,
    ...(error ? { error } : {}),
    line(container, key) {
      const offset =
        typeof key === 'number' ? elementOffsets.get(container)?.[key] : keyOffsets.get(container)?.get(key);
      return offset === undefined ? undefined : lineAt(offset);
    },
    complete(container) {
      return closed.has(container);
    },
  };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    starts.push(at + 1);
  }
  return starts;
}

function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const starts = computeLineStarts(text);
  const index = lineIndex(starts, offset);
  return { line: index + 1, column: offset - starts[index]! + 1 };
}
