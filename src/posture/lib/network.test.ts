import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '#test/helpers/fixtures.ts';
import { createContext } from '../evaluate.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import {
  buildPolicyIndex,
  compileSelector,
  defaultDeny,
  describeLabels,
  egressFirewallDenyRule,
  isolation,
  listNames,
  parseNetworkPolicy,
  podLabels,
  policyIndex,
} from './network.ts';
import { isWorkload, type Workload } from './pod.ts';

function policy(spec: unknown, name = 'p'): ReturnType<typeof parseNetworkPolicy> {
  return parseNetworkPolicy(name, { spec });
}

describe('compileSelector', () => {
  const cases: readonly {
    readonly name: string;
    readonly selector: Parameters<typeof compileSelector>[0];
    readonly labels: Record<string, string>;
    readonly matches: boolean;
  }[] = [
    { name: 'empty selects everything', selector: {}, labels: { app: 'web' }, matches: true },
    { name: 'absent selects everything', selector: undefined, labels: {}, matches: true },
    {
      name: 'matchLabels equal',
      selector: { matchLabels: { app: 'web' } },
      labels: { app: 'web', x: 'y' },
      matches: true,
    },
    {
      name: 'matchLabels other value',
      selector: { matchLabels: { app: 'web' } },
      labels: { app: 'db' },
      matches: false,
    },
    { name: 'matchLabels missing key', selector: { matchLabels: { app: 'web' } }, labels: {}, matches: false },
    { name: 'matchLabels empty value', selector: { matchLabels: { role: '' } }, labels: { role: '' }, matches: true },
    {
      name: 'In listed value',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      labels: { tier: 'b' },
      matches: true,
    },
    {
      name: 'In missing key',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
      labels: {},
      matches: false,
    },
    {
      name: 'NotIn missing key matches',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] },
      labels: {},
      matches: true,
    },
    {
      name: 'NotIn listed value',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] },
      labels: { tier: 'a' },
      matches: false,
    },
    {
      name: 'Exists',
      selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      labels: { tier: '' },
      matches: true,
    },
    {
      name: 'DoesNotExist',
      selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      labels: { tier: 'x' },
      matches: false,
    },
    {
      name: 'labels and expressions are ANDed',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
      labels: { app: 'web', canary: 'true' },
      matches: false,
    },
    {
      name: 'inherited object keys are not labels',
      selector: { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
      labels: {},
      matches: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const compiled = compileSelector(c.selector);
      assert.notEqual(typeof compiled, 'string');
      if (typeof compiled !== 'string') {
        assert.equal(compiled.matches(c.labels), c.matches);
      }
    });
  }

  it('reports selectors the API server rejects', () => {
    assert.equal(
      compileSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      'matchExpressions[0]: operator In needs at least one value',
    );
    assert.equal(
      compileSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      'matchExpressions[0]: operator Exists takes no values',
    );
    assert.equal(
      compileSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }),
      'matchExpressions[0]: unknown operator "Equals" (In, NotIn, Exists or DoesNotExist)',
    );
  });

  it('marks only selectors without requirements as empty', () => {
    assert.equal((compileSelector({ matchLabels: {}, matchExpressions: [] }) as { empty: boolean }).empty, true);
    assert.equal((compileSelector({ matchLabels: { a: 'b' } }) as { empty: boolean }).empty, false);
  });
});

