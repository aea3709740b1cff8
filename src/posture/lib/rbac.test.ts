import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '#core';
import { buildInventory, toResource } from '#inventory';
import { loadText } from '#test/helpers/fixtures.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import {
  buildRbacModel,
  classifySubject,
  describeGrantedPermissions,
  describeRule,
  findGrants,
  type GrantingRule,
  grants,
  grantsIgnoringNames,
  grantsNonResource,
  type PolicyRule,
  privilegedSettingsOfScc,
  type ResourceRequest,
  readBinding,
  sccFindings,
  sccSubjects,
  subjectsOfConcern,
  unexpectedSccFindings,
} from './rbac.ts';

function rule(partial: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...partial };
}

function only(yaml: string): Resource {
  const { resources } = loadText(yaml);
  const [first] = resources;
  assert.ok(first, 'fixture has one object');
  return first;
}

describe('grants: RBAC authorizer matching', () => {
  const execCreate: ResourceRequest = { verb: 'create', group: '', resource: 'pods', subresource: 'exec', name: 'web' };
  const cases: readonly { name: string; rule: PolicyRule; request: ResourceRequest; expected: boolean }[] = [
    {
      name: 'exact verb, group and resource',
      rule: rule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }),
      request: { verb: 'get', group: '', resource: 'secrets' },
      expected: true,
    },
    {
      name: 'verb is case-sensitive and exact',
      rule: rule({ verbs: ['GET', 'list'], apiGroups: [''], resources: ['secrets'] }),
      request: { verb: 'get', group: '', resource: 'secrets' },
      expected: false,
    },
    {
      name: '"*" verb, group and resource match everything',
      rule: rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }),
      request: execCreate,
      expected: true,
    },
    {
      name: 'the core group is "" and must be listed',
      rule: rule({ verbs: ['get'], apiGroups: ['apps'], resources: ['secrets'] }),
      request: { verb: 'get', group: '', resource: 'secrets' },
      expected: false,
    },
    {
      name: '"pods/exec" matches the exec subresource',
      rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] }),
      request: execCreate,
      expected: true,
    },
    {
      name: '"*/exec" matches exec of every resource',
      rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['*/exec'] }),
      request: execCreate,
      expected: true,
    },
    {
      name: '"pods/*" is a literal, not a wildcard',
      rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['pods/*'] }),
      request: execCreate,
      expected: false,
    },
    {
      name: '"pods" does not include its subresources',
      rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['pods'] }),
      request: execCreate,
      expected: false,
    },
    {
      name: '"*/exec" does not match the resource itself',
      rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['*/exec'] }),
      request: { verb: 'create', group: '', resource: 'pods' },
      expected: false,
    },
    {
      name: 'resourceNames allow a named request',
      rule: rule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'] }),
      request: { verb: 'get', group: '', resource: 'secrets', name: 'tls' },
      expected: true,
    },
    {
      name: 'resourceNames never allow a request without a name (list)',
      rule: rule({ verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'] }),
      request: { verb: 'list', group: '', resource: 'secrets' },
      expected: false,
    },
    {
      name: 'a non-resource rule grants no resource request',
      rule: rule({ verbs: ['*'], nonResourceURLs: ['*'] }),
      request: { verb: 'get', group: '', resource: 'secrets' },
      expected: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(grants(c.rule, c.request), c.expected);
    });
  }

  it('grantsIgnoringNames counts rules limited by resourceNames', () => {
    const named = rule({
      verbs: ['impersonate'],
      apiGroups: [''],
      resources: ['users'],
      resourceNames: ['system:admin'],
    });
    const request: ResourceRequest = { verb: 'impersonate', group: '', resource: 'users' };
    assert.equal(grants(named, request), false);
    assert.equal(grantsIgnoringNames(named, request), true);
  });

  it('anySubresource matches "resource/<key>", "*/<key>" and "*", not the bare resource', () => {
    const request: ResourceRequest = {
      verb: 'impersonate',
      group: 'authentication.k8s.io',
      resource: 'userextras',
      anySubresource: true,
    };
    const base = { verbs: ['impersonate'], apiGroups: ['authentication.k8s.io'] };
    assert.equal(grants(rule({ ...base, resources: ['userextras/scopes'] }), request), true);
    assert.equal(grants(rule({ ...base, resources: ['*/scopes'] }), request), true);
    assert.equal(grants(rule({ ...base, resources: ['*'] }), request), true);
    assert.equal(grants(rule({ ...base, resources: ['userextras'] }), request), false);
  });

  it('non-resource URLs: "*", exact path, and trailing-star prefix', () => {
    const r = rule({ verbs: ['get'], nonResourceURLs: ['/healthz/*', '/version'] });
    assert.equal(grantsNonResource(r, 'get', '/healthz/etcd'), true);
    assert.equal(grantsNonResource(r, 'get', '/healthz'), false);
    assert.equal(grantsNonResource(r, 'get', '/version'), true);
    assert.equal(grantsNonResource(r, 'post', '/version'), false);
    assert.equal(grantsNonResource(rule({ verbs: ['*'], nonResourceURLs: ['*'] }), 'delete', '/metrics'), true);
  });
});

