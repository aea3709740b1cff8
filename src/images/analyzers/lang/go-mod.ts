/**
 * Go module files (`go.mod`).
 *
 * Format: https://go.dev/ref/mod#go-mod-file (lexical elements, `require`, `replace`, `exclude`).
 *
 * - Every `require` (single-line or block form) is a dependency at its exact version; the
 *   `// indirect` comment does not change that. The `module` line names the module itself, which
 *   is not a dependency.
 * - `replace old [v] => new v'` swaps a requirement for another module version (an exact-version
 *   replacement wins over a path-wide one, as in the go command). `replace old => ./dir` points at
 *   a local directory: the requirement no longer names a published module, so it is dropped with
 *   an info diagnostic.
 * - `exclude`, `retract`, `go`, `toolchain`, `godebug`, `tool` and `ignore` are not dependencies.
 *
 * Only go.mod is read, not go.sum: go.sum holds checksums of every module version the go command
 * ever downloaded for this module (including versions pruned from the build list and go.mod-only
 * entries), so it lists more than the build graph and would report packages that are not built.
 * Versions keep their `v` prefix (`v1.2.3`), as Go and purls write them; OSV's Go ranges omit it.
 */
import { PackageURL } from 'packageurl-js';
import type { Collected, Diagnostic, Package } from '#core';
import type { Analyzer, FileInput } from '../../analyzer.ts';

const ID = 'lang/go-mod';

/** A module version as the go command accepts it in go.mod: `v` + semantic version. */
const MODULE_VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

interface Requirement {
  readonly path: string;
  readonly version: string;
  readonly line: number;
}

interface Replacement {
  readonly oldVersion: string | undefined;
  readonly newPath: string;
  readonly newVersion: string | undefined;
  readonly line: number;
}

export const goModAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'Go',
  maxFileBytes: 10 * 1024 * 1024,

  matches(path: string): boolean {
    return path === 'go.mod' || path.endsWith('/go.mod');
  },

  async analyze(file: FileInput): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const text = (await file.read()).toString('utf8');
    const { requirements, replacements } = parseGoMod(text, file.path, diagnostics);

    const packages: Package[] = [];
    for (const req of requirements) {
      const rules = replacements.get(req.path) ?? [];
      const rule = rules.find((r) => r.oldVersion === req.version) ?? rules.find((r) => r.oldVersion === undefined);
      let path = req.path;
      let version = req.version;
      if (rule) {
        if (rule.newVersion === undefined) {
          diagnostics.push({
            level: 'info',
            code: 'go-mod.local-replace',
            message: `${req.path} ${req.version} is replaced by the local directory ${rule.newPath} (line ${rule.line}); not matched against advisories`,
            location: { file: file.path, line: req.line },
          });
          continue;
        }
        path = rule.newPath;
        version = rule.newVersion;
      }
      const pkg = goPackage(path, version, ID, file, req.line);
      if (typeof pkg === 'string') {
        diagnostics.push({
          level: 'error',
          code: 'go-mod.invalid-module',
          message: pkg,
          location: { file: file.path, line: req.line },
        });
      } else {
        packages.push(pkg);
      }
    }
    return { value: packages, diagnostics };
  },
};

/**
 * A Go module package (shared with the Go binary analyzer), or why it cannot be one: a path that
 * cannot be written as a purl.
 */
export function goPackage(
  path: string,
  version: string,
  analyzer: string,
  file: FileInput,
  line?: number,
): Package | string {
  const slash = path.lastIndexOf('/');
  const namespace = slash > 0 ? path.slice(0, slash) : undefined;
  const name = slash > 0 ? path.slice(slash + 1) : path;
  let purl: string;
  try {
    purl = new PackageURL('golang', namespace, name, version, undefined, undefined).toString();
  } catch (error) {
    return `${path}@${version} cannot be written as a purl: ${error instanceof Error ? error.message : String(error)}`;
  }
  const location: { path: string; line?: number; layer?: string } = { path: file.path };
  if (line !== undefined) {
    location.line = line;
  }
  if (file.layer) {
    location.layer = file.layer;
  }
  return { name: path, version, ecosystem: 'Go', purl, kind: 'lang', analyzer, location };
}

