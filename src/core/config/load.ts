/**
 * Load and validate a config file. Every problem is reported at once, each with file, line and key.
 */
import { readFile } from 'node:fs/promises';
import { type Document, isDocument, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { Config } from './schema.ts';

/** The config files looked for in the working directory when --config is not given. */
export const DEFAULT_CONFIG_FILES = ['palisade.yaml', 'palisade.yml', '.palisade.yaml'] as const;

function keyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text ? '.' : ''}${String(segment)}`;
  }
  return text || '(root)';
}

export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first ? lineCounter.linePos(first.pos[0]) : { line: 1, col: 1 };
    throw new ConfigError(
      'config.invalid',
      `${file}:${pos.line}:${pos.col}: invalid YAML: ${first?.message.split('\n')[0]}`,
      {
        location: { file, line: pos.line, column: pos.col },
      },
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = Config.safeParse(raw);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = yamlIssues(text, file, doc, lineCounter, parsed.error.issues);
  throw new ConfigError('config.invalid', `invalid config:\n  ${problems.join('\n  ')}`, { location: { file } });
}

/**
 * Each zod issue of a YAML document as `file:line: key.path: message`, the line being the value's
 * (or, for an unknown key, the key's), found through the document's node ranges.
 */
export function yamlIssues(
  text: string,
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  issues: readonly z.core.$ZodIssue[],
): string[] {
  return issues.map((issue) => {
    // For unknown keys, point at the key itself; otherwise at the value.
    const path = (
      issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path
    ) as PropertyKey[];
    let line: number | undefined;
    for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
      const node = isDocument(doc) ? doc.getIn(path.slice(0, depth) as (string | number)[], true) : undefined;
      const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
      if (Array.isArray(range)) {
        line = lineCounter.linePos(range[0]).line;
      } else if (issue.code === 'unrecognized_keys' && depth === path.length) {
        // The unknown key's node is the pair's key: find it by scanning the parent map.
        line = findKeyLine(text, String(path[path.length - 1]));
      }
    }
    return `${file}${line === undefined ? '' : `:${line}`}: ${keyPath(path)}: ${issue.message}`;
  });
}

function findKeyLine(text: string, key: string): number | undefined {
  const lines = text.split('\n');
  const re = new RegExp(`^\\s*(?:-\\s+)?["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`);
  const index = lines.findIndex((l) => re.test(l));
  return index === -1 ? undefined : index + 1;
}

export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config.invalid', `cannot read config file ${file}: ${(error as Error).message}`, {
      location: { file },
    });
  }
  return parseConfig(text, file);
}
