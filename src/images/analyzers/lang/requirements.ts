/**
 * pip requirements files: `requirements*.txt`.
 * Specification: https://pip.pypa.io/en/stable/reference/requirements-file-format/ and the
 * dependency specifier grammar, https://packaging.python.org/en/latest/specifications/dependency-specifiers/
 *
 * Only exactly pinned requirements (`name==1.2.3`, `name===1.2.3`, with optional extras
 * `name[extra]`) name a version that can be matched: they are the packages. Environment markers
 * (`; python_version < "3.8"`) are not evaluated, so a pinned requirement is reported whatever its
 * markers. Per-requirement options (`--hash=...`), comments and `\` line continuations are handled.
 * Unpinned requirements (ranges, wildcards, URLs) are skipped with an info diagnostic, as are
 * `-r`/`-c` includes (not followed: the other file is analysed on its own when it matches) and
 * `-e` editable installs. Each package is located at the first line of its (continued) line.
 */

import * as pep440 from '@renovatebot/pep440';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag } from './npm-lock.ts';
import { isPypiName, pypiPackage } from './python-dist.ts';

const ID = 'lang/requirements';

export const requirementsAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'PyPI',
  maxFileBytes: 16 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)requirements[^/]*\.txt$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const lines = decodeText(await file.read()).split(/\r?\n/);
    const packages: Package[] = [];
    const diagnostics: Diagnostic[] = [];
    for (let i = 0; i < lines.length; i++) {
      const start = i + 1;
      let logical = lines[i]!;
      while (logical.endsWith('\\') && i + 1 < lines.length) {
        logical = logical.slice(0, -1) + lines[++i]!;
      }
      if (logical.endsWith('\\')) {
        logical = logical.slice(0, -1);
      }
      const text = logical.replace(/(?:^|\s)#.*$/, '').trim();
      if (text === '') {
        continue;
      }
      const info = (code: string, message: string): void => {
        diagnostics.push(diag('info', code, message, file.path, start));
      };
      if (text.startsWith('-')) {
        const option = /^(-[a-zA-Z]|--[a-z-]+)/.exec(text)?.[1];
        if (option === '-r' || option === '--requirement' || option === '-c' || option === '--constraint') {
          info('requirements.include', `"${text}": included files are not followed`);
        } else if (option === '-e' || option === '--editable') {
          info('requirements.editable', `"${text}": an editable install has no version to match`);
        }
        continue; // index, find-links, trusted-host... options are not requirements
      }
      const spec = text
        .replace(/\s--?[a-zA-Z][\w-]*(?:[= ]\S+)?/g, '') // per-requirement options (--hash=..., --config-settings ...)
        .split(';')[0]!
        .trim();
      const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(spec);
      if (!m || !isPypiName(m[1]!)) {
        diagnostics.push(
          diag(
            'warning',
            'requirements.syntax',
            `cannot read a requirement from "${text.slice(0, 120)}"`,
            file.path,
            start,
          ),
        );
        continue;
      }
      const name = m[1]!;
      const constraint = m[2]!.trim();
      const pin = /^(===?)\s*([^\s,;]+)$/.exec(constraint);
      if (!pin || (pin[1] === '==' && pin[2]!.includes('*'))) {
        info(
          'requirements.unpinned',
          `"${name}" is not pinned to one version (${constraint || 'any version'}): it cannot be matched`,
        );
        continue;
      }
      const version = pin[2]!;
      if (pin[1] === '==' && !pep440.valid(version)) {
        diagnostics.push(
          diag(
            'warning',
            'requirements.invalid-version',
            `"${name}==${version}": not a PEP 440 version`,
            file.path,
            start,
          ),
        );
        continue;
      }
      packages.push(pypiPackage(ID, file, name, version, start, false));
    }
    return { value: packages, diagnostics };
  },
};
