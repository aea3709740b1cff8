import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { workloadIngressNotIsolated } from './workload-ingress-not-isolated.ts';

const deployment = (namespace: string, labels = '{app: web}', extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: ${labels}}
    spec:
      ${extra}
      containers: [{name: web, image: registry.example.com/web:1}]
`;

describe('workload-ingress-not-isolated', () => {
  const cases: readonly {
    readonly name: string;
    readonly yaml: string;
    readonly status: string;
    readonly reason?: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'no policy in the namespace',
      yaml: deployment('shop'),
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message: 'namespace "shop" has no NetworkPolicy, so the pods (app=web) accept traffic from any source',
        },
      ],
    },
    {
      name: 'policies that select other pods or cover only egress are listed',
      yaml: `${deployment('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [cache]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: elsewhere, namespace: other}
spec:
  podSelector: {}
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'no NetworkPolicy in namespace "shop" selects the pods (app=web) with Ingress in its policyTypes ("db" and "cache" select other pods; "egress" selects them but covers only Egress), so they accept traffic from any source',
        },
      ],
    },
    {
      name: 'pod without labels is selected only by an empty selector',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: shop}
spec:
  containers: [{name: c, image: registry.example.com/c:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: not-canary, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: track, operator: Exists}]}
`,
      status: 'fail',
      violations: [
        {
          path: 'metadata.labels',
          message:
            'no NetworkPolicy in namespace "shop" selects the pods (no labels) with Ingress in its policyTypes ("not-canary" selects other pods), so they accept traffic from any source',
        },
      ],
    },
    {
      name: 'allow-all rule in a selecting policy',
      yaml: `${deployment('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-open, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {}}]}, {}]
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'NetworkPolicy "web-open" selects the pods (app=web) and its spec.ingress[1] allows all ingress, so they accept traffic from any source',
        },
      ],
    },
    {
      name: 'Job pods with manualSelector do not get the job-name label',
      yaml: `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  manualSelector: true
  selector: {matchLabels: {app: migrate}}
  template:
    metadata: {labels: {app: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: m, image: registry.example.com/m:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: by-job-name, namespace: shop}
spec:
  podSelector: {matchLabels: {job-name: migrate}}
`,
      status: 'fail',
      violations: [
        {
          path: 'spec.template.metadata.labels',
          message:
            'no NetworkPolicy in namespace "shop" selects the pods (app=migrate) with Ingress in its policyTypes ("by-job-name" selects other pods), so they accept traffic from any source',
        },
      ],
    },
    {
      name: 'objects without a namespace share one bucket',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example.com/web:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {}
`,
      status: 'pass',
    },
    {
      name: 'NotIn matches pods without the key',
      yaml: `${deployment('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: non-public, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: exposure, operator: NotIn, values: [public]}]}
  policyTypes: [Ingress]
`,
      status: 'pass',
    },
    {
      name: 'host-network pods',
      yaml: deployment('shop', '{app: web}', 'hostNetwork: true'),
      status: 'not-applicable',
      reason: 'the pods use the host network (spec.hostNetwork), where NetworkPolicy does not reliably apply',
    },
    {
      name: 'platform namespace',
      yaml: deployment('kube-system'),
      status: 'not-applicable',
      reason: 'platform namespace (settings.systemNamespaces): its network policy is managed by the platform',
    },
    {
      name: 'an invalid policy that could select the pods makes it an error',
      yaml: `${deployment('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: Exists, values: [web]}]}
`,
      status: 'error',
      reason:
        'cannot tell whether the pods (app=web) are isolated for Ingress: NetworkPolicy "bad" is invalid (spec.podSelector.matchExpressions[0]: operator Exists takes no values)',
    },
    {
      name: 'an invalid policy does not matter when a valid one isolates the pods',
      yaml: `${deployment('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: Exists, values: [web]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: good, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
`,
      status: 'pass',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(workloadIngressNotIsolated, c.yaml);
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding?.status, c.status);
      if (c.reason !== undefined) {
        assert.equal(finding?.reason, c.reason);
      }
      assert.deepEqual(
        finding?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }

  it('reads CronJob pod template labels at their path', () => {
    const [finding] = runCheckOn(
      workloadIngressNotIsolated,
      `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: r, image: registry.example.com/r:1}]
`,
    );
    assert.deepEqual(finding?.violations[0]?.path, 'spec.jobTemplate.spec.template.metadata.labels');
    assert.deepEqual(finding?.violations[0]?.actual, { app: 'report' });
    assert.equal(finding?.violations[0]?.container, undefined);
  });
});