describe('subject classification', () => {
  const settings = DEFAULT_SETTINGS;
  const cases: readonly [string, string, string | undefined, string][] = [
    ['User', 'alice', undefined, 'user'],
    ['User', 'system:anonymous', undefined, 'anonymous'],
    ['Group', 'system:unauthenticated', undefined, 'anonymous'],
    ['Group', 'system:authenticated', undefined, 'broad'],
    ['Group', 'system:authenticated:oauth', undefined, 'broad'],
    ['Group', 'system:serviceaccounts', undefined, 'broad'],
    ['Group', 'system:serviceaccounts:shop', undefined, 'broad'],
    ['Group', 'system:serviceaccounts:kube-system', undefined, 'system'],
    ['Group', 'system:masters', undefined, 'system'],
    ['Group', 'system:cluster-admins', undefined, 'system'],
    ['Group', 'developers', undefined, 'user'],
    ['User', 'system:kube-controller-manager', undefined, 'system'],
    ['User', 'system:serviceaccount:openshift-monitoring:prometheus-k8s', undefined, 'system'],
    ['User', 'system:serviceaccount:shop:app', undefined, 'user'],
    ['ServiceAccount', 'app', 'shop', 'user'],
    ['ServiceAccount', 'operator', 'openshift-operators', 'system'],
    ['ServiceAccount', 'coredns', 'kube-system', 'system'],
  ];
  for (const [kind, name, namespace, expected] of cases) {
    it(`${kind} ${name}${namespace ? ` in ${namespace}` : ''} is ${expected}`, () => {
      assert.equal(classifySubject({ kind, name, ...(namespace ? { namespace } : {}) }, settings), expected);
    });
  }

  it('systemNamespaces from settings decide service accounts', () => {
    const custom = { ...settings, systemNamespaces: ['platform-*'] };
    assert.equal(classifySubject({ kind: 'ServiceAccount', name: 'a', namespace: 'platform-ci' }, custom), 'system');
    assert.equal(classifySubject({ kind: 'ServiceAccount', name: 'a', namespace: 'kube-system' }, custom), 'user');
  });
});