function parseGoMod(
  text: string,
  file: string,
  diagnostics: Diagnostic[],
): { requirements: Requirement[]; replacements: Map<string, Replacement[]> } {
  const requirements: Requirement[] = [];
  const replacements = new Map<string, Replacement[]>();
  const lines = text.split('\n');
  let block: string | undefined;
  let blockLine = 0;

  const error = (line: number, message: string): void => {
    diagnostics.push({ level: 'error', code: 'go-mod.syntax', message, location: { file, line } });
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const tokens = tokenize(lines[i]!);
    if (typeof tokens === 'string') {
      error(lineNo, tokens);
      continue;
    }
    if (tokens.length === 0) {
      continue;
    }
    let verb: string;
    let args: string[];
    if (block !== undefined) {
      if (tokens.length === 1 && tokens[0] === ')') {
        block = undefined;
        continue;
      }
      verb = block;
      args = tokens;
    } else {
      verb = tokens[0]!;
      args = tokens.slice(1);
      if (args.length === 1 && args[0] === '(') {
        block = verb;
        blockLine = lineNo;
        continue;
      }
      if (args.length === 2 && args[0] === '(' && args[1] === ')') {
        continue; // empty block on one line
      }
    }

    if (verb === 'require') {
      const [path, version, ...extra] = args;
      if (path === undefined || version === undefined || extra.length > 0) {
        error(lineNo, `require needs a module path and a version, got ${JSON.stringify(args.join(' '))}`);
      } else if (!MODULE_VERSION.test(version)) {
        error(lineNo, `require ${path}: invalid module version ${JSON.stringify(version)}`);
      } else {
        requirements.push({ path, version, line: lineNo });
      }
    } else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      const left = arrow >= 0 ? args.slice(0, arrow) : [];
      const right = arrow >= 0 ? args.slice(arrow + 1) : [];
      if (arrow < 0 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
        error(lineNo, `replace must be "old [version] => new [version]", got ${JSON.stringify(args.join(' '))}`);
        continue;
      }
      const [oldPath, oldVersion] = left as [string, string | undefined];
      const [newPath, newVersion] = right as [string, string | undefined];
      if (newVersion === undefined && !isLocalPath(newPath)) {
        error(lineNo, `replace ${oldPath}: replacement module ${newPath} has no version and is not a local path`);
        continue;
      }
      if (newVersion !== undefined && !MODULE_VERSION.test(newVersion)) {
        error(lineNo, `replace ${oldPath}: invalid replacement version ${JSON.stringify(newVersion)}`);
        continue;
      }
      const list = replacements.get(oldPath) ?? [];
      list.push({ oldVersion, newPath, newVersion, line: lineNo });
      replacements.set(oldPath, list);
    }
    // module, go, toolchain, godebug, exclude, retract, tool, ignore: not dependencies.
  }
  if (block !== undefined) {
    error(blockLine, `${block} block opened here is not closed`);
  }
  return { requirements, replacements };
}

/** Local directory replacements: https://go.dev/ref/mod#go-mod-file-replace */
function isLocalPath(path: string): boolean {
  return (
    path.startsWith('./') ||
    path.startsWith('../') ||
    path.startsWith('/') ||
    path === '.' ||
    path === '..' ||
    /^[A-Za-z]:[\\/]/.test(path) ||
    path.startsWith('.\\') ||
    path.startsWith('..\\')
  );
}

/**
 * Splits a go.mod line into tokens (identifiers, quoted strings, `(`, `)`, `=>`), dropping a
 * `//` comment. Returns an error message for an unterminated string.
 */
function tokenize(line: string): string[] | string {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      break;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (line.startsWith('=>', i)) {
      tokens.push('=>');
      i += 2;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) {
        j += c === '"' && line[j] === '\\' ? 2 : 1;
      }
      if (j >= line.length) {
        return `unterminated string starting at column ${i + 1}`;
      }
      const raw = line.slice(i, j + 1);
      if (c === '`') {
        tokens.push(raw.slice(1, -1));
      } else {
        try {
          tokens.push(JSON.parse(raw) as string);
        } catch {
          return `invalid quoted string ${raw}`;
        }
      }
      i = j + 1;
    } else {
      let j = i;
      while (
        j < line.length &&
        !' \t\r"`()'.includes(line[j]!) &&
        !line.startsWith('//', j) &&
        !line.startsWith('=>', j)
      ) {
        j++;
      }
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return tokens;
}
