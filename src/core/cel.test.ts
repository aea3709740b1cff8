import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteCelIdentifiers } from './cel.ts';

const upper = (word: string): string | undefined => (word === 'x' ? 'X' : undefined);

describe('rewriteCelIdentifiers', () => {
  it('offers bare identifiers only: not field selections, not string contents', () => {
    assert.equal(rewriteCelIdentifiers('x + a.x + x.y + f(x)', upper), 'X + a.x + X.y + f(X)');
    assert.equal(rewriteCelIdentifiers(`"x" + 'x' + """x "x" x""" + x`, upper), `"x" + 'x' + """x "x" x""" + X`);
    assert.equal(rewriteCelIdentifiers('a . x', upper), 'a . x', 'a selection with spaces is still a selection');
    assert.equal(rewriteCelIdentifiers('xx + _x + x1', upper), 'xx + _x + x1', 'whole identifiers only');
  });

  it('honours escapes, and raw strings that turn them off', () => {
    assert.equal(rewriteCelIdentifiers(String.raw`"a\"x" + x`, upper), String.raw`"a\"x" + X`);
    assert.equal(rewriteCelIdentifiers(String.raw`r"a\" + x`, upper), String.raw`r"a\" + X`);
    assert.equal(rewriteCelIdentifiers(String.raw`var"a\"x" + x`, upper), String.raw`var"a\"x" + X`);
  });

  it('keeps an unterminated string as it is', () => {
    assert.equal(rewriteCelIdentifiers('x + "x', upper), 'X + "x');
  });
});
