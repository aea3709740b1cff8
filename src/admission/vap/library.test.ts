import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyEnvironment } from './compile.ts';

const env = policyEnvironment();
const run = (expression: string, object: unknown = null): unknown => env.evaluate(expression, { object });

describe('Kubernetes CEL libraries', () => {
  it('evaluates each function as the Kubernetes CEL documentation states', () => {
    const cases: [string, unknown][] = [
      // regex
      ["'abc 123'.find('[0-9]+')", '123'],
      ["'abc'.find('[0-9]+')", ''],
      ["'123 abc 456'.findAll('[0-9]+')", ['123', '456']],
      ["'123 abc 456'.findAll('[0-9]+', 1)", ['123']],
      ["'123 abc 456'.findAll('[0-9]+', 0)", []],
      // strings
      ["'a-b-c'.replace('-', '+')", 'a+b+c'],
      ["'a-b-c'.replace('-', '+', 1)", 'a+b-c'],
      ["'héllo'.charAt(1)", 'é'],
      ["'hello'.charAt(5)", ''],
      ["'héllo'.reverse()", 'olléh'],
      ["'TacoCat'.lowerAscii()", 'tacocat'],
      ["'a,b'.split(',')", ['a', 'b']],
      ["['a', 'b'].join('/')", 'a/b'],
      // lists
      ['[1, 2, 3].isSorted()', true],
      ["['b', 'a'].isSorted()", false],
      ['[1, 2, 3].sum()', 6n],
      ['[1.5, 2.5].sum()', 4],
      ['[].sum()', 0n],
      ['[3, 1, 2].min()', 1n],
      ["['a', 'c', 'b'].max()", 'c'],
      ['[1, 2, 2, 3].indexOf(2)', 1n],
      ['[1, 2, 2, 3].lastIndexOf(2)', 2n],
      ['[1, 2].indexOf(5)', -1n],
      ['[[1], [2]].indexOf([2])', 1n],
      // url
      ["url('https://example.com:80/').getHost()", 'example.com:80'],
      ["url('https://[::1]:80/').getHostname()", '::1'],
      ["url('https://example.com:80/').getPort()", '80'],
      ["url('/absolute-path').getScheme()", ''],
      ["url('https://example.com/path with spaces/').getEscapedPath()", '/path%20with%20spaces/'],
      ["url('https://example.com/?k=v&k=v2').getQuery()['k']", ['v', 'v2']],
      ["isURL('https://example.com')", true],
      ["isURL('not a url')", false],
      // quantity
      ["quantity('1Gi').isGreaterThan(quantity('1G'))", true],
      ["quantity('500m').isLessThan(quantity('1'))", true],
      ["quantity('1') == quantity('1000m')", true],
      ["quantity('1') != quantity('2')", true],
      ["quantity('200M').compareTo(quantity('0.2G'))", 0n],
      ["quantity('1.5').add(quantity('500m')).asInteger()", 2n],
      ["quantity('1.5').add(1).asApproximateFloat()", 2.5],
      ["quantity('5').sub(7).sign()", -1n],
      ["quantity('5').sub(quantity('5')).sign()", 0n],
      ["quantity('1.5').isInteger()", false],
      ["isQuantity('1.3G')", true],
      ["isQuantity('1.3GB')", false],
      ["quantity(object.spec.memory).isLessThan(quantity('1Gi'))", true],
    ];
    for (const [expression, expected] of cases) {
      const object = { spec: { memory: '512Mi' } };
      const actual = run(expression, object);
      assert.deepEqual(actual instanceof Map ? Object.fromEntries(actual) : actual, expected, expression);
    }
  });

  it('raises CEL errors where the documentation says the call fails', () => {
    const cases: [string, RegExp][] = [
      ['[].min()', /list must not be empty/],
      ["[1, 'a'].sum()", /all be int or all be double/],
      ["quantity('1.5').asInteger()", /not a whole 64-bit integer/],
      ["quantity('lots')", /not a Kubernetes quantity/],
      ["url('relative')", /not an absolute URI/],
      ["'abc'.find('(')", /invalid regular expression/],
      ["'abc'.charAt(4)", /index out of range/],
    ];
    for (const [expression, error] of cases) {
      assert.throws(() => run(expression), error, expression);
    }
  });
});
