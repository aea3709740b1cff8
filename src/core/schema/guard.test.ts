import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Container, KubeObject, ObjectMeta, PodSpec } from '../model/kubernetes.ts';
import { compileGuard, compileParser } from './guard.ts';

const VALID_POD_SPEC = {
  hostNetwork: false,
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
    sysctls: [{ name: 'a', value: '1' }],
  },
  containers: [
    {
      name: 'app',
      image: 'nginx:1',
      ports: [{ containerPort: 80, hostPort: 0 }],
      env: [
        { name: 'A', value: 'b' },
        { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      ],
      resources: { limits: { cpu: '500m', memory: 134217728 } },
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
      livenessProbe: { httpGet: { port: 'http', host: 'localhost' } },
      extraField: { anything: [1, 2] },
    },
  ],
  volumes: [
    { name: 'v', hostPath: { path: '/tmp' } },
    { name: 'w', emptyDir: {} },
  ],
  unknownTopLevel: 'kept',
};

/** Variants that break one declared field each (or none), to compare guard and zod. */
function variants(): unknown[] {
  const out: unknown[] = [VALID_POD_SPEC, {}, null, [], 'x', 1];
  const breakers: ((s: Record<string, unknown>) => void)[] = [
    (s) => (s.hostNetwork = 'true'),
    (s) => (s.containers = 'nginx'),
    (s) => (s.containers = [null]),
    (s) => (s.containers = [{ image: 'no-name' }]),
    (s) => ((s.securityContext as Record<string, unknown>).runAsUser = 1.5),
    (s) => ((s.securityContext as Record<string, unknown>).runAsUser = '1000'),
    (s) => ((s.securityContext as Record<string, unknown>).sysctls = [{ value: '1' }]),
    (s) => ((s.containers as Record<string, unknown>[])[0]!.ports = [{ hostPort: '80' }]),
    (s) => ((s.containers as Record<string, unknown>[])[0]!.resources = { limits: { cpu: true } }),
    (s) => ((s.containers as Record<string, unknown>[])[0]!.securityContext = { capabilities: { add: [1] } }),
    (s) => ((s.containers as Record<string, unknown>[])[0]!.livenessProbe = { httpGet: { port: null } }),
    (s) => ((s.volumes as unknown[])[0] = { hostPath: { path: '/x' } }),
    (s) => (s.securityContext = undefined),
    (s) => (s.volumes = undefined),
  ];
  for (const breaker of breakers) {
    const copy = structuredClone(VALID_POD_SPEC) as Record<string, unknown>;
    breaker(copy);
    out.push(copy);
  }
  return out;
}

describe('compileGuard', () => {
  const cases: [string, z.ZodType][] = [
    ['PodSpec', PodSpec],
    ['Container', Container],
    ['ObjectMeta', ObjectMeta],
    ['KubeObject', KubeObject],
  ];
  for (const [name, schema] of cases) {
    it(`agrees with zod on ${name}`, () => {
      const guard = compileGuard(schema);
      const inputs = [
        ...variants(),
        ...(variants() as Record<string, unknown>[]).map((v) => v && (v as { containers?: unknown[] }).containers?.[0]),
      ];
      for (const input of inputs) {
        assert.equal(guard(input), schema.safeParse(input).success, JSON.stringify(input));
      }
    });
  }

  it('handles strict objects, literals, enums, string checks and falls back for the rest', () => {
    const schema = z.strictObject({
      kind: z.literal('Config'),
      level: z.enum(['a', 'b']),
      name: z.string().min(2).max(4),
      tag: z.string().regex(/^v\d+$/),
      email: z.string().email().optional(),
      n: z.number().int().optional(),
      nullable: z.string().nullable().optional(),
    });
    const guard = compileGuard(schema);
    const inputs = [
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1' },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1', extra: 1 },
      { kind: 'Other', level: 'a', name: 'ab', tag: 'v1' },
      { kind: 'Config', level: 'c', name: 'ab', tag: 'v1' },
      { kind: 'Config', level: 'a', name: 'a', tag: 'v1' },
      { kind: 'Config', level: 'a', name: 'abcde', tag: 'v1' },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'x1' },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1', email: 'not-an-email' },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1', email: 'a@b.co' },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1', n: 2.5 },
      { kind: 'Config', level: 'a', name: 'ab', tag: 'v1', nullable: null },
    ];
    for (const input of inputs) {
      assert.equal(guard(input), schema.safeParse(input).success, JSON.stringify(input));
    }
  });

  it('does not copy: the validated value is the input', () => {
    const guard = compileGuard(PodSpec);
    assert.equal(guard(VALID_POD_SPEC), true);
  });
});

describe('compileParser', () => {
  it('returns the value itself, not a copy, when the schema needs nothing from zod', () => {
    const parse = compileParser(PodSpec);
    const spec = structuredClone(VALID_POD_SPEC);
    const result = parse(spec);
    assert.equal(result.success, true);
    assert.equal(result.success && result.data, spec);
  });

  it("gives zod's issues for a rejected value", () => {
    const parse = compileParser(PodSpec);
    const result = parse({ containers: 'nginx' });
    assert.equal(result.success, false);
    assert.deepEqual(
      !result.success && result.error.issues.map((i) => i.path.join('.')),
      PodSpec.safeParse({ containers: 'nginx' }).error?.issues.map((i) => i.path.join('.')),
    );
  });

  it("gives zod's output when a part of the schema transforms or defaults", () => {
    const schema = z.object({ name: z.string(), replicas: z.number().default(1), tags: z.array(z.string().trim()) });
    const parse = compileParser(schema);
    const value = { name: 'a', tags: [' x '] };
    const result = parse(value);
    assert.equal(result.success, true);
    assert.notEqual(result.success && result.data, value);
    assert.deepEqual(result.success && result.data, { name: 'a', replicas: 1, tags: ['x'] });
  });

  it('treats a transform nested in an array, a record or a union as inexact too', () => {
    const nested = [
      z.array(z.object({ n: z.string().transform((s) => s.length) })),
      z.record(z.string(), z.number().default(0)),
      z.union([z.string().transform((s) => s.toUpperCase()), z.number()]),
    ];
    const values: unknown[] = [[{ n: 'abc' }], { a: undefined }, 'abc'];
    nested.forEach((schema, i) => {
      const result = compileParser(schema as z.ZodType<unknown>)(values[i]);
      assert.equal(result.success, true);
      assert.deepEqual(result.success && result.data, (schema as z.ZodType<unknown>).parse(values[i]));
    });
  });
});
