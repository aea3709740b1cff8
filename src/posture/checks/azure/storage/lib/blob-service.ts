/**
 * The blob service of a storage account (`Microsoft.Storage/storageAccounts/blobServices`, always
 * named "default"), for the soft-delete checks: found among the account's children in the inventory,
 * and its findings reported on the account. Exported with
 * `az storage account blob-service-properties show` (flattened SDK output, no renames) or ARM
 * `GET {accountId}/blobServices`.
 * Source: https://learn.microsoft.com/rest/api/storagerp/blob-services/get-service-properties
 */
import type { Violation } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, notApplicable } from '../../../../check.ts';
import { type AzureResource, childrenOf, lastSegment, read, sameText } from '../../../../lib/azure.ts';

const BLOB_SERVICES = 'Microsoft.Storage/storageAccounts/blobServices';

function exportCommand(account: AzureResource): string {
  const group = account.azure.resourceGroup ?? '<resource-group>';
  return `\`az storage account blob-service-properties show --account-name ${lastSegment(account.azure.name)} --resource-group ${group}\``;
}

/**
 * The account's blob service ("default") from the inventory, or the outcome when the check cannot
 * read it: not applicable for FileStorage accounts, indeterminate when the input lacks it.
 */
export function blobServiceOf(
  account: AzureResource,
  ctx: CheckContext,
): { readonly service: AzureResource } | { readonly outcome: CheckOutcome } {
  const kind = read(account.azure, 'kind');
  if (kind.state === 'set' && sameText(kind.value, 'FileStorage')) {
    return { outcome: notApplicable('FileStorage accounts have no blob service') };
  }
  const service = childrenOf(ctx, account, BLOB_SERVICES).find((c) => lastSegment(c.azure.name) === 'default');
  if (service === undefined) {
    return {
      outcome: indeterminate(
        `the input has no blob service properties for this account; export them with ${exportCommand(account)}`,
      ),
    };
  }
  if (service.azure.propertiesUnknown) {
    return {
      outcome: indeterminate(
        `the input has no properties for the account's blob service; export them with ${exportCommand(account)}`,
      ),
    };
  }
  return { service };
}

/** The blob service's outcome, reported on the account: paths and messages name the blob service. */
export function onBlobService(outcome: CheckOutcome): CheckOutcome {
  const rehome = (v: Violation): Violation => ({
    ...v,
    path: `blobServices/default.${v.path}`,
    message: `blob service "default": ${v.message}`,
  });
  if (outcome.status === 'fail') {
    return { ...outcome, violations: outcome.violations.map(rehome) };
  }
  if (outcome.status === 'indeterminate' && outcome.violations) {
    return { ...outcome, violations: outcome.violations.map(rehome) };
  }
  return outcome;
}
