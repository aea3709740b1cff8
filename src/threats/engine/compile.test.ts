import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMacros } from './compile.ts';
import { parseDuration } from './schema.ts';

describe('expandMacros', () => {
  const macros = new Map([
    ['is_exec', 'subresource == "exec"'],
    ['risky', 'is_exec || verb == "delete"'],
  ]);

  it('expands bare names recursively inside parentheses', () => {
    assert.equal(expandMacros('risky && !x', macros), '((subresource == "exec") || verb == "delete") && !x');
  });

  it('leaves string literals, field selections and longer identifiers alone', () => {
    assert.equal(
      expandMacros('"is_exec" + \'risky\' + """is_exec""" + event.risky + is_exec_2 + r"a\\" + is_exec', macros),
      '"is_exec" + \'risky\' + """is_exec""" + event.risky + is_exec_2 + r"a\\" + (subresource == "exec")',
    );
    assert.equal(expandMacros('event . risky', macros), 'event . risky');
    assert.equal(expandMacros('"a\\"is_exec" == x', macros), '"a\\"is_exec" == x');
  });

  it('refuses cycles', () => {
    assert.throws(
      () =>
        expandMacros(
          'a',
          new Map([
            ['a', 'b'],
            ['b', 'a'],
          ]),
        ),
      /macro cycle: a -> b -> a/,
    );
  });
});

describe('parseDuration', () => {
  it('parses units and combinations', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('7d'), 604_800_000);
  });
  it('rejects malformed, empty and zero durations', () => {
    for (const bad of ['', '5', 'm', '5 m', '1.5h', '0s', '-1m', '1w'])
      assert.equal(parseDuration(bad), undefined, bad);
  });
});
