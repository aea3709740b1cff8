/**
 * Maven: the examples of the POM reference's "Version Order Specification", one by one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mavenScheme } from './maven.ts';

const cases: readonly (readonly [string, '<' | '=' | '>', string])[] = [
  ['1', '<', '1.1'],
  ['1-snapshot', '<', '1'],
  ['1', '<', '1-sp'],
  ['1-foo2', '<', '1-foo10'],
  ['1.foo', '=', '1-foo'],
  ['1-foo', '<', '1-1'],
  ['1-1', '<', '1.1'],
  ['1.ga', '=', '1'],
  ['1-ga', '=', '1'],
  ['1-0', '=', '1'],
  ['1.0', '=', '1'],
  ['1-sp', '>', '1-ga'],
  ['1-sp.1', '>', '1-ga.1'],
  ['1-sp-1', '<', '1-ga-1'],
  ['1-a1', '=', '1-alpha-1'],
  ['1.0-alpha1', '=', '1.0-ALPHA1'],
  ['1.7', '>', '1.K'],
  ['5.zebra', '>', '5.aardvark'],
  ['1.\u03b1', '>', '1.b'],
  // Qualifier after a dot is read like one after a hyphen (1.0.RC2 < 1.0-RC3 < 1.0.1).
  ['1.0.RC2', '<', '1.0-RC3'],
  ['1.0-RC3', '<', '1.0.1'],
  // Numbers of any size.
  ['1.2147483648', '>', '1.2147483647'],
  ['1.99999999999999999999', '>', '1.9223372036854775807'],
];

const SYMBOL = { '-1': '<', '0': '=', '1': '>' } as const;

describe('maven: POM reference examples', () => {
  for (const [a, op, b] of cases) {
    it(`${a} ${op} ${b}`, () => {
      assert.equal(SYMBOL[String(mavenScheme.compare(a, b)) as '-1' | '0' | '1'], op);
    });
  }
});
