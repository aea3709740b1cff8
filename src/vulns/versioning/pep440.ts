/**
 * Python package versions (PyPI), as pip compares them: PEP 440.
 *
 * Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/ (PEP 440),
 * implemented by @renovatebot/pep440. Accepts the normalisations the spec allows: case
 * (`1.0RC1`), separators (`1.0-1` = `1.0.post1`, `1.0_a1` = `1.0a1`), implicit numbers
 * (`1.0.dev` = `1.0.dev0`), a leading `v` and surrounding whitespace; epochs (`1!2.0`) and local
 * versions (`1.0+ubuntu.1`). Release segments ignore trailing zeros (`1.0` = `1.0.0`).
 */
import { compare as pep440Compare, parse as pep440Parse } from '@renovatebot/pep440';
import { defineScheme, fail, type Order, ok, type Parsed, sign } from './common.ts';

function parse(version: string): Parsed<string> {
  const trimmed = version.trim();
  return pep440Parse(trimmed) ? ok(trimmed) : fail('not a PEP 440 version');
}

export const pep440Scheme = defineScheme<string>({
  id: 'pep440',
  specUrl: 'https://packaging.python.org/en/latest/specifications/version-specifiers/',
  parse,
  compare: (a, b): Order => sign(pep440Compare(a, b)),
});