describe('bindings', () => {
  it('defaults a ServiceAccount subject namespace to the RoleBinding namespace', () => {
    const binding = readBinding(
      only(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: b, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: r }
subjects:
  - { kind: ServiceAccount, name: app }
  - { kind: ServiceAccount, name: ci, namespace: tools }
`),
    );
    assert.deepEqual(
      binding.subjects.map((s) => [s.name, s.namespace, s.path]),
      [
        ['app', 'shop', 'subjects[0]'],
        ['ci', 'tools', 'subjects[1]'],
      ],
    );
  });

  it('judges broad groups except in bootstrap defaults, never system subjects', () => {
    const yaml = (meta: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: b${meta} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r }
subjects:
  - { kind: Group, name: system:authenticated }
  - { kind: Group, name: system:nodes }
  - { kind: User, name: alice }
`;
    const plain = readBinding(only(yaml('')));
    const reconciled = readBinding(
      only(yaml(', annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" }')),
    );
    const named = readBinding(only(yaml('').replace('name: b', 'name: "system:openshift:scc:anyuid"')));
    assert.deepEqual(
      subjectsOfConcern(plain, DEFAULT_SETTINGS).map((s) => s.name),
      ['system:authenticated', 'alice'],
    );
    assert.deepEqual(
      subjectsOfConcern(reconciled, DEFAULT_SETTINGS).map((s) => s.name),
      ['alice'],
    );
    assert.deepEqual(
      subjectsOfConcern(named, DEFAULT_SETTINGS).map((s) => s.name),
      ['system:authenticated', 'alice'],
      'a "system:" name alone does not make a binding a default',
    );
  });

  it('rejects a malformed binding with the field path', () => {
    const resource = only(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: broken }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole }
`);
    assert.throws(() => readBinding(resource), /ClusterRoleBinding "broken" is invalid: roleRef\.name/);
  });
});

const AGGREGATION = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: top }
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { example.com/aggregate-to-top: "true" }
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: middle
  labels: { example.com/aggregate-to-top: "true" }
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions:
        - { key: example.com/tier, operator: In, values: [low] }
        - { key: example.com/disabled, operator: DoesNotExist }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: leaf
  labels: { example.com/tier: low }
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: disabled-leaf
  labels: { example.com/tier: low, example.com/disabled: "yes" }
rules:
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: direct
  labels: { example.com/aggregate-to-top: "true" }
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["create"]
`;

describe('aggregated ClusterRoles', () => {
  const { inventory } = loadText(AGGREGATION);
  const model = buildRbacModel(inventory);
  const top = model.clusterRole('top');
  assert.ok(top);

  it('collects rules transitively through selectors, attributed to the declaring role', () => {
    const rules = model
      .rulesOf(top)
      .map((g) => `${g.role.name}[${g.index}]${g.aggregatedInto ? `→${g.aggregatedInto}` : ''}`);
    assert.deepEqual(rules.sort(), ['direct[0]→top', 'direct[1]→top', 'leaf[0]→top']);
  });

  it('matchExpressions exclude a role with the DoesNotExist key', () => {
    const middle = model.clusterRole('middle');
    assert.ok(middle);
    assert.deepEqual(
      model.rulesOf(middle).map((g) => g.role.name),
      ['leaf'],
    );
  });

  it('describes a rule with its declaring role and the aggregate it reached', () => {
    const leaf = model.rulesOf(top).find((g) => g.role.name === 'leaf');
    assert.ok(leaf);
    assert.equal(
      describeRule(leaf),
      'rules[0] of ClusterRole "leaf", aggregated into ClusterRole "top" (apiGroups [""], resources ["secrets"], verbs ["list"])',
    );
  });

  it('an empty selector aggregates every other ClusterRole, and cycles terminate', () => {
    const cyclic = loadText(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: a, labels: { x: "1" } }
aggregationRule: { clusterRoleSelectors: [ {} ] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: b, labels: { x: "1" } }
aggregationRule: { clusterRoleSelectors: [ { matchLabels: { x: "1" } } ] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: c, labels: { x: "1" } }
rules: [ { apiGroups: [""], resources: ["pods"], verbs: ["create"] } ]
`);
    const m = buildRbacModel(cyclic.inventory);
    const a = m.clusterRole('a');
    assert.ok(a);
    assert.deepEqual(
      m.rulesOf(a).map((g) => g.role.name),
      ['c'],
    );
  });

  it('falls back to the built-in cluster-admin rules when the scan lacks it', () => {
    const empty = buildRbacModel(buildInventory([]));
    const admin = empty.clusterRole('cluster-admin');
    assert.ok(admin);
    const [first] = empty.rulesOf(admin);
    assert.ok(first);
    assert.equal(first.builtin, true);
    assert.equal(empty.clusterRole('edit'), undefined);
  });

  it('reports a malformed role when its rules are asked for', () => {
    const broken = loadText(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: broken }
rules: [ { apiGroups: [""], resources: ["pods"], verbs: "get" } ]
`);
    const m = buildRbacModel(broken.inventory);
    const role = m.clusterRole('broken');
    assert.ok(role);
    assert.throws(() => m.rulesOf(role), /ClusterRole "broken" is invalid: rules\[0\]\.verbs/);
  });
});

describe('findGrants and descriptions', () => {
  it('skips cluster-scoped permissions for RoleBindings and groups verbs per resource', () => {
    const binding = readBinding(
      only(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: b, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r }
subjects: [ { kind: User, name: alice } ]
`),
    );
    const granting: GrantingRule = {
      rule: rule({ verbs: ['*'], apiGroups: [''], resources: ['*'] }),
      role: { kind: 'ClusterRole', name: 'r' },
      index: 0,
    };
    const found = findGrants(
      binding,
      [granting],
      [
        { verb: 'get', group: '', resource: 'nodes', subresource: 'proxy', clusterScoped: true },
        { verb: 'get', group: '', resource: 'secrets' },
        { verb: 'list', group: '', resource: 'secrets' },
        { verb: 'create', group: '', resource: 'pods' },
      ],
      { namedRules: false },
    );
    assert.equal(describeGrantedPermissions(found), 'get, list secrets and create pods');
  });
});

describe('SecurityContextConstraints', () => {
  const scc = (name: string, body: string) =>
    only(`apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: ${name} }
${body}`);

  it('lists every permissive setting with its path', () => {
    const found = sccFindings(
      scc(
        'wide',
        `allowPrivilegedContainer: true
allowHostPID: true
volumes: [configMap, hostPath]
runAsUser: { type: RunAsAny }
seLinuxContext: { type: RunAsAny }
allowedCapabilities: [NET_BIND_SERVICE, CAP_SYS_ADMIN]
defaultAddCapabilities: ["*"]
allowedUnsafeSysctls: ["*"]
defaultAllowPrivilegeEscalation: true
seccompProfiles: [runtime/default, unconfined]
`,
      ),
      DEFAULT_SETTINGS,
    );
    assert.deepEqual(
      found.map((f) => f.path),
      [
        'allowPrivilegedContainer',
        'allowHostPID',
        'volumes[1]',
        'runAsUser.type',
        'seLinuxContext.type',
        'allowedCapabilities[1]',
        'defaultAddCapabilities[0]',
        'allowedUnsafeSysctls[0]',
        'defaultAllowPrivilegeEscalation',
        'seccompProfiles[1]',
      ],
    );
  });

  it('judges a default SCC only beyond what OpenShift ships it with', () => {
    const anyuid = scc('anyuid', 'runAsUser: { type: RunAsAny }\nallowHostNetwork: true\n');
    assert.deepEqual(
      unexpectedSccFindings(anyuid, DEFAULT_SETTINGS).map((f) => f.path),
      ['allowHostNetwork'],
    );
  });

  it('knows default SCCs the scan does not contain, and reads the ones it does', () => {
    const { inventory } = loadText(`apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: restricted-v2 }
allowHostIPC: true
`);
    assert.deepEqual(privilegedSettingsOfScc('anyuid', inventory, DEFAULT_SETTINGS), ['runAsAnyUser']);
    assert.deepEqual(privilegedSettingsOfScc('restricted-v2', inventory, DEFAULT_SETTINGS), ['allowHostIPC']);
    assert.deepEqual(privilegedSettingsOfScc('nonroot-v2', inventory, DEFAULT_SETTINGS), []);
    assert.equal(privilegedSettingsOfScc('vendor-scc', inventory, DEFAULT_SETTINGS), undefined);
  });

  it('reads service accounts written as system:serviceaccount users', () => {
    const subjects = sccSubjects(
      scc('x', 'users: [alice, "system:serviceaccount:shop:app"]\ngroups: [system:authenticated]\n'),
    );
    assert.deepEqual(
      subjects.map((s) => [s.kind, s.name, s.namespace, s.path]),
      [
        ['User', 'alice', undefined, 'users[0]'],
        ['ServiceAccount', 'app', 'shop', 'users[1]'],
        ['Group', 'system:authenticated', undefined, 'groups[0]'],
      ],
    );
  });
});

describe('scale', () => {
  it('builds the model and resolves 10,000 bindings in linear time', () => {
    const resources: Resource[] = [];
    const source = { file: 'generated.yaml' };
    const add = (object: Record<string, unknown>) => {
      const result = toResource(object, source);
      assert.ok(result.resource);
      resources.push(result.resource);
    };
    for (let i = 0; i < 10_000; i++) {
      add({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `role-${i}`, labels: { team: `t${i % 50}` } },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      });
      add({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `binding-${i}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `role-${i}` },
        subjects: [{ kind: 'User', name: `user-${i}` }],
      });
    }
    for (let i = 0; i < 20; i++) {
      add({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `aggregate-${i}` },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: `t${i}` } }] },
      });
    }
    const started = performance.now();
    const model = buildRbacModel(buildInventory(resources));
    let total = 0;
    for (const resource of resources) {
      if (resource.kind !== 'ClusterRoleBinding') {
        continue;
      }
      const binding = readBinding(resource);
      const role = model.roleOf(binding);
      assert.ok(role);
      total += model.rulesOf(role).length;
    }
    for (let i = 0; i < 20; i++) {
      const aggregate = model.clusterRole(`aggregate-${i}`);
      assert.ok(aggregate);
      total += model.rulesOf(aggregate).length;
    }
    const elapsed = performance.now() - started;
    assert.equal(total, 10_000 + 20);
    assert.ok(elapsed < 3000, `took ${Math.round(elapsed)} ms`);
  });
});
