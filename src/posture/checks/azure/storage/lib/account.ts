/**
 * Storage accounts that Azure Red Hat OpenShift creates and manages in the cluster's managed resource
 * group (aro-*): the cluster storage account (cluster*) and the image registry account
 * (imageregistry*). Azure Policy 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751 excludes them by id and name.
 */
import type { AzureResource } from '../../../../lib/azure.ts';

/** The Azure Policy exclusion: id contains /resourceGroups/aro- and name like cluster* or imageregistry*. */
export function isAroManagedStorageAccount(resource: AzureResource): boolean {
  const { id, resourceGroup, name } = resource.azure;
  const inAroGroup =
    id !== undefined
      ? id.toLowerCase().includes('/resourcegroups/aro-')
      : (resourceGroup?.toLowerCase().startsWith('aro-') ?? false);
  const lower = name.toLowerCase();
  return inAroGroup && (lower.startsWith('cluster') || lower.startsWith('imageregistry'));
}
