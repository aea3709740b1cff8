import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
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

  /** Asserts the guard and zod agree on every input. */
  function agrees(schema: z.ZodType, inputs: readonly unknown[]): void {
    const guard = compileGuard(schema);
    for (const input of inputs) {
      assert.equal(guard(input), schema.safeParse(input).success, inspect(input));
    }
  }

  const anything: unknown[] = [
    undefined,
    null,
    0,
    -0,
    1,
    1.5,
    -3,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '',
    'a',
    'abc',
    '😀😀',
    true,
    false,
    10n,
    [],
    {},
    [1, 'a'],
  ];

  it('agrees on literals of several types and on enums', () => {
    agrees(z.literal('a'), anything);
    agrees(z.literal(1), anything);
    agrees(z.literal(0), anything);
    agrees(z.literal(true), anything);
    agrees(z.literal(null), anything);
    agrees(z.literal(undefined), anything);
    agrees(z.literal(10n), anything);
    agrees(z.literal(['a', 1, false, 'it\'s "quoted"']), [...anything, 'it\'s "quoted"']);
    agrees(z.literal(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']), [...anything, 'j', 'k']);
    agrees(z.enum(['a', 'b']), anything);
    agrees(z.enum({ A: 1, B: 'b' }), [...anything, 'A', 'B', 'b']);
  });

  it('agrees on numbers, number formats, strings and string checks', () => {
    agrees(z.number(), anything);
    agrees(z.number().int(), anything);
    agrees(z.int(), anything);
    agrees(z.int32(), anything);
    agrees(z.uint32(), anything);
    agrees(z.number().min(0).max(2), anything);
    agrees(z.number().gt(0).lt(2), anything);
    agrees(z.number().multipleOf(2), anything);
    agrees(z.string(), anything);
    agrees(z.string().min(2), anything);
    agrees(z.string().max(2), [...anything, '😀😀😀', 'ab😀']);
    agrees(z.string().length(2), [...anything, 'ab', '😀']);
    agrees(z.string().regex(/^a/g), [...anything, 'ab', 'ba']);
    agrees(z.email(), [...anything, 'a@b.co']);
    agrees(z.string().trim(), anything);
    agrees(z.boolean(), anything);
    agrees(z.null(), anything);
    agrees(z.coerce.number(), anything);
  });

  it('agrees on optional, nullable, nullish and unknown properties, present or absent', () => {
    const inputs = [{}, { a: undefined }, { a: null }, { a: 'x' }, { a: 1 }, null, [], 'a'];
    agrees(z.object({ a: z.string() }), inputs);
    agrees(z.object({ a: z.string().optional() }), inputs);
    agrees(z.object({ a: z.string().nullable() }), inputs);
    agrees(z.object({ a: z.string().nullish() }), inputs);
    agrees(z.object({ a: z.string().exactOptional() }), inputs);
    agrees(z.object({ a: z.unknown() }), inputs);
    agrees(z.object({ a: z.any().optional() }), inputs);
    agrees(z.object({ a: z.literal(undefined) }), inputs);
    agrees(z.object({ a: z.union([z.string(), z.undefined()]) }), inputs);
    agrees(
      z.object({
        a: z
          .string()
          .optional()
          .refine((s) => s !== undefined),
      }),
      inputs,
    );
  });

  it('agrees on odd keys: __proto__, constructor, quotes', () => {
    const odd = JSON.parse('{"__proto__": 1, "constructor": "c", "it\'s \\"q\\"": "q"}') as unknown;
    const inputs = [odd, {}, { constructor: 'c' }, { 'it\'s "q"': 1 }, JSON.parse('{"__proto__": "s"}')];
    agrees(z.object({ constructor: z.string().optional() }), inputs);
    agrees(z.object({ constructor: z.string() }), inputs);
    agrees(z.object({ 'it\'s "q"': z.string() }), inputs);
    agrees(z.object({ toString: z.unknown() }), inputs);
    agrees(z.strictObject({ constructor: z.string().optional(), 'it\'s "q"': z.string().optional() }), inputs);
    agrees(z.strictObject({ ['__proto__']: z.string() }), inputs);
    agrees(z.record(z.string(), z.string()), inputs);
    agrees(z.record(z.string(), z.number()), inputs);
  });

  it('agrees on strict and catchall objects, records, arrays and unions', () => {
    agrees(z.strictObject({ a: z.string() }), [{ a: 'x' }, { a: 'x', b: 1 }, { b: 1 }, {}]);
    agrees(z.object({ a: z.string() }).catchall(z.number()), [{ a: 'x' }, { a: 'x', b: 1 }, { a: 'x', b: 'y' }]);
    agrees(
      z.object({ a: z.string() }).refine((o) => o.a.length > 1),
      [{ a: 'x' }, { a: 'xy' }],
    );
    const record = z.record(z.string(), z.number().int());
    const inherited = Object.create({ bad: 'x' }) as Record<string, unknown>;
    inherited.good = 1;
    agrees(record, [{}, { a: 1 }, { a: 1.5 }, { a: '1' }, { a: 1, [Symbol('s')]: 1 }, new Date(), inherited, []]);
    agrees(z.looseRecord(z.string(), z.number()), [{ a: 1, [Symbol('s')]: 1 }]);
    agrees(z.record(z.enum(['a', 'b']), z.number()), [{ a: 1, b: 2 }, { a: 1 }]);
    // biome-ignore lint/suspicious/noSparseArray: a hole must read as undefined, like zod
    const holes = [1, , 3];
    agrees(z.array(z.number()), [[], [1, 2], [1, 'a'], holes, {}, 'ab']);
    agrees(z.array(z.number().optional()), [holes, [undefined]]);
    agrees(z.array(z.string()).min(1).max(2), [[], ['a'], ['a', 'b', 'c']]);
    agrees(z.union([z.string(), z.number().int(), z.object({ a: z.boolean() })]), [...anything, { a: true }, { a: 1 }]);
    agrees(z.union([z.string().min(3), z.string().max(1)]), ['', 'ab', 'abc']);
    agrees(z.xor([z.string().min(1), z.string().max(3)]), ['', 'ab', 'abcd']);
    const shapes = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a'), n: z.number() }),
      z.object({ kind: z.literal('b'), s: z.string() }),
    ]);
    agrees(shapes, [{ kind: 'a', n: 1 }, { kind: 'a', s: 'x' }, { kind: 'b', s: 'x' }, { kind: 'c' }, {}, null, []]);
  });

  it('handles a schema that contains itself through a getter', () => {
    const Tree = z.object({
      name: z.string(),
      get children(): z.ZodOptional<z.ZodArray<typeof Tree>> {
        return z.array(Tree).optional();
      },
    });
    agrees(Tree, [
      { name: 'a' },
      { name: 'a', children: [{ name: 'b', children: [] }] },
      { name: 'a', children: [{}] },
    ]);
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
