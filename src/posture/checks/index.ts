/**
 * The check registry: every check, validated once at load (unique ids and slugs, slugs equal
 * file names, framework references resolve, admission checks read single objects).
 */
import { defineRegistry, type Registry } from '#core';
import type { Check } from '../check.ts';
import { controlExists } from '../frameworks/index.ts';
import { azureAcrChecks } from './azure/acr/index.ts';
import { azureAppServiceChecks } from './azure/appservice/index.ts';
import { azureAroChecks } from './azure/aro/index.ts';
import { azureComputeChecks } from './azure/compute/index.ts';
import { azureCosmosChecks } from './azure/cosmos/index.ts';
import { azureKeyVaultChecks } from './azure/keyvault/index.ts';
import { azureNetworkChecks } from './azure/network/index.ts';
import { azureSqlChecks } from './azure/sql/index.ts';
import { azureStorageChecks } from './azure/storage/index.ts';
import { kubernetesNetworkChecks } from './kubernetes/network/index.ts';
import { kubernetesPssChecks } from './kubernetes/pss/index.ts';
import { kubernetesRbacChecks } from './kubernetes/rbac/index.ts';
import { kubernetesWorkloadChecks } from './kubernetes/workload/index.ts';
import { openshiftClusterChecks } from './openshift/cluster/index.ts';
import { openshiftNetworkChecks } from './openshift/network/index.ts';
import { openshiftRbacChecks } from './openshift/rbac/index.ts';

/** Check methods are bivariant in their resource type, so every check fits here. */
export type AnyCheck = Check;

/** Folder (relative to this one) of each group, for the registry-equals-folder meta-test. */
export const CHECK_GROUPS: Readonly<Record<string, readonly AnyCheck[]>> = {
  'kubernetes/pss': kubernetesPssChecks,
  'kubernetes/workload': kubernetesWorkloadChecks,
  'kubernetes/rbac': kubernetesRbacChecks,
  'kubernetes/network': kubernetesNetworkChecks,
  'openshift/rbac': openshiftRbacChecks,
  'openshift/network': openshiftNetworkChecks,
  'openshift/cluster': openshiftClusterChecks,
  'azure/aro': azureAroChecks,
  'azure/storage': azureStorageChecks,
  'azure/keyvault': azureKeyVaultChecks,
  'azure/sql': azureSqlChecks,
  'azure/cosmos': azureCosmosChecks,
  'azure/compute': azureComputeChecks,
  'azure/network': azureNetworkChecks,
  'azure/appservice': azureAppServiceChecks,
  'azure/acr': azureAcrChecks,
};

export function validateCheck(check: AnyCheck): string[] {
  const problems: string[] = [];
  const { meta } = check;
  if (meta.targets.length === 0) {
    problems.push('targets is empty');
  }
  if (meta.admission && meta.scope !== 'object') {
    problems.push('admission checks must have scope "object" (single-object and fast)');
  }
  for (const ref of meta.frameworks) {
    if (!controlExists(ref.framework, ref.control)) {
      problems.push(`framework reference ${ref.framework} ${ref.control} does not resolve`);
    }
  }
  if (meta.frameworks.length === 0) {
    problems.push('maps to no framework control');
  }
  for (const url of meta.references) {
    if (!/^https:\/\/\S+$/.test(url)) {
      problems.push(`reference "${url}" is not an https URL`);
    }
  }
  if (!meta.remediation.summary) {
    problems.push('remediation has no summary');
  }
  if (meta.title.endsWith('.')) {
    problems.push('title ends with a period');
  }
  return problems;
}

export const checkRegistry: Registry<AnyCheck> = defineRegistry(Object.values(CHECK_GROUPS).flat(), {
  name: 'posture checks',
  idPattern: /^PAL-(K8S|OCP|AZR|ARO)-\d{4}$/,
  validate: (check) => {
    const problems = validateCheck(check);
    for (const id of check.meta.overrides ?? []) {
      if (!Object.values(CHECK_GROUPS).some((group) => group.some((c) => c.meta.id === id))) {
        problems.push(`overrides unknown check ${id}`);
      }
    }
    return problems;
  },
});

export const CHECKS: readonly AnyCheck[] = checkRegistry.items;
