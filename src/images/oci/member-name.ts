/**
 * Member names of tar archives and layers, normalised inside their root: no leading `./` or `/`,
 * no `.` segments, `..` resolved; a `..` that leaves the root is a traversal.
 */

export type Normalised =
  | { readonly kind: 'ok'; readonly path: string; readonly absolute: boolean }
  | { readonly kind: 'root' }
  | { readonly kind: 'traversal' };

/** Normalises a tar entry name inside the root; `..` that leaves the root is a traversal. */
export function normaliseEntryName(name: string): Normalised {
  // Fast path for the usual `./usr/bin/x`, `usr/share/`: no `.`/`..` segment, no doubled slash.
  let plain = name.startsWith('./') ? name.slice(2) : name;
  if (plain.endsWith('/')) {
    plain = plain.slice(0, -1);
  }
  if (plain !== '' && plain[0] !== '/' && plain[0] !== '.' && !plain.includes('//') && !plain.includes('/.')) {
    return { kind: 'ok', path: plain, absolute: false };
  }
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length === 0) {
        return { kind: 'traversal' };
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? { kind: 'root' } : { kind: 'ok', path: parts.join('/'), absolute };
}
