import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '#test/helpers/fixtures.ts';
import { containerDefaultsByNamespace, parseQuantity, podLevelResources, resourceValueState } from './quantity.ts';

describe('parseQuantity', () => {
  const valid: readonly (readonly [string | number, number])[] = [
    ['1', 1],
    ['500m', 0.5],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['2.', 2],
    ['+1', 1],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1k', 1000],
    ['1E', 1e18],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-3', 0.005],
    ['0', 0],
    [2, 2],
    [0.25, 0.25],
  ];
  for (const [input, value] of valid) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const parsed = parseQuantity(input);
      assert.ok(parsed.valid);
      assert.ok(Math.abs(parsed.value - value) < 1e-9 * Math.max(1, value), `${parsed.value} != ${value}`);
    });
  }
  for (const input of ['', 'abc', '1KB', '1 Gi', 'Mi', '1.2.3', '1ki']) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseQuantity(input), { valid: false, reason: `"${input}" is not a Kubernetes quantity` });
    });
  }
});

describe('resourceValueState', () => {
  const cases: readonly (readonly [string | number | undefined, string])[] = [
    [undefined, 'missing'],
    ['', 'missing'],
    ['  ', 'missing'],
    ['0', 'zero'],
    [0, 'zero'],
    ['0m', 'zero'],
    ['-1', 'zero'],
    ['lots', 'invalid'],
    ['100m', 'set'],
    [1, 'set'],
  ];
  for (const [value, state] of cases) {
    it(`${JSON.stringify(value)} is ${state}`, () => {
      assert.equal(resourceValueState(value), state);
    });
  }
});

describe('podLevelResources', () => {
  it('reads spec.resources.limits and requests', () => {
    const spec = { resources: { limits: { cpu: '1' }, requests: 'bogus' } };
    assert.deepEqual(podLevelResources(spec, 'limits'), { cpu: '1' });
    assert.equal(podLevelResources(spec, 'requests'), undefined);
    assert.equal(podLevelResources({}, 'limits'), undefined);
  });
});

describe('containerDefaultsByNamespace', () => {
  it('applies the API server defaults of LimitRange items of type Container', () => {
    const { inventory } = loadText(`
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: shop }
spec:
  limits:
    - type: Container
      default: { memory: 512Mi }
      min: { cpu: 50m }
    - type: Pod
      max: { cpu: "4" }
---
apiVersion: v1
kind: LimitRange
metadata: { name: caps, namespace: batch }
spec:
  limits:
    - type: Container
      max: { cpu: "2", memory: "" }
---
apiVersion: v1
kind: LimitRange
metadata: { name: bundle }
spec:
  limits:
    - type: Container
      defaultRequest: { cpu: 100m }
`);
    const defaults = containerDefaultsByNamespace(inventory);
    assert.deepEqual([...(defaults.get('shop')?.limits ?? [])], ['memory']);
    assert.deepEqual([...(defaults.get('shop')?.requests ?? [])].sort(), ['cpu', 'memory']);
    assert.deepEqual([...(defaults.get('batch')?.limits ?? [])], ['cpu']);
    assert.deepEqual([...(defaults.get('batch')?.requests ?? [])], ['cpu']);
    assert.deepEqual([...(defaults.get('')?.limits ?? [])], []);
    assert.deepEqual([...(defaults.get('')?.requests ?? [])], ['cpu']);
    assert.equal(defaults.get('other'), undefined);
  });
});
