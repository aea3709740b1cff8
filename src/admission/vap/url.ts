/**
 * URLs for the CEL `url` library (https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-url-library).
 *
 * `url(s)` accepts what a request line accepts: an absolute URL (`scheme://host[:port]/path?query`)
 * or an absolute path (`/path?query`); relative references and opaque URLs (`mailto:x`) are refused.
 * Nothing is normalised: host and port are returned as written (the WHATWG URL class would
 * lower-case the host and drop default ports, which the Kubernetes functions do not do).
 * - getScheme(): the scheme without ':' ('' for a path);
 * - getHost(): host with port, IPv6 literals in brackets ('[::1]:80');
 * - getHostname(): host without port or brackets ('::1');
 * - getPort(): the port text, '' when absent;
 * - getEscapedPath(): the path as escaped on the wire (spaces and other unsafe bytes percent-encoded);
 * - getQuery(): query parameters decoded, each name with all its values in order.
 */

export class Url {
  readonly scheme: string;
  readonly host: string;
  readonly rawPath: string;
  readonly rawQuery: string;

  constructor(scheme: string, host: string, rawPath: string, rawQuery: string) {
    this.scheme = scheme;
    this.host = host;
    this.rawPath = rawPath;
    this.rawQuery = rawQuery;
  }

  getScheme(): string {
    return this.scheme;
  }

  getHost(): string {
    return this.host;
  }

  getHostname(): string {
    const host = this.host;
    if (host.startsWith('[')) {
      const end = host.indexOf(']');
      return host.slice(1, end);
    }
    const colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.slice(0, colon);
  }

  getPort(): string {
    const host = this.host;
    const afterLiteral = host.startsWith('[') ? host.slice(host.indexOf(']') + 1) : host;
    const colon = afterLiteral.lastIndexOf(':');
    return colon < 0 ? '' : afterLiteral.slice(colon + 1);
  }

  getEscapedPath(): string {
    // A path already written with valid escapes stays as written; otherwise unsafe bytes are escaped.
    if (VALID_ESCAPED_PATH.test(this.rawPath)) {
      return this.rawPath;
    }
    return escapePath(decodePercent(this.rawPath, false) ?? this.rawPath);
  }

  getQuery(): Map<string, string[]> {
    const query = new Map<string, string[]>();
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) {
        continue;
      }
      const eq = pair.indexOf('=');
      const key = decodePercent(eq < 0 ? pair : pair.slice(0, eq), true);
      const value = decodePercent(eq < 0 ? '' : pair.slice(eq + 1), true);
      if (key === undefined || value === undefined) {
        continue;
      }
      const values = query.get(key);
      if (values) {
        values.push(value);
      } else {
        query.set(key, [value]);
      }
    }
    return query;
  }

  toString(): string {
    const authority = this.scheme ? `${this.scheme}://${this.host}` : '';
    return `${authority}${this.rawPath}${this.rawQuery ? `?${this.rawQuery}` : ''}`;
  }
}

/** Unreserved characters, sub-delimiters allowed in a path, '/', and valid %XX escapes. */
const VALID_ESCAPED_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
const PATH_SAFE = /[A-Za-z0-9\-._~$&+,/:;=@]/;

function escapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && PATH_SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Percent-decoding; undefined when an escape is malformed. `plusIsSpace` for query strings. */
function decodePercent(text: string, plusIsSpace: boolean): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) {
    return undefined;
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '%') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (plusIsSpace && ch === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const SCHEME = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?<rest>.*)$/s;
const PORT = /^\d*$/;
const HOST_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/** Parses a URL as `url()` does, or says why it is not one. Never throws. */
export function parseUrl(text: string): Url | { readonly error: string } {
  const refuse = { error: `URL parse error: "${text}" is not an absolute URI or an absolute path` };
  if (text === '' || hasControlCharacter(text)) {
    return refuse;
  }
  const match = SCHEME.exec(text);
  const scheme = match?.groups?.scheme ?? '';
  let rest = match ? (match.groups?.rest ?? '') : text;
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    return refuse;
  }
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    let authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.slice(at + 1);
    }
    if (authority.startsWith('[')) {
      const end = authority.indexOf(']');
      if (end < 0) {
        return { error: `URL parse error: missing "]" in host of "${text}"` };
      }
      const port = authority.slice(end + 1);
      if (port !== '' && !(port.startsWith(':') && PORT.test(port.slice(1)))) {
        return { error: `URL parse error: invalid port "${port}" in "${text}"` };
      }
    } else {
      const colon = authority.lastIndexOf(':');
      const name = colon < 0 ? authority : authority.slice(0, colon);
      if (colon >= 0 && !PORT.test(authority.slice(colon + 1))) {
        return { error: `URL parse error: invalid port "${authority.slice(colon)}" in "${text}"` };
      }
      if (!HOST_CHARS.test(name)) {
        return { error: `URL parse error: invalid character in host of "${text}"` };
      }
    }
    host = authority;
  }
  if (decodePercent(rest, false) === undefined) {
    return { error: `URL parse error: invalid escape in path of "${text}"` };
  }
  return new Url(scheme, host, rest, rawQuery);
}

export function isUrl(text: string): boolean {
  return parseUrl(text) instanceof Url;
}
