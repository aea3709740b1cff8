import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdmissionRequest } from '../review.ts';
import {
  attributesOf,
  type MatchAttributes,
  matchResourcesSelects,
  namespaceSelected,
  rulesMatch,
  selectorMatches,
} from './match.ts';
import { MatchResources, NamedRuleWithOperations } from './schema.ts';

function request(overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    operation: 'CREATE',
    userInfo: { username: 'jane' },
    namespace: 'shop',
    name: 'web',
    object: { metadata: { name: 'web', labels: { app: 'web' } } },
    ...overrides,
  };
}

const rule = (r: Record<string, unknown>) =>
  NamedRuleWithOperations.parse({ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], ...r });

describe('resource rules', () => {
  const pod = attributesOf(request());
  const exec = attributesOf(request({ operation: 'CONNECT', subResource: 'exec', object: { kind: 'PodExecOptions' } }));
  const status = attributesOf(request({ operation: 'UPDATE', subResource: 'status' }));
  const cases: [string, Record<string, unknown>, MatchAttributes, boolean][] = [
    ['exact resource', { resources: ['pods'] }, pod, true],
    ['other resource', { resources: ['services'] }, pod, false],
    ['* matches a resource', { resources: ['*'] }, pod, true],
    ['* does not match a subresource', { resources: ['*'], operations: ['CONNECT'] }, exec, false],
    ['*/* matches a subresource', { resources: ['*/*'], operations: ['CONNECT'] }, exec, true],
    ['pods/* matches pods/exec', { resources: ['pods/*'], operations: ['CONNECT'] }, exec, true],
    ['pods/* matches pods itself', { resources: ['pods/*'] }, pod, true],
    ['pods/exec does not match pods', { resources: ['pods/exec'] }, pod, false],
    ['*/status matches pods/status', { resources: ['*/status'], operations: ['UPDATE'] }, status, true],
    ['operation must match', { resources: ['pods'], operations: ['UPDATE'] }, pod, false],
    ['operation *', { resources: ['pods'], operations: ['*'] }, pod, true],
    ['apiGroup must match', { resources: ['pods'], apiGroups: ['apps'] }, pod, false],
    ['resourceNames hit', { resources: ['pods'], resourceNames: ['web'] }, pod, true],
    ['resourceNames miss', { resources: ['pods'], resourceNames: ['db'] }, pod, false],
    ['scope Namespaced', { resources: ['pods'], scope: 'Namespaced' }, pod, true],
    ['scope Cluster refuses a namespaced request', { resources: ['pods'], scope: 'Cluster' }, pod, false],
  ];
  for (const [name, r, attrs, expected] of cases) {
    it(name, () => {
      assert.equal(rulesMatch([rule(r)], attrs, 'Exact'), expected);
    });
  }

  it('treats Namespace objects as cluster-scoped', () => {
    const ns = attributesOf(
      request({ resource: { group: '', version: 'v1', resource: 'namespaces' }, namespace: 'shop', name: 'shop' }),
    );
    assert.equal(rulesMatch([rule({ resources: ['namespaces'], scope: 'Cluster' })], ns, 'Exact'), true);
    assert.equal(rulesMatch([rule({ resources: ['namespaces'], scope: 'Namespaced' })], ns, 'Exact'), false);
  });

  it('matches another version of the same resource only under Equivalent', () => {
    const beta = attributesOf(
      request({
        kind: { group: 'apps', version: 'v1beta2', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1beta2', resource: 'deployments' },
      }),
    );
    const r = rule({ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] });
    assert.equal(rulesMatch([r], beta, 'Exact'), false);
    assert.equal(rulesMatch([r], beta, 'Equivalent'), true);
  });

  it('tries the converted resource of a webhook request under Equivalent', () => {
    const converted = attributesOf(
      request({
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        requestResource: { group: 'extensions', version: 'v1beta1', resource: 'deployments' },
      }),
    );
    const r = rule({ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] });
    assert.equal(rulesMatch([r], converted, 'Exact'), false);
    assert.equal(rulesMatch([r], converted, 'Equivalent'), true);
  });
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['empty selects all', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'db' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    ['In on a missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    ['NotIn on a missing key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
  ];
  for (const [name, selector, expected] of cases) {
    it(name, () => {
      assert.equal(selectorMatches(selector as Parameters<typeof selectorMatches>[0], labels), expected);
    });
  }

  it('judges namespaceSelector on the namespace, the Namespace itself, or not at all for cluster objects', () => {
    const selector = { matchLabels: { env: 'prod' } };
    assert.equal(namespaceSelected(selector, attributesOf(request()), { env: 'prod' }), true);
    assert.equal(namespaceSelected(selector, attributesOf(request()), { env: 'dev' }), false);
    const clusterRole = attributesOf(
      request({
        resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
        namespace: '',
      }),
    );
    assert.equal(namespaceSelected(selector, clusterRole, {}), true);
    const namespace = attributesOf(
      request({
        resource: { group: '', version: 'v1', resource: 'namespaces' },
        namespace: 'prod',
        object: { metadata: { name: 'prod', labels: { env: 'prod' } } },
      }),
    );
    assert.equal(namespaceSelected(selector, namespace, {}), true);
  });

  it('selects on object or oldObject labels, and never on an absent object', () => {
    const match = MatchResources.parse({ objectSelector: { matchLabels: { app: 'web' } } });
    const update = attributesOf(
      request({
        operation: 'UPDATE',
        object: { metadata: { labels: {} } },
        oldObject: { metadata: { labels: { app: 'web' } } },
      }),
    );
    assert.equal(matchResourcesSelects(match, update, {}), true);
    const notIn = MatchResources.parse({
      objectSelector: { matchExpressions: [{ key: 'exempt', operator: 'NotIn', values: ['true'] }] },
    });
    const deleted = attributesOf(
      request({ operation: 'DELETE', object: undefined, oldObject: { metadata: { labels: { exempt: 'true' } } } }),
    );
    assert.equal(matchResourcesSelects(notIn, deleted, {}), false);
    const connect = attributesOf(request({ operation: 'CONNECT', subResource: 'exec', object: { command: ['sh'] } }));
    assert.equal(matchResourcesSelects(notIn, connect, {}), false);
  });

  it('excludes by excludeResourceRules and selects all when a binding lists no resourceRules', () => {
    const attrs = attributesOf(request());
    assert.equal(matchResourcesSelects(MatchResources.parse({}), attrs, {}), true);
    const excluded = MatchResources.parse({
      resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }],
      excludeResourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['pods'] }],
    });
    assert.equal(matchResourcesSelects(excluded, attrs, {}), false);
  });
});
