import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { allowedRegistry } from './allowed-registry.ts';

function podWith(...images: readonly string[]): string {
  const containers = images.map((image, i) => `    - { name: c${i}, image: ${JSON.stringify(image)} }`).join('\n');
  return `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers:
${containers}
`;
}

function run(yaml: string, allowedRegistries: readonly string[]) {
  const [finding] = runCheckOn(allowedRegistry, yaml, { allowedRegistries });
  assert.ok(finding);
  return finding;
}

describe('allowed-registry', () => {
  const matches: readonly (readonly [string, string, boolean])[] = [
    // image, allowed entry, allowed?
    ['myacr.azurecr.io/team/api:1', 'myacr.azurecr.io', true],
    ['myacr.azurecr.io/team/api:1', '*.azurecr.io', true],
    ['MyAcr.AzureCR.io/team/api:1', '*.azurecr.io', true],
    ['myacr.azurecr.io:443/api', '*.azurecr.io', false],
    ['evil.example/azurecr.io/api', '*.azurecr.io', false],
    ['azurecr.io.evil.example/api', '*.azurecr.io', false],
    ['ghcr.io/my-org/app:2', 'ghcr.io/my-org', true],
    ['ghcr.io/my-org/sub/app:2', 'ghcr.io/my-org', true],
    ['ghcr.io/my-org-evil/app:2', 'ghcr.io/my-org', false],
    ['ghcr.io/my-org', 'ghcr.io/my-org', true],
    ['ghcr.io/my-org/app', 'ghcr.io/my-org/*', true],
    ['ghcr.io/my-org', 'ghcr.io/my-org/*', false],
    ['nginx:1.27', 'docker.io/library', true],
    ['nginx:1.27', 'docker.io', true],
    ['nginx:1.27', 'index.docker.io', true],
    ['bitnami/redis:7', 'docker.io/library', false],
    ['index.docker.io/library/nginx', 'docker.io/library', true],
    ['localhost:5000/app', 'localhost:5000', true],
    ['localhost:5000/app', 'localhost', false],
    ['quay.io/org/app', 'https://quay.io/', true],
  ];
  for (const [image, entry, allowed] of matches) {
    it(`${allowed ? 'allows' : 'rejects'} ${image} with [${entry}]`, () => {
      assert.equal(run(podWith(image), [entry]).status, allowed ? 'pass' : 'fail');
    });
  }

  it('reports each offending container, init and ephemeral included, with the normalised name', () => {
    const finding = run(
      `
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: { name: shop, namespace: shop }
spec:
  replicas: 1
  selector: { app: shop }
  template:
    metadata: { labels: { app: shop } }
    spec:
      initContainers:
        - { name: init, image: busybox }
      containers:
        - { name: web, image: "image-registry.openshift-image-registry.svc:5000/shop/web:prod" }
        - { name: triggered, image: " " }
        - { name: bad, image: "Registry.Example/Team/App" }
`,
      ['image-registry.openshift-image-registry.svc:5000'],
    );
    const expected: Violation[] = [
      {
        path: 'spec.template.spec.initContainers[0].image',
        message:
          'container "init" uses image "busybox" (docker.io/library/busybox) from outside the allowed registries',
        container: 'init',
        actual: 'busybox',
      },
      {
        path: 'spec.template.spec.containers[2].image',
        message:
          'container "bad" uses image "Registry.Example/Team/App", which is not a valid reference (repository "Team/App" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-"))',
        container: 'bad',
        actual: 'Registry.Example/Team/App',
      },
    ];
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, expected);
  });

  it('checks ephemeral containers', () => {
    const finding = run(
      `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers:
    - { name: web, image: myacr.azurecr.io/web:1 }
  ephemeralContainers:
    - { name: debugger, image: docker.io/nicolaka/netshoot }
`,
      ['myacr.azurecr.io'],
    );
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.ephemeralContainers[0].image',
        message:
          'container "debugger" uses image "docker.io/nicolaka/netshoot" (docker.io/nicolaka/netshoot) from outside the allowed registries',
        container: 'debugger',
        actual: 'docker.io/nicolaka/netshoot',
      },
    ]);
  });

  it('is not applicable until allowed registries are configured', () => {
    for (const entries of [[], ['', '  ']]) {
      const finding = run(podWith('nginx'), entries);
      assert.equal(finding.status, 'not-applicable');
      assert.equal(finding.reason, 'no allowed registries configured: set settings.allowedRegistries');
    }
  });
});