describe('parseNetworkPolicy', () => {
  const cases: readonly {
    readonly name: string;
    readonly spec: unknown;
    readonly ingress: boolean;
    readonly egress: boolean;
    readonly allowAllIngressRule?: number;
    readonly allowAllEgressRule?: number;
  }[] = [
    { name: 'no spec: Ingress only', spec: undefined, ingress: true, egress: false },
    { name: 'unset policyTypes, no egress rules', spec: { podSelector: {} }, ingress: true, egress: false },
    { name: 'unset policyTypes, empty egress list', spec: { egress: [] }, ingress: true, egress: false },
    {
      name: 'unset policyTypes with egress rules',
      spec: { egress: [{ to: [{ podSelector: {} }] }] },
      ingress: true,
      egress: true,
    },
    {
      name: 'empty policyTypes defaults too',
      spec: { policyTypes: [], egress: [{ ports: [{ port: 53 }] }] },
      ingress: true,
      egress: true,
    },
    { name: 'Egress only', spec: { policyTypes: ['Egress'] }, ingress: false, egress: true },
    {
      name: 'allow-all ingress rule',
      spec: { ingress: [{ from: [{ podSelector: {} }] }, {}] },
      ingress: true,
      egress: false,
      allowAllIngressRule: 1,
    },
    {
      name: 'null rule is an empty rule',
      spec: { ingress: [null] },
      ingress: true,
      egress: false,
      allowAllIngressRule: 0,
    },
    {
      name: 'rule with empty peer list and empty ports allows all',
      spec: { policyTypes: ['Egress'], egress: [{ to: [], ports: [] }] },
      ingress: false,
      egress: true,
      allowAllEgressRule: 0,
    },
    {
      name: 'rule with ports only does not allow all',
      spec: { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] },
      ingress: true,
      egress: false,
    },
    {
      name: 'rules of a direction not in policyTypes are ignored',
      spec: { policyTypes: ['Egress'], ingress: [{}] },
      ingress: false,
      egress: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const parsed = policy(c.spec);
      assert.equal(typeof parsed, 'object');
      if (typeof parsed === 'object') {
        assert.equal(parsed.ingress, c.ingress);
        assert.equal(parsed.egress, c.egress);
        assert.equal(parsed.allowAllIngressRule, c.allowAllIngressRule);
        assert.equal(parsed.allowAllEgressRule, c.allowAllEgressRule);
      }
    });
  }

  it('rejects what the API server would reject', () => {
    assert.equal(policy({ policyTypes: ['Ingres'] }), 'spec.policyTypes: unknown type "Ingres" (Ingress or Egress)');
    assert.equal(
      policy({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }),
      'spec.podSelector.matchExpressions[0]: operator In needs at least one value',
    );
    assert.match(String(policy({ podSelector: 'app=web' })), /^spec\.podSelector: /);
    assert.match(
      String(policy({ podSelector: { matchLabels: { version: 2 } } })),
      /^spec\.podSelector\.matchLabels\.version: /,
    );
  });
});

describe('isolation and defaultDeny', () => {
  const fixture = loadText(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-out, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]
---
apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: legacy-deny, namespace: legacy}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: broken}
spec:
  policyTypes: [Sideways]
---
apiVersion: k8s.ovn.org/v1
kind: EgressFirewall
metadata: {name: default, namespace: shop}
spec:
  egress:
  - {type: Allow, to: {cidrSelector: 10.0.0.0/8}}
  - {type: Deny, to: {cidrSelector: 0.0.0.0/0}}
---
apiVersion: k8s.ovn.org/v1
kind: EgressFirewall
metadata: {name: ignored, namespace: legacy}
spec:
  egress:
  - {type: Deny, to: {cidrSelector: 0.0.0.0/0}}
