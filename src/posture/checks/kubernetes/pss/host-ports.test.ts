import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { hostPorts } from './host-ports.ts';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  initContainers:
  - name: setup
    image: setup:1
    ports: [{containerPort: 9000, hostPort: 9000}]
  containers:
  - name: app
    image: app:1
    ports: [{containerPort: 80, hostPort: 0}, {containerPort: 8080, hostPort: 10080}, {containerPort: 9000, hostPort: 9000}]
  - name: web
    image: web:1
    ports: [{containerPort: 443}]
`;

describe('host-ports', () => {
  it('names containers and ports (0 and unset are allowed), ports sorted as strings', () => {
    const [finding] = runCheckOn(hostPorts, POD);
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": hostPort (containers "setup", "app" use hostPorts 10080, 9000)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.initContainers[0].ports[0].hostPort',
        message: 'container "setup" uses hostPort 9000',
        container: 'setup',
        actual: 9000,
      },
      {
        path: 'spec.containers[0].ports[1].hostPort',
        message: 'container "app" uses hostPort 10080',
        container: 'app',
        actual: 10080,
      },
      {
        path: 'spec.containers[0].ports[2].hostPort',
        message: 'container "app" uses hostPort 9000',
        container: 'app',
        actual: 9000,
      },
    ]);
  });

  it('uses the singular for one container and one port', () => {
    const [finding] = runCheckOn(
      hostPorts,
      POD.replace('ports: [{containerPort: 9000, hostPort: 9000}]', 'ports: []').replace(
        ', {containerPort: 9000, hostPort: 9000}]',
        ']',
      ),
    );
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": hostPort (container "app" uses hostPort 10080)',
    );
  });

  it('passes host port 0', () => {
    const [finding] = runCheckOn(hostPorts, POD.replaceAll(/hostPort: \d+/g, 'hostPort: 0'));
    assert.equal(finding?.status, 'pass');
  });
});
