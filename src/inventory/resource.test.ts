import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Resource } from '#core';
import { WORKLOAD_KINDS } from './kinds.ts';
import { decode } from './manifests/decode.ts';
import { toResource } from './resource.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/inventory/', import.meta.url));
const source = { file: 'inline.yaml', line: 3, document: 0 };

function resourcesOf(name: string): Resource[] {
  const decoded = decode(readFileSync(`${fixtures}${name}`, 'utf8'), name);
  return decoded.objects.flatMap(({ value, source: s }) => {
    const result = toResource(value, s);
    assert.deepEqual(result.diagnostics, [], `${name}: ${JSON.stringify(result.diagnostics)}`);
    return result.resource ? [result.resource] : [];
  });
}

describe('toResource: pod templates', () => {
  const expected: Readonly<Record<string, readonly [string, string, string]>> = {
    Pod: ['spec', 'metadata', 'shell'],
    PodTemplate: ['template.spec', 'template.metadata', 'batch'],
    ReplicationController: ['spec.template.spec', 'spec.template.metadata', 'legacy'],
    Deployment: ['spec.template.spec', 'spec.template.metadata', 'web'],
    ReplicaSet: ['spec.template.spec', 'spec.template.metadata', 'web'],
    StatefulSet: ['spec.template.spec', 'spec.template.metadata', 'postgresql'],
    DaemonSet: ['spec.template.spec', 'spec.template.metadata', 'agent'],
    Job: ['spec.template.spec', 'spec.template.metadata', 'migrate'],
    CronJob: ['spec.jobTemplate.spec.template.spec', 'spec.jobTemplate.spec.template.metadata', 'report'],
    DeploymentConfig: ['spec.template.spec', 'spec.template.metadata', 'portal'],
  };
  const resources = resourcesOf('workloads/every-kind.yaml');

  it('the fixture covers every workload kind', () => {
    assert.deepEqual(resources.map((r) => r.kind).sort(), WORKLOAD_KINDS.map((w) => w.kind).sort());
  });

  for (const resource of resources) {
    it(`${resource.kind}: pod spec at ${expected[resource.kind]?.[0]}`, () => {
      const [specPath, metadataPath, container] = expected[resource.kind] ?? [];
      assert.equal(resource.pod?.specPath, specPath);
      assert.equal(resource.pod?.metadataPath, metadataPath);
      assert.equal(resource.pod?.spec.containers?.[0]?.name, container);
      assert.equal(resource.podError, undefined);
    });
  }

  it('reads the pod template metadata (labels, annotations)', () => {
    const deployment = resources.find((r) => r.kind === 'Deployment');
    assert.deepEqual(deployment?.pod?.metadata.labels, { app: 'web' });
  });

  it('keeps a workload with a wrong-typed pod field, with podError and a diagnostic', () => {
    const result = toResource(
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'ops' },
        spec: { template: { spec: { hostNetwork: 'true', containers: [{ name: 'a', ports: [{ hostPort: '80' }] }] } } },
      },
      source,
    );
    const podError =
      'spec.template.spec.containers[0].ports[0].hostPort: Invalid input: expected number, received string; ' +
      'spec.template.spec.hostNetwork: Invalid input: expected boolean, received string';
    assert.equal(result.resource?.podError, podError);
    assert.equal(result.resource?.pod, undefined);
    assert.deepEqual(result.diagnostics, [
      {
        level: 'error',
        code: 'manifest.invalid-pod-template',
        message: `DaemonSet "agent": ${podError}; its workload checks report an error`,
        location: { file: 'inline.yaml', line: 3 },
      },
    ]);
  });

  it('keeps a workload without a pod template, with podError', () => {
    const result = toResource({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: {} }, source);
    assert.equal(result.resource?.podError, 'has no pod spec at spec.jobTemplate.spec.template.spec');
  });

  it('treats a workload kind in another API group as an ordinary resource', () => {
    const result = toResource(
      { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: 42 },
      source,
    );
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.resource?.pod, undefined);
    assert.equal(result.resource?.podError, undefined);
  });
});

describe('toResource: envelope', () => {
  it('derives group, namespace and key', () => {
    const result = toResource(
      { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web', namespace: 'shop' }, spec: {} },
      source,
    );
    assert.deepEqual(result.diagnostics, []);
    const { object: _object, ...rest } = result.resource ?? ({} as Resource);
    assert.deepEqual(rest, {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      group: 'route.openshift.io',
      name: 'web',
      namespace: 'shop',
      source,
      key: 'route.openshift.io/Route/shop/web',
      pod: undefined,
      podError: undefined,
    });
  });

  it('drops a namespace on a cluster-scoped kind', () => {
    const result = toResource(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x', namespace: 'oops' } },
      source,
    );
    assert.equal(result.resource?.namespace, undefined);
    assert.equal(result.resource?.key, 'rbac.authorization.k8s.io/ClusterRole//x');
  });

  it('names an object by generateName, or warns when it has no name', () => {
    const generated = toResource(
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'backup-' }, spec: {} },
      source,
    );
    assert.equal(generated.resource?.name, 'backup-*');
    assert.deepEqual(
      generated.diagnostics.map((d) => d.code),
      ['manifest.invalid-pod-template'],
    );
    const unnamed = toResource({ apiVersion: 'v1', kind: 'ConfigMap' }, source);
    assert.equal(unnamed.resource?.name, '(unnamed ConfigMap)');
    assert.deepEqual(unnamed.diagnostics, [
      {
        level: 'warning',
        code: 'manifest.no-name',
        message: 'ConfigMap in document 1 has no metadata.name; it is scanned as "(unnamed ConfigMap)"',
        location: { file: 'inline.yaml', line: 3 },
      },
    ]);
  });

  const invalid: readonly (readonly [string, unknown, string, string])[] = [
    ['a string', 'hello', 'manifest.not-an-object', 'document 1 is a string, not a Kubernetes object'],
    ['a sequence', [1], 'manifest.not-an-object', 'document 1 is a sequence, not a Kubernetes object'],
    ['null', null, 'manifest.not-an-object', 'document 1 is a object, not a Kubernetes object'],
    [
      'an object without kind',
      { apiVersion: 'v1', metadata: { name: 'x' } },
      'manifest.invalid-envelope',
      'document 1 is not a Kubernetes object (kind: Invalid input: expected string, received undefined)',
    ],
    [
      'an object without apiVersion',
      { kind: 'ConfigMap' },
      'manifest.invalid-envelope',
      'document 1 is not a Kubernetes object (apiVersion: Invalid input: expected string, received undefined)',
    ],
    [
      'a label that is not a string',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { version: 2 } } },
      'manifest.invalid-envelope',
      'document 1 is not a Kubernetes object (metadata.labels.version: Invalid input: expected string, received number)',
    ],
  ];
  for (const [name, value, code, message] of invalid) {
    it(`rejects ${name} with one diagnostic`, () => {
      const result = toResource(value, source);
      assert.equal(result.resource, undefined);
      assert.deepEqual(result.diagnostics, [
        { level: 'error', code, message, location: { file: 'inline.yaml', line: 3 } },
      ]);
    });
  }
});