`);
  const index = buildPolicyIndex(fixture.inventory);

  it('isolates pods a policy selects for the direction', () => {
    const result = isolation(index.get('shop'), { app: 'web' }, 'Ingress');
    assert.equal(result.status, 'isolated');
  });

  it('explains why other pods are not isolated', () => {
    assert.deepEqual(isolation(index.get('shop'), { app: 'db' }, 'Ingress'), {
      status: 'not-isolated',
      otherPods: ['web-in'],
      otherDirection: ['all-out'],
    });
  });

  it('reports allow-all rules of selecting policies', () => {
    assert.deepEqual(isolation(index.get('shop'), { app: 'web' }, 'Egress'), {
      status: 'allow-all',
      openedBy: [{ policy: 'all-out', rule: 0 }],
    });
  });

  it('reads NetworkPolicy from the extensions group', () => {
    assert.deepEqual(defaultDeny(index.get('legacy'), 'Ingress'), { status: 'deny', policies: ['legacy-deny'] });
    assert.deepEqual(defaultDeny(index.get('legacy'), 'Egress'), { status: 'none' });
  });

  it('is indeterminate when only an invalid policy could decide', () => {
    assert.deepEqual(isolation(index.get('broken'), {}, 'Ingress'), {
      status: 'indeterminate',
      invalid: [{ name: 'broken', reason: 'spec.policyTypes: unknown type "Sideways" (Ingress or Egress)' }],
    });
  });

  it('treats a namespace-wide allow-all as no default deny', () => {
    assert.deepEqual(defaultDeny(index.get('shop'), 'Egress'), {
      status: 'allow-all',
      openedBy: [{ policy: 'all-out', rule: 0 }],
    });
    assert.deepEqual(defaultDeny(index.get('shop'), 'Ingress'), { status: 'none' });
  });

  it('records only EgressFirewalls named "default" that end with a catch-all Deny', () => {
    assert.deepEqual(index.get('shop').egressFirewalls, [{ kind: 'EgressFirewall', name: 'default', rule: 1 }]);
    assert.deepEqual(index.get('legacy').egressFirewalls, []);
    const nowhere = index.get('nowhere');
    assert.deepEqual([nowhere.policies, nowhere.invalid, nowhere.egressFirewalls], [[], [], []]);
  });

  it('is built once per scan through ctx.memo', () => {
    const ctx = createContext(fixture.inventory, DEFAULT_SETTINGS);
    assert.equal(policyIndex(ctx), policyIndex(ctx));
  });
});

describe('candidates', () => {
  const docs: string[] = [];
  const selectors = [
    '{}',
    '{matchLabels: {app: web}}',
    '{matchLabels: {app: db}}',
    '{matchLabels: {tier: front, app: web}}',
    '{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}',
    '{matchLabels: {app: web}, matchExpressions: [{key: canary, operator: DoesNotExist}]}',
    '{matchLabels: {team: a}}',
    '{matchLabels: {team: b}}',
    '{matchLabels: {app: cache}}',
    '{matchLabels: {tier: back}}',
    '{matchExpressions: [{key: team, operator: Exists}]}',
  ];
  for (const [i, selector] of selectors.entries()) {
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ns}\nspec: {podSelector: ${selector}}\n`,
    );
  }
  const policies = buildPolicyIndex(loadText(docs.join('---\n')).inventory).get('ns');
  const labelSets: readonly Record<string, string>[] = [
    {},
    { app: 'web' },
    { app: 'web', tier: 'front', team: 'a' },
    { app: 'db', canary: 'true' },
    { app: 'cache', tier: 'back', team: 'b' },
  ];

  it('finds exactly the selecting policies an exhaustive scan finds, in order', () => {
    for (const labels of labelSets) {
      const brute = policies.policies.filter((p) => p.selector.matches(labels)).map((p) => p.name);
      const indexed = policies
        .candidates(labels)
        .filter((p) => p.selector.matches(labels))
        .map((p) => p.name);
      assert.deepEqual(indexed, brute, describeLabels(labels));
    }
  });

  it('skips policies whose matchLabels the pod cannot have', () => {
    assert.deepEqual(
      policies.candidates({ app: 'db' }).map((p) => p.name),
      ['p0', 'p2', 'p4', 'p10'],
    );
  });
});

describe('egressFirewallDenyRule', () => {
  it('needs a Deny for 0.0.0.0/0 without ports', () => {
    assert.equal(egressFirewallDenyRule({ egress: [{ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } }] }), 0);
    assert.equal(
      egressFirewallDenyRule({ egress: [{ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' }, ports: [{ port: 80 }] }] }),
      undefined,
    );
    assert.equal(egressFirewallDenyRule({ egress: [{ type: 'Allow', to: { cidrSelector: '0.0.0.0/0' } }] }), undefined);
    assert.equal(egressFirewallDenyRule({ egress: 'nope' }), undefined);
  });
});

describe('podLabels', () => {
  const workloads = loadText(`
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    metadata: {labels: {app: m, job-name: custom}}
    spec: {containers: [{name: c, image: i}], restartPolicy: Never}
---
apiVersion: batch/v1
kind: Job
metadata: {name: manual}
spec:
  manualSelector: true
  selector: {matchLabels: {app: manual}}
  template:
    metadata: {labels: {app: manual}}
    spec: {containers: [{name: c, image: i}], restartPolicy: Never}
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: web}
spec:
  template:
    metadata: {labels: {deploymentconfig: other}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  selector: {matchLabels: {app: plain}}
  template:
    spec: {containers: [{name: c, image: i}]}
`).resources.filter(isWorkload) as Workload[];

  it('adds the labels controllers set with known values', () => {
    assert.deepEqual(
      workloads.map((w) => podLabels(w)),
      [
        { app: 'm', 'job-name': 'custom', 'batch.kubernetes.io/job-name': 'migrate' },
        { app: 'manual' },
        { deploymentconfig: 'web' },
        {},
      ],
    );
  });
});

describe('messages helpers', () => {
  it('describes labels sorted by key', () => {
    assert.equal(describeLabels({ tier: 'front', app: 'web' }), 'app=web, tier=front');
    assert.equal(describeLabels({}), 'no labels');
  });

  it('caps listed names', () => {
    assert.equal(listNames(['a']), '"a"');
    assert.equal(listNames(['a', 'b', 'c']), '"a", "b" and "c"');
    assert.equal(listNames(['a', 'b', 'c', 'd'], 2), '"a", "b" and 2 more');
  });
});
