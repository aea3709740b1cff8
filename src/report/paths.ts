/**
 * File paths in reports. Resources keep the path the user gave ('<stdin>' for standard input);
 * the table shows it relative to the working directory when it lies inside it, and SARIF needs
 * a URI reference relative to the source root with forward slashes.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The file name loaders give standard input. */
export const STDIN_FILE = '<stdin>';

/** Path relative to `cwd` with forward slashes, or undefined when the file lies outside `cwd`. */
export function relativeTo(file: string, cwd: string): string | undefined {
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    return undefined;
  }
  return rel.split(sep).join('/');
}

/** How the table shows a file: relative to `cwd` when inside it, otherwise as given. */
export function displayPath(file: string, cwd: string): string {
  if (file === STDIN_FILE) {
    return file;
  }
  return relativeTo(file, cwd) ?? file;
}

/** A SARIF artifactLocation: relative to %SRCROOT% when inside `cwd`, an absolute file URI otherwise. */
export interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

export const SRCROOT = '%SRCROOT%';

function encodeSegments(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

export function artifactLocation(file: string, cwd: string): ArtifactLocation {
  if (file === STDIN_FILE) {
    // Standard input has no file; a stable relative URI keeps the location valid for consumers.
    return { uri: 'stdin' };
  }
  const rel = relativeTo(file, cwd);
  if (rel !== undefined) {
    return { uri: encodeSegments(rel), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(resolve(cwd, file)).href };
}

/** The file URI of a directory, with the trailing slash SARIF requires of a base URI. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}
