import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Resource } from '#core';
import { loadManifests } from '#inventory';
import { loadText } from '#test/helpers/fixtures.ts';
import { linkClusters } from './clusters.ts';
import { scanManifests } from './scan.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scoring/', import.meta.url));
const fixture = (name: string): string => `${FIXTURES}${name}`;

const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const ARO_ID = `/subscriptions/${SUB}/resourceGroups/rg-aro/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod`;
const ARO_URL = 'https://api.k7pq2x9m.westeurope.aroapp.io:6443/';
const OTHER_CLUSTER_ID = '0d3c5b7e-41a2-4e8f-9b6d-7a1c2e3f4b5d';

async function load(...names: string[]): Promise<Resource[]> {
  const loaded = await loadManifests(names.map(fixture));
  assert.deepEqual(loaded.diagnostics, []);
  return loaded.resources;
}

function byName(resources: readonly Resource[], name: string): Resource {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `no resource named ${name}`);
  return found;
}

/** An ARO cluster as the ARM REST API returns it (`az resource show`), with the given profiles. */
function aroRest(name: string, properties: Record<string, unknown>, withId = true): string {
  return JSON.stringify({
    ...(withId
      ? {
          id: `/subscriptions/${SUB}/resourceGroups/rg-aro/providers/Microsoft.RedHatOpenShift/openShiftClusters/${name}`,
        }
      : {}),
    name,
    type: 'Microsoft.RedHatOpenShift/openShiftClusters',
    location: 'westeurope',
    properties: { provisioningState: 'Succeeded', ...properties },
  });
}

const infrastructure = (url: string) => `apiVersion: config.openshift.io/v1
kind: Infrastructure
metadata:
  name: cluster
status:
  apiServerURL: ${url}
  platform: Azure
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
  - name: web
    image: registry.example/web:1.0
`;

/** Resources of several inline documents (JSON or YAML), each its own file. */
function resourcesOf(...texts: string[]): Resource[] {
  return texts.flatMap((text, i) => loadText(text, `inline-${i}.${text.startsWith('{') ? 'json' : 'yaml'}`).resources);
}

