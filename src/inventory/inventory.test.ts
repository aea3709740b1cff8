import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '#core';
import { buildInventory } from './inventory.ts';
import { toResource } from './resource.ts';

function resource(apiVersion: string, kind: string, name: string, namespace?: string): Resource {
  const result = toResource(
    { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
    { file: 'x.yaml' },
  );
  assert.ok(result.resource);
  return result.resource;
}

describe('buildInventory', () => {
  const resources = [
    resource('v1', 'Namespace', 'shop'),
    resource('project.openshift.io/v1', 'Project', 'payments'),
    resource('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', 'shop'),
    resource('extensions/v1beta1', 'NetworkPolicy', 'legacy', 'shop'),
    resource('v1', 'Service', 'web', 'shop'),
    resource('v1', 'Service', 'web', 'batch'),
    resource('rbac.authorization.k8s.io/v1', 'ClusterRole', 'view'),
  ];
  const inventory = buildInventory(resources);

  it('lists resources by kind, optionally pinned to an API group', () => {
    assert.deepEqual(
      inventory.ofKind('NetworkPolicy').map((r) => r.name),
      ['default-deny', 'legacy'],
    );
    assert.deepEqual(
      inventory.ofKind('NetworkPolicy', 'networking.k8s.io').map((r) => r.name),
      ['default-deny'],
    );
    assert.equal(
      inventory.ofKind('NetworkPolicy', 'networking.k8s.io'),
      inventory.ofKind('NetworkPolicy', 'networking.k8s.io'),
    );
    assert.deepEqual(inventory.ofKind('Secret'), []);
    assert.deepEqual(inventory.ofKind('Service', 'apps'), []);
  });

  it('lists namespaced resources by namespace', () => {
    assert.deepEqual(
      inventory.inNamespace('shop').map((r) => `${r.kind}/${r.name}`),
      ['NetworkPolicy/default-deny', 'NetworkPolicy/legacy', 'Service/web'],
    );
    assert.deepEqual(inventory.inNamespace('nope'), []);
  });

  it('gets one resource by kind, namespace and name', () => {
    assert.equal(inventory.get('Service', 'batch', 'web')?.namespace, 'batch');
    assert.equal(inventory.get('ClusterRole', undefined, 'view')?.name, 'view');
    assert.equal(inventory.get('Service', undefined, 'web'), undefined);
  });

  it('knows every namespace: Namespace and Project objects and namespaces resources name', () => {
    assert.deepEqual(inventory.namespaces(), ['batch', 'payments', 'shop']);
  });

  it('keeps the resources in input order', () => {
    assert.equal(inventory.resources, resources);
  });
});
