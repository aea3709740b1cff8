/**
 * The output formats, one file each (file name = format id). Keep sorted by id.
 * Validated once at load: ids unique and kebab-case, extensions and media types set.
 */
import type { OutputFormat } from '../format.ts';
import { json } from './json.ts';
import { sarif } from './sarif.ts';
import { table } from './table.ts';

function validate(formats: readonly OutputFormat[]): readonly OutputFormat[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const format of formats) {
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(format.id)) {
      problems.push(`format id "${format.id}" is not kebab-case`);
    }
    if (seen.has(format.id)) {
      problems.push(`format id "${format.id}" is used twice`);
    }
    seen.add(format.id);
    if (!/^[a-z0-9]+$/.test(format.fileExtension)) {
      problems.push(`format ${format.id}: file extension "${format.fileExtension}" must be letters and digits, no dot`);
    }
    if (!format.mediaType.includes('/')) {
      problems.push(`format ${format.id}: media type "${format.mediaType}" is not a type/subtype`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`invalid output format registry:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze([...formats]);
}

export const FORMATS: readonly OutputFormat[] = validate([json, sarif, table]);

const BY_ID = new Map(FORMATS.map((format) => [format.id, format]));

/** The format with this id (the `--format` value), or undefined. */
export function getFormat(id: string): OutputFormat | undefined {
  return BY_ID.get(id);
}