describe('linkClusters', () => {
  it("links the cluster objects to the ARO resource whose API server URL has the Infrastructure's host", async () => {
    const resources = await load(
      'az-aro-show.json',
      'infrastructure.yaml',
      'privileged-pod.yaml',
      'az-graph-query-storage.json',
    );
    const links = linkClusters(resources);
    assert.deepEqual(links.clusters, [
      {
        id: ARO_ID,
        name: 'aro-prod',
        aroResourceId: ARO_ID,
        apiServerUrl: ARO_URL,
        linkedBy: 'api-server-url',
        objects: 2,
      },
    ]);
    assert.equal(links.clusterOf(byName(resources, 'node-debugger')), ARO_ID);
    assert.equal(links.clusterOf(byName(resources, 'cluster')), ARO_ID);
    assert.equal(links.clusterOf(byName(resources, 'aro-prod')), ARO_ID);
    // Other Azure resources belong to no cluster.
    assert.equal(links.clusterOf(byName(resources, 'stpayhot')), undefined);
  });

  it('compares hosts only: case, port and path do not matter', () => {
    const resources = resourcesOf(
      aroRest('aro-prod', { apiserverProfile: { url: 'https://API.K7PQ2X9M.westeurope.aroapp.io:6443/' } }),
      infrastructure('https://api.k7pq2x9m.westeurope.aroapp.io'),
    );
    assert.equal(linkClusters(resources).clusters[0]?.linkedBy, 'api-server-url');
  });

  it('links by clusterProfile.domain when the ARO resource has no API server URL', () => {
    const resources = resourcesOf(
      aroRest('aro-prod', {
        clusterProfile: { domain: 'k7pq2x9m', version: '4.15.27' },
        apiserverProfile: { visibility: 'Private' },
      }),
      infrastructure('https://api.k7pq2x9m.westeurope.aroapp.io:6443'),
      POD,
    );
    const links = linkClusters(resources);
    assert.deepEqual(links.clusters, [
      { id: ARO_ID, name: 'aro-prod', aroResourceId: ARO_ID, linkedBy: 'domain', objects: 2 },
    ]);
    assert.equal(links.clusterOf(byName(resources, 'web')), ARO_ID);
  });

  it('links by a custom domain (api.<domain>)', () => {
    const resources = resourcesOf(
      aroRest('aro-prod', { clusterProfile: { domain: 'aro.contoso.example' } }),
      infrastructure('https://api.aro.contoso.example:6443'),
    );
    assert.equal(linkClusters(resources).clusters[0]?.linkedBy, 'domain');
  });

  it("links cluster objects without identity to the input's only ARO cluster, and says so", () => {
    const resources = resourcesOf(aroRest('aro-prod', { apiserverProfile: { url: ARO_URL } }), POD);
    const links = linkClusters(resources);
    assert.deepEqual(links.clusters, [
      {
        id: ARO_ID,
        name: 'aro-prod',
        aroResourceId: ARO_ID,
        apiServerUrl: ARO_URL,
        linkedBy: 'only-cluster',
        objects: 1,
      },
    ]);
    assert.equal(links.clusterOf(byName(resources, 'web')), ARO_ID);
  });

  it('does not guess between two ARO clusters: the objects form their own cluster', () => {
    const resources = resourcesOf(aroRest('aro-prod', {}), aroRest('aro-dev', {}), POD);
    const links = linkClusters(resources);
    assert.deepEqual(
      links.clusters.map((c) => [c.id, c.name, c.linkedBy, c.objects]),
      [
        [ARO_ID, 'aro-prod', undefined, 0],
        [ARO_ID.replace('aro-prod', 'aro-dev'), 'aro-dev', undefined, 0],
        ['kubernetes', 'cluster objects in the input', undefined, 1],
      ],
    );
    assert.equal(links.clusterOf(byName(resources, 'web')), 'kubernetes');
  });

  it('links to the one of two ARO clusters that has the API server', () => {
    const resources = resourcesOf(
      aroRest('aro-dev', { apiserverProfile: { url: 'https://api.m3vz8q1r.eastus.aroapp.io:6443/' } }),
      aroRest('aro-prod', { apiserverProfile: { url: ARO_URL } }),
      infrastructure('https://api.k7pq2x9m.westeurope.aroapp.io:6443'),
    );
    assert.deepEqual(
      linkClusters(resources).clusters.map((c) => [c.name, c.linkedBy, c.objects]),
      [
        ['aro-dev', undefined, 0],
        ['aro-prod', 'api-server-url', 1],
      ],
    );
  });

  it('does not link when the hosts differ: the objects form the openshift:<clusterID> cluster', async () => {
    const resources = await load(
      'az-aro-show.json',
      'infrastructure-other-cluster.yaml',
      'clusterversion-other-cluster.yaml',
      'privileged-pod.yaml',
    );
    const links = linkClusters(resources);
    assert.deepEqual(links.clusters, [
      { id: ARO_ID, name: 'aro-prod', aroResourceId: ARO_ID, apiServerUrl: ARO_URL, objects: 0 },
      {
        id: `openshift:${OTHER_CLUSTER_ID}`,
        name: OTHER_CLUSTER_ID,
        apiServerUrl: 'https://api.m3vz8q1r.eastus.aroapp.io:6443',
        objects: 3,
      },
    ]);
    assert.equal(links.clusterOf(byName(resources, 'node-debugger')), `openshift:${OTHER_CLUSTER_ID}`);
    assert.equal(links.clusterOf(byName(resources, 'aro-prod')), ARO_ID);
  });

  it('names the objects cluster by its API host when there is no ClusterVersion', async () => {
    const links = linkClusters(await load('az-aro-show.json', 'infrastructure-other-cluster.yaml'));
    assert.deepEqual(links.clusters[1], {
      id: 'openshift:api.m3vz8q1r.eastus.aroapp.io',
      name: 'api.m3vz8q1r.eastus.aroapp.io',
      apiServerUrl: 'https://api.m3vz8q1r.eastus.aroapp.io:6443',
      objects: 1,
    });
  });

  it('does not use the only-cluster rule when the objects name their cluster', async () => {
    const resources = await load('az-aro-show.json', 'clusterversion-other-cluster.yaml', 'privileged-pod.yaml');
    assert.deepEqual(
      linkClusters(resources).clusters.map((c) => [c.id, c.linkedBy, c.objects]),
      [
        [ARO_ID, undefined, 0],
        [`openshift:${OTHER_CLUSTER_ID}`, undefined, 2],
      ],
    );
  });

  it('lists an ARO cluster without objects, and one without an id under its name', () => {
    const links = linkClusters(resourcesOf(aroRest('aro-tpl', { apiserverProfile: { url: ARO_URL } }, false)));
    assert.deepEqual(links.clusters, [{ id: 'aro:aro-tpl', name: 'aro-tpl', apiServerUrl: ARO_URL, objects: 0 }]);
  });

  it('finds no cluster in an input with neither ARO resources nor cluster objects', async () => {
    const resources = await load('az-graph-query-storage.json');
    const links = linkClusters(resources);
    assert.deepEqual(links.clusters, []);
    assert.equal(links.clusterOf(byName(resources, 'stpayhot')), undefined);
  });

  it('does not link by domain when the API server URL names another host', () => {
    const resources = resourcesOf(
      aroRest('aro-prod', {
        clusterProfile: { domain: 'contoso.example' },
        apiserverProfile: { url: 'https://api.contoso.example:6443/' },
      }),
      infrastructure('https://api.dev.contoso.example:6443'),
    );
    assert.equal(linkClusters(resources).clusters[0]?.linkedBy, undefined);
  });
});

