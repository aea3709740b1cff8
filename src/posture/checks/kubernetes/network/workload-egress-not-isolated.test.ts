import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { workloadEgressNotIsolated } from './workload-egress-not-isolated.ts';

const dc = `
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: ledger, namespace: pay}
spec:
  selector: {app: ledger}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers: [{name: ledger, image: registry.example.com/ledger:2}]
`;

describe('workload-egress-not-isolated', () => {
  const cases: readonly {
    readonly name: string;
    readonly yaml: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'unset policyTypes without egress rules cover only Ingress',
      yaml: `${dc}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: pay}
spec:
  podSelector: {}
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'no NetworkPolicy in namespace "pay" selects the pods (app=ledger, deploymentconfig=ledger) with Egress in its policyTypes ("deny" selects them but covers only Ingress), so they can send traffic to any destination',
        },
      ],
    },
    {
      name: 'unset policyTypes with an egress rule cover Egress',
      yaml: `${dc}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: pay}
spec:
  podSelector: {matchLabels: {deploymentconfig: ledger}}
  egress: [{ports: [{port: 5353, protocol: UDP}]}]
`,
      status: 'pass',
    },
    {
      name: 'an EgressNetworkPolicy is mentioned but does not isolate',
      yaml: `${dc}---
apiVersion: network.openshift.io/v1
kind: EgressNetworkPolicy
metadata: {name: external, namespace: pay}
spec:
  egress:
  - {type: Allow, to: {dnsName: api.bank.example}}
  - {type: Deny, to: {cidrSelector: 0.0.0.0/0}}
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'namespace "pay" has no NetworkPolicy, so the pods (app=ledger, deploymentconfig=ledger) can send traffic to any destination; EgressNetworkPolicy "external" spec.egress[1] denies other IPv4 egress leaving the cluster, but not egress to pods and Services inside it',
        },
      ],
    },
    {
      name: 'allow-all egress rule',
      yaml: `${dc}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: anywhere, namespace: pay}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [], ports: []}]
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'NetworkPolicy "anywhere" selects the pods (app=ledger, deploymentconfig=ledger) and its spec.egress[0] allows all egress, so they can send traffic to any destination',
        },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(workloadEgressNotIsolated, c.yaml);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.status, c.status);
      assert.deepEqual(
        findings[0]?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }

  it('is not applicable to host-network pods', () => {
    const [finding] = runCheckOn(
      workloadEgressNotIsolated,
      `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: registry.example.com/agent:1}]
`,
    );
    assert.equal(finding?.status, 'not-applicable');
  });
});
