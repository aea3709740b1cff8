import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { azureRoleDefinition, clusterRoleYaml, requiredPermissions } from './permissions.ts';
import { parseAutomationRules } from './rules.ts';

const RULES = `automations:
  - name: isolate
    mode: apply
    trigger: { on: alerts, ids: [PAL-TD-0001] }
    actions:
      - action: kubernetes:isolate-pod
      - action: kubernetes:create-event
  - name: scale
    mode: dry-run
    trigger: { on: alerts, ids: [PAL-TD-0072] }
    actions:
      - action: kubernetes:scale-to-zero
  - name: fix-storage
    mode: apply
    trigger: { on: findings, ids: [PAL-AZR-0102, PAL-AZR-0103], azure: { subscriptions: [11111111-2222-3333-4444-555555555555] } }
    actions:
      - action: azure:apply-remediation
      - action: notify:webhook
        params: { url: "https://hooks.example.com/x" }
`;

describe('automation permissions', () => {
  const rules = parseAutomationRules(RULES, 'rules.yaml');
  const required = requiredPermissions(rules);

  it('unites the RBAC rules of the Kubernetes actions used, verbs merged per resource', () => {
    const byResource = new Map<string, string[]>();
    for (const rule of required.kubernetes) {
      for (const resource of rule.resources) byResource.set(`${rule.apiGroups.join(',')}/${resource}`, [...rule.verbs]);
    }
    // Every declared rule of the three actions is covered.
    for (const step of rules.automations.flatMap((a) => a.steps)) {
      for (const rule of step.action.meta.permissions.kubernetes ?? []) {
        for (const resource of rule.resources) {
          const verbs = byResource.get(`${[...rule.apiGroups].sort().join(',')}/${resource}`);
          assert.ok(verbs, `${step.action.meta.id}: ${resource} missing`);
          for (const verb of rule.verbs)
            assert.ok(verbs.includes(verb), `${step.action.meta.id}: ${verb} ${resource} missing`);
        }
      }
    }
    assert.ok(byResource.get('networking.k8s.io/networkpolicies')?.includes('create'));
    assert.ok(byResource.get('/events')?.includes('create'));
    assert.ok(byResource.get('apps/deployments')?.includes('patch'));
    // Nothing the rules do not use: nodes are only read (create-event's involvedObject), not cordoned.
    assert.deepEqual(byResource.get('/nodes'), ['get']);
  });

  it('limits the Azure role to the types the checks of the trigger target', () => {
    assert.deepEqual(required.azure, [
      'Microsoft.Storage/storageAccounts/read',
      'Microsoft.Storage/storageAccounts/write',
    ]);
    const role = azureRoleDefinition(required);
    assert.deepEqual(role?.Actions, required.azure);
    assert.deepEqual(role?.AssignableScopes, ['/subscriptions/11111111-2222-3333-4444-555555555555']);
    assert.equal(role?.IsCustom, true);
  });

  it('never prints a wildcard: a rule that admits any Azure type gets exact read and write on the types a check can patch', () => {
    const unbounded = requiredPermissions(
      parseAutomationRules(
        `automations:
  - name: fix-anything
    mode: apply
    trigger: { on: findings }
    actions: [{ action: azure:apply-remediation }]
  - name: fix-star
    mode: apply
    trigger: { on: findings, azure: { types: ['*', Microsoft.Authorization/roleAssignments] } }
    actions: [{ action: azure:apply-remediation }]
`,
        'any.yaml',
      ),
    );
    const types = [
      'Microsoft.Compute/virtualMachines',
      'Microsoft.ContainerRegistry/registries',
      'Microsoft.DocumentDB/databaseAccounts',
      'Microsoft.KeyVault/vaults',
      'Microsoft.Sql/servers',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Web/sites',
    ];
    assert.deepEqual(
      unbounded.azure,
      types.flatMap((t) => [`${t}/read`, `${t}/write`]),
    );
    const role = JSON.stringify(azureRoleDefinition(unbounded));
    assert.ok(!role.includes('*'), role);
    assert.ok(!role.includes('Microsoft.Authorization'), role);
    // Nor in the role of the rules above, Kubernetes included.
    assert.ok(!JSON.stringify(azureRoleDefinition(required)).includes('*'));
    assert.ok(!clusterRoleYaml(required).includes('*'));
  });

  it('refuses an action that asks for a wildcard Azure permission', () => {
    const [automation] = rules.automations.filter((a) => a.name === 'fix-storage');
    assert.ok(automation);
    const [step] = automation.steps;
    assert.ok(step);
    const { permissionsFor: _dropped, ...action } = step.action;
    const greedy = { ...action, meta: { ...action.meta, permissions: { azure: ['*/read', '*/write'] } } };
    const forged = { ...rules, automations: [{ ...automation, steps: [{ ...step, action: greedy }] }] };
    assert.throws(() => requiredPermissions(forged), {
      message:
        'azure:apply-remediation asks for the Azure permission "*/read", a wildcard: Palisade\'s generated role names exact actions only (a wildcard write includes Microsoft.Authorization/roleAssignments/write)',
    });
    assert.throws(
      () => azureRoleDefinition({ kubernetes: [], azure: ['Microsoft.Storage/*'], subscriptions: [], actions: [] }),
      /the role asks for the Azure permission "Microsoft\.Storage\/\*", a wildcard/,
    );
  });

  it('prints a ServiceAccount, ClusterRole and binding that parse as Kubernetes objects', () => {
    const docs = parseAllDocuments(clusterRoleYaml(required, { namespace: 'sec', name: 'responder' })).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'],
    );
    const binding = docs[2] as { roleRef: { name: string }; subjects: { namespace: string; name: string }[] };
    assert.equal(binding.roleRef.name, 'responder');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'responder', namespace: 'sec' }]);
    const role = docs[1] as { rules: unknown[] };
    assert.deepEqual(
      role.rules,
      required.kubernetes.map((r) => ({ ...r })),
    );
  });

  it('reads the target for trigger.labels, even when the actions only notify', () => {
    const labelled = requiredPermissions(
      parseAutomationRules(
        'automations:\n  - name: n\n    mode: apply\n    trigger: { on: alerts, labels: { team: payments } }\n    actions: [{ action: notify:slack, params: { url: env:SLACK_URL } }]\n',
        'l.yaml',
      ),
    );
    const pods = labelled.kubernetes.find((r) => r.apiGroups.join() === '' && r.resources.includes('pods'));
    assert.deepEqual(pods?.verbs, ['get']);
    assert.ok(labelled.kubernetes.some((r) => r.apiGroups.join() === 'apps' && r.resources.includes('deployments')));
    assert.deepEqual(labelled.actions, ['notify:slack']);
  });

  it('is empty for rules that only notify', () => {
    const only = requiredPermissions(
      parseAutomationRules(
        'automations:\n  - name: n\n    mode: apply\n    trigger: { on: alerts }\n    actions: [{ action: notify:slack, params: { url: env:SLACK_URL } }]\n',
        'n.yaml',
      ),
    );
    assert.equal(clusterRoleYaml(only), '');
    assert.equal(azureRoleDefinition(only), undefined);
  });
});
