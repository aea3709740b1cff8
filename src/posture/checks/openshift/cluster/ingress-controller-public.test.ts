import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { ingressControllerPublic } from './ingress-controller-public.ts';

const controller = (body: string, name = 'default', namespace = 'openshift-ingress-operator') => `
apiVersion: operator.openshift.io/v1
kind: IngressController
metadata: { name: ${name}, namespace: ${namespace} }
${body}
`;

const infrastructure = (platform: string) => `---
apiVersion: config.openshift.io/v1
kind: Infrastructure
metadata: { name: cluster }
spec: { platformSpec: { type: ${platform} } }
status: { platform: ${platform}, platformStatus: { type: ${platform} } }
`;

const lb = (scope?: string) =>
  scope === undefined
    ? '{ type: LoadBalancerService }'
    : `{ type: LoadBalancerService, loadBalancer: { scope: ${scope}, dnsManagementPolicy: Managed } }`;

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(ingressControllerPublic, text, undefined, file).filter(
    (f) => f.resource.kind === 'IngressController',
  );
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  {
    name: 'Internal scope in spec and status passes',
    yaml: controller(
      `spec: { endpointPublishingStrategy: ${lb('Internal')} }\nstatus: { endpointPublishingStrategy: ${lb('Internal')} }`,
    ),
    status: 'pass',
  },
  {
    name: 'status Internal passes when spec sets no strategy',
    yaml: controller(`spec: { replicas: 2 }\nstatus: { endpointPublishingStrategy: ${lb('Internal')} }`),
    status: 'pass',
  },
  {
    name: 'Private passes',
    yaml: controller('spec: { endpointPublishingStrategy: { type: Private } }'),
    status: 'pass',
  },
  {
    name: 'HostNetwork creates no cloud load balancer and passes',
    yaml: controller('spec: { endpointPublishingStrategy: { type: HostNetwork } }'),
    status: 'pass',
  },
  {
    name: 'External scope in spec fails',
    yaml: controller(`spec: { endpointPublishingStrategy: ${lb('External')} }`),
    status: 'fail',
    violations: [
      {
        path: 'spec.endpointPublishingStrategy.loadBalancer.scope',
        message:
          'spec.endpointPublishingStrategy.loadBalancer.scope is External, so the router is published on a public Azure load balancer',
        actual: 'External',
      },
    ],
  },
  {
    name: 'a LoadBalancerService without scope gets External',
    yaml: controller(`spec: { endpointPublishingStrategy: ${lb()} }`),
    status: 'fail',
    violations: [
      {
        path: 'spec.endpointPublishingStrategy.loadBalancer.scope',
        message:
          'spec.endpointPublishingStrategy.loadBalancer.scope is not set (External), so the router is published on a public Azure load balancer',
        actual: 'External',
      },
    ],
  },
  {
    name: 'External scope read from status fails at the status path',
    yaml: controller(`spec: {}\nstatus: { endpointPublishingStrategy: ${lb('External')} }`),
    status: 'fail',
    violations: [
      {
        path: 'status.endpointPublishingStrategy.loadBalancer.scope',
        message:
          'status.endpointPublishingStrategy.loadBalancer.scope is External, so the router is published on a public Azure load balancer',
        actual: 'External',
      },
    ],
  },
  {
    name: 'spec Internal while status still reports External fails on the status',
    yaml: controller(
      `spec: { endpointPublishingStrategy: ${lb('Internal')} }\nstatus: { endpointPublishingStrategy: ${lb('External')} }`,
    ),
    status: 'fail',
    violations: [
      {
        path: 'status.endpointPublishingStrategy.loadBalancer.scope',
        message:
          'spec asks for scope Internal but status.endpointPublishingStrategy.loadBalancer.scope is still External: the router Service has not been recreated, so the public load balancer is still in place',
        actual: 'External',
      },
    ],
  },
  {
    name: 'no strategy anywhere on Azure: the platform default is External',
    yaml: controller('spec: { replicas: 2 }') + infrastructure('Azure'),
    status: 'fail',
    violations: [
      {
        path: 'spec.endpointPublishingStrategy',
        message:
          'spec.endpointPublishingStrategy is not set, so on Azure the router is published on a LoadBalancerService with External scope, a public IP',
      },
    ],
  },
  {
    name: 'no strategy on another platform is not applicable',
    yaml: controller('spec: {}') + infrastructure('BareMetal'),
    status: 'not-applicable',
  },
  {
    name: 'sharded controllers are not applicable',
    yaml: controller(`spec: { endpointPublishingStrategy: ${lb('External')} }`, 'public-apps'),
    status: 'not-applicable',
  },
];

describe('ingress-controller-public', () => {
  for (const c of cases) {
    it(c.name, () => {
      const finding = only(c.yaml);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }

  it('is indeterminate without a strategy when the scan does not show the platform', () => {
    const finding = only(controller('spec: { replicas: 2 }'));
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'spec and status set no endpointPublishingStrategy, and the default depends on the platform, which the scan does not show; export it with oc get infrastructure.config.openshift.io cluster -o yaml',
    );
  });

  it('renders its remediation', () => {
    const finding = only(controller(`spec: { endpointPublishingStrategy: ${lb('External')} }`));
    assert.equal(
      finding.remediation.command,
      'oc -n openshift-ingress-operator patch ingresscontrollers/default --type=merge --patch=\'{"spec":{"endpointPublishingStrategy":{"type":"LoadBalancerService","loadBalancer":{"scope":"Internal"}}}}\'',
    );
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'operator.openshift.io/v1',
      kind: 'IngressController',
      metadata: { name: 'default', namespace: 'openshift-ingress-operator' },
      spec: { endpointPublishingStrategy: { type: 'LoadBalancerService', loadBalancer: { scope: 'Internal' } } },
    });
    assert.equal(only(json, 'a.json').status, 'pass');
  });

  it('reports a strategy of the wrong type as an error naming it', () => {
    const finding = only(controller('spec: { endpointPublishingStrategy: External }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.endpointPublishingStrategy/);
  });
});
