import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Container, KubeObject, ObjectMeta, PodSpec } from '../model/kubernetes.ts';
import { compileGuard } from './guard.ts';

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
