/**
 * The permissions the configured automations need, generated from the actions' declarations:
 * a ClusterRole (with its ServiceAccount and ClusterRoleBinding) for the Kubernetes actions, and
 * an Azure custom role definition for the Azure actions, limited to the ARM types the triggers
 * admit (named in `trigger.azure.types`, or targeted by the checks `trigger.ids` selects).
 * Azure permissions are exact actions: a wildcard is refused wherever it comes from (a wildcard
 * write includes `Microsoft.Authorization/roleAssignments/write`, which would let the identity
 * grant itself any role).
 */
import { stringify } from 'yaml';
import { matchesAnyGlob } from '#core';
import { CHECKS } from '#posture';
import { armTypesOf } from './arm-types.ts';
import { getRules } from './kube-resources.ts';
import type { Automation, AutomationRules } from './rules.ts';
import type { PermissionScope, Permissions, PolicyRule } from './types.ts';

/** Refuses a wildcard Azure permission: the generated role names exact actions only. */
function exactAzurePermission(permission: string, by: string): string {
  if (permission.includes('*')) {
    throw new Error(
      `${by} asks for the Azure permission "${permission}", a wildcard: Palisade's generated role names exact actions only (a wildcard write includes Microsoft.Authorization/roleAssignments/write)`,
    );
  }
  return permission;
}

/** ARM types an automation's trigger admits; empty when it admits any (the actions then name their own). */
export function azureTypesOf(automation: Automation): string[] {
  const { trigger } = automation;
  if (trigger.azure?.types) return [...trigger.azure.types];
  if (trigger.on !== 'findings' || !trigger.ids) return [];
  const types = new Set<string>();
  for (const check of CHECKS) {
    if (matchesAnyGlob(check.meta.id, trigger.ids)) for (const type of armTypesOf(check)) types.add(type);
  }
  return [...types].sort();
}

/** What `trigger.labels` reads: the kinds alerts and findings name as targets. */
const LABEL_READS: readonly PolicyRule[] = getRules([
  'Pod',
  'Node',
  'Namespace',
  'Service',
  'ServiceAccount',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'DeploymentConfig',
]);

export interface RequiredPermissions {
  /** Merged RBAC rules: one per (apiGroups, resources), verbs united and sorted. */
  readonly kubernetes: PolicyRule[];
  /** Azure role actions, sorted. */
  readonly azure: string[];
  /** Subscriptions the triggers name (the custom role's assignable scopes). */
  readonly subscriptions: string[];
  /** For each permission, the actions that need it (for comments and docs). */
  readonly actions: string[];
}

export function requiredPermissions(rules: AutomationRules): RequiredPermissions {
  const byResource = new Map<string, { apiGroups: string[]; resources: string[]; verbs: Set<string> }>();
  const azure = new Set<string>();
  const subscriptions = new Set<string>();
  const actions = new Set<string>();
  for (const automation of rules.automations) {
    const scope: PermissionScope = { azureTypes: azureTypesOf(automation) };
    for (const s of automation.trigger.azure?.subscriptions ?? []) subscriptions.add(s);
    const steps: { id: string; needed: Permissions }[] = automation.steps.map((step) => ({
      id: step.action.meta.id,
      needed: step.action.permissionsFor?.(step.params, scope) ?? step.action.meta.permissions,
    }));
    // trigger.labels reads the target before any action runs.
    if (automation.trigger.labels && Object.keys(automation.trigger.labels).length > 0) {
      steps.push({ id: '', needed: { kubernetes: LABEL_READS } });
    }
    for (const { id, needed } of steps) {
      if (id) actions.add(id);
      for (const rule of needed.kubernetes ?? []) {
        for (const resource of rule.resources) {
          const apiGroups = [...rule.apiGroups].sort();
          const key = `${apiGroups.join(',')}|${resource}`;
          let entry = byResource.get(key);
          if (!entry) {
            entry = { apiGroups, resources: [resource], verbs: new Set() };
            byResource.set(key, entry);
          }
          for (const verb of rule.verbs) entry.verbs.add(verb);
        }
      }
      for (const action of needed.azure ?? []) azure.add(exactAzurePermission(action, id));
    }
  }
  // Resources of one API group with the same verbs share a rule.
  const merged = new Map<string, PolicyRule & { resources: string[] }>();
  for (const entry of [...byResource.values()].sort((a, b) =>
    a.resources[0] === b.resources[0] ? 0 : (a.resources[0] as string) < (b.resources[0] as string) ? -1 : 1,
  )) {
    const verbs = [...entry.verbs].sort();
    const key = `${entry.apiGroups.join(',')}|${verbs.join(',')}`;
    const existing = merged.get(key);
    if (existing) existing.resources.push(...entry.resources);
    else merged.set(key, { apiGroups: entry.apiGroups, resources: [...entry.resources], verbs });
  }
  const kubernetes = [...merged.values()].sort((a, b) => {
    const ka = `${a.apiGroups.join(',')}|${a.resources.join(',')}`;
    const kb = `${b.apiGroups.join(',')}|${b.resources.join(',')}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return {
    kubernetes,
    azure: [...azure].sort(),
    subscriptions: [...subscriptions].sort(),
    actions: [...actions].sort(),
  };
}

export interface ManifestOptions {
  /** Name of the ClusterRole, ServiceAccount and binding (default palisade-automation). */
  readonly name?: string;
  /** Namespace of the ServiceAccount (default palisade). */
  readonly namespace?: string;
}

/** ServiceAccount, ClusterRole and ClusterRoleBinding as a YAML stream; '' when no Kubernetes action is used. */
export function clusterRoleYaml(required: RequiredPermissions, options: ManifestOptions = {}): string {
  if (required.kubernetes.length === 0) return '';
  const name = options.name ?? 'palisade-automation';
  const namespace = options.namespace ?? 'palisade';
  const labels = { 'app.kubernetes.io/name': 'palisade', 'app.kubernetes.io/component': 'automation' };
  const docs = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name,
        labels,
        annotations: { 'palisade.io/actions': required.actions.filter((a) => a.startsWith('kubernetes:')).join(',') },
      },
      rules: required.kubernetes.map((r) => ({
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
        verbs: [...r.verbs],
      })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/**
 * An Azure custom role definition (`az role definition create --role-definition @role.json`);
 * undefined when no Azure action is used. Assignable scopes are the triggers' subscriptions, or a
 * placeholder to fill in.
 */
export function azureRoleDefinition(
  required: RequiredPermissions,
  options: { name?: string } = {},
): Record<string, unknown> | undefined {
  if (required.azure.length === 0) return undefined;
  for (const permission of required.azure) exactAzurePermission(permission, 'the role');
  return {
    Name: options.name ?? 'Palisade automation',
    IsCustom: true,
    Description: `Lets Palisade automations run: ${required.actions.filter((a) => a.startsWith('azure:')).join(', ')}.`,
    Actions: required.azure,
    NotActions: [],
    DataActions: [],
    NotDataActions: [],
    AssignableScopes:
      required.subscriptions.length > 0
        ? required.subscriptions.map((s) => `/subscriptions/${s}`)
        : ['/subscriptions/<subscription-id>'],
  };
}
