/**
 * Installed Python distributions: `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO`,
 * `*.egg-info` written as a single file (distutils, Debian's python3-* packages) and
 * `*.egg/EGG-INFO/PKG-INFO`.
 * Specification: Core metadata, https://packaging.python.org/en/latest/specifications/core-metadata/
 * (RFC 822-style headers up to the first blank line; continuation lines start with whitespace).
 *
 * Licenses, in order of precedence: `License-Expression` (PEP 639, SPDX); else `License` when it
 * is a short single-line name (the field often holds a whole license text, which is not a name);
 * else the last part of each `Classifier: License :: ...` (`MIT License`).
 * The name is kept as declared; the purl uses the PEP 503 normalised name.
 *
 * This file also exports the PyPI helpers the other Python analyzers use.
 */

import * as pep440 from '@renovatebot/pep440';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag, location, purl } from './npm-lock.ts';

const ID = 'lang/python-dist';

export const pythonDistAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'PyPI',
  maxFileBytes: 8 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)[^/]+(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|\.egg-info|\.egg\/EGG-INFO\/PKG-INFO)$/.test(
      path,
    );
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const text = decodeText(await file.read());
    const diagnostics: Diagnostic[] = [];
    const headers = readHeaders(text);
    const name = headers.get('name')?.[0];
    const version = headers.get('version')?.[0];
    if (!name || !version) {
      diagnostics.push(
        diag(
          'warning',
          'python-dist.no-version',
          `core metadata without ${name ? 'a Version' : 'a Name'} header`,
          file.path,
          name ? headers.line('name') : 1,
        ),
      );
      return { value: [], diagnostics };
    }
    if (!isPypiName(name.value)) {
      diagnostics.push(
        diag('warning', 'python-dist.invalid-name', `invalid distribution name "${name.value}"`, file.path, name.line),
      );
      return { value: [], diagnostics };
    }
    if (!pep440.valid(version.value)) {
      diagnostics.push(
        diag(
          'info',
          'python-dist.invalid-version',
          `version "${version.value}" is not a PEP 440 version; kept as is`,
          file.path,
          version.line,
        ),
      );
    }
    const licenses = readLicenses(headers);
    return {
      value: [
        {
          name: name.value,
          version: version.value,
          ecosystem: 'PyPI',
          purl: pypiPurl(name.value, version.value),
          kind: 'lang',
          analyzer: ID,
          location: location(file, name.line),
          ...(licenses.length > 0 ? { licenses } : {}),
        },
      ],
      diagnostics,
    };
  },
};

interface Header {
  readonly value: string;
  readonly line: number;
}

/** Header fields by lower-case name, in order; continuation lines are joined with '\n'. */
function readHeaders(text: string): { get(name: string): Header[] | undefined; line(name: string): number } {
  const fields = new Map<string, Header[]>();
  const lines = text.split(/\r?\n/);
  let last: { name: string; value: string; line: number } | undefined;
  const flush = (): void => {
    if (last) {
      const list = fields.get(last.name) ?? [];
      list.push({ value: last.value.trim(), line: last.line });
      fields.set(last.name, list);
      last = undefined;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') {
      break; // the body (long description) follows the first blank line
    }
    if (/^[ \t]/.test(raw)) {
      if (last) {
        last.value += `\n${raw.trim()}`;
      }
      continue;
    }
    flush();
    const colon = raw.indexOf(':');
    if (colon > 0) {
      last = { name: raw.slice(0, colon).trim().toLowerCase(), value: raw.slice(colon + 1), line: i + 1 };
    }
  }
  flush();
  return {
    get: (name) => fields.get(name),
    line: (name) => fields.get(name)?.[0]?.line ?? 1,
  };
}

function readLicenses(headers: { get(name: string): Header[] | undefined }): string[] {
  const expression = headers.get('license-expression')?.[0]?.value;
  if (expression) {
    return [expression];
  }
  const license = headers.get('license')?.[0]?.value;
  if (license && !license.includes('\n') && license.length <= 100 && license.toUpperCase() !== 'UNKNOWN') {
    return [license];
  }
  const out: string[] = [];
  for (const c of headers.get('classifier') ?? []) {
    const parts = c.value.split('::').map((p) => p.trim());
    if (parts[0] === 'License' && parts.length > 1) {
      const last = parts[parts.length - 1]!;
      if (!out.includes(last)) {
        out.push(last);
      }
    }
  }
  return out;
}

/** A valid distribution name (https://packaging.python.org/en/latest/specifications/name-normalization/). */
export function isPypiName(name: string): boolean {
  return /^(?:[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}

/** PEP 503 normalised name: runs of `-`, `_`, `.` become one `-`, lower case. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** `pkg:pypi/<normalised name>@<version>` (purl-spec pypi type). */
export function pypiPurl(name: string, version: string): string {
  return purl('pypi', undefined, normalizePypiName(name), version);
}

/** A PyPI package found in a lockfile or requirements file. */
export function pypiPackage(
  analyzer: string,
  file: FileInput,
  name: string,
  version: string,
  line: number | undefined,
  dev: boolean,
): Package {
  return {
    name,
    version,
    ecosystem: 'PyPI',
    purl: pypiPurl(name, version),
    kind: 'lang',
    analyzer,
    location: location(file, line),
    ...(dev ? { dev: true } : {}),
  };
}
