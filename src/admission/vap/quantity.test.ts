import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isQuantity, parseExactQuantity, Quantity, quantityFromInteger } from './quantity.ts';

function q(text: string): Quantity {
  const parsed = parseExactQuantity(text);
  assert.ok(parsed instanceof Quantity, `${text} should parse`);
  return parsed;
}

describe('exact quantities', () => {
  it('parses every suffix form into nano-units', () => {
    const cases: [string, bigint][] = [
      ['1', 1_000_000_000n],
      ['500m', 500_000_000n],
      ['0.5', 500_000_000n],
      ['.5', 500_000_000n],
      ['1.', 1_000_000_000n],
      ['+2', 2_000_000_000n],
      ['-1m', -1_000_000n],
      ['1k', 1_000_000_000_000n],
      ['1Ki', 1024n * 1_000_000_000n],
      ['1.5Gi', 1_610_612_736n * 1_000_000_000n],
      ['1e3', 1000n * 1_000_000_000n],
      ['1E3', 1000n * 1_000_000_000n],
      ['1E', 10n ** 27n],
      ['1Ei', 2n ** 60n * 1_000_000_000n],
      ['2e-3', 2_000_000n],
    ];
    for (const [text, nanos] of cases) {
      assert.equal(q(text).nanos, nanos, text);
    }
  });

  it('rounds values finer than a nano-unit away from zero, as the API server does', () => {
    assert.equal(q('0.0000000001').nanos, 1n);
    assert.equal(q('-0.0000000001').nanos, -1n);
    assert.equal(q('1.0000000001').nanos, 1_000_000_001n);
  });

  it('refuses text that is not a quantity, with the reason', () => {
    for (const text of ['', 'abc', '1.5.5', '1KB', '1e', 'Gi', '1 Gi', '--1', '1e5000']) {
      assert.equal(isQuantity(text), false, text);
    }
    assert.deepEqual(parseExactQuantity('lots'), { error: '"lots" is not a Kubernetes quantity' });
  });

  it('compares, adds and subtracts exactly', () => {
    assert.equal(q('1Gi').compareTo(q('1G')), 1n);
    assert.equal(q('1').compareTo(q('1000m')), 0n);
    assert.equal(q('999m').compareTo(q('1')), -1n);
    assert.equal(q('0.1').add(q('0.2')).nanos, q('300m').nanos);
    assert.equal(q('1').sub(q('1500m')).text, '-0.5');
    assert.equal(q('1.5').add(quantityFromInteger(2n)).text, '3.5');
  });

  it('tells whole 64-bit values apart and converts them', () => {
    assert.equal(q('2k').isInteger(), true);
    assert.equal(q('2k').asInteger(), 2000n);
    assert.equal(q('1500m').isInteger(), false);
    assert.throws(() => q('1500m').asInteger(), /not a whole 64-bit integer/);
    assert.equal(q('9223372036854775807').isInteger(), true);
    assert.equal(q('9223372036854775808').isInteger(), false);
    assert.equal(q('-3').sign(), -1n);
    assert.equal(q('0').sign(), 0n);
    assert.equal(q('1.25').asApproximateFloat(), 1.25);
    assert.equal(q('-512Mi').asApproximateFloat(), -536870912);
  });
});