describe('cluster of findings (scanManifests)', () => {
  it("sets the ARO resource id as the cluster of the linked objects' findings, and of no Azure finding", async () => {
    const report = await scanManifests(
      [
        fixture('az-aro-show.json'),
        fixture('infrastructure.yaml'),
        fixture('privileged-pod.yaml'),
        fixture('az-graph-query-storage.json'),
      ],
      { include: ['privileged', 'storage-https-only'] },
    );
    assert.deepEqual(
      report.findings.map((f) => [f.resource.name, f.status, f.resource.cluster]),
      [
        ['node-debugger', 'fail', ARO_ID],
        ['stpayhot', 'pass', undefined],
        ['stpayarchive', 'fail', undefined],
        ['stpaylegacy', 'pass', undefined],
      ],
    );
    assert.deepEqual(report.clusters, [
      {
        id: ARO_ID,
        name: 'aro-prod',
        aroResourceId: ARO_ID,
        apiServerUrl: ARO_URL,
        linkedBy: 'api-server-url',
        objects: 2,
      },
    ]);
  });

  it('sets no cluster and lists no clusters when the input has no ARO resource and no score', async () => {
    const report = await scanManifests([fixture('infrastructure.yaml'), fixture('privileged-pod.yaml')], {
      include: ['privileged'],
    });
    assert.deepEqual(
      report.findings.map((f) => [f.resource.name, f.status, 'cluster' in f.resource]),
      [['node-debugger', 'fail', false]],
    );
    assert.equal(report.clusters, undefined);
  });

  it('sets no cluster on findings when the ARO resource is not linked to the objects', async () => {
    const report = await scanManifests(
      [
        fixture('az-aro-show.json'),
        fixture('infrastructure-other-cluster.yaml'),
        fixture('clusterversion-other-cluster.yaml'),
        fixture('privileged-pod.yaml'),
      ],
      { include: ['privileged'] },
    );
    assert.deepEqual(
      report.findings.map((f) => [f.resource.name, f.resource.cluster]),
      [['node-debugger', undefined]],
    );
  });
});
