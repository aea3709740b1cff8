/**
 * Key vault authorizes data access with vault access policies instead of Azure RBAC. Reads
 * `properties.enableRbacAuthorization`.
 * Compliant: true. Absent: existing vaults whose property is null use access policies, and API
 * versions before 2026-02-01 create vaults with access policies, so an absent property does not
 * comply; a template resource declaring API version 2026-02-01 or later creates an RBAC vault, so
 * there an absent property complies.
 * Vaults created with `properties.createMode` "recover" are not applicable, as in Azure Policy.
 * Azure Policy 12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5 "Azure Key Vault should use RBAC permission model".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update,
 * https://learn.microsoft.com/azure/key-vault/general/access-control-default
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { recoverModeReason } from './lib/vault.ts';

/** The first Key Vault API version that creates vaults with Azure RBAC when the property is not set. */
const RBAC_DEFAULT_API = '2026-02-01';

export const keyvaultRbacAuthorization = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0123',
    slug: 'keyvault-rbac-authorization',
    title: 'Key vault uses access policies instead of Azure RBAC',
    description:
      'Vault access policies grant all-or-nothing permissions per object type, cannot be scoped to single keys or secrets, and can be changed by anyone with Contributor on the vault, which lets them grant themselves data access.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults'],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'cis-azure-2.0', control: '8.6' },
    ],
    remediation: {
      summary:
        'Switch the key vault to the Azure RBAC permission model, after granting Key Vault data roles that replace its access policies.',
      azureCli: 'az keyvault update --name {name} --resource-group {resourceGroup} --enable-rbac-authorization true',
      armPatch: '{"properties":{"enableRbacAuthorization":true}}',
      armApiVersion: '2026-02-01',
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/general/rbac-migration',
      'https://learn.microsoft.com/azure/key-vault/general/access-control-default',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update',
    ],
  },
  appliesTo: recoverModeReason,
  evaluate(resource) {
    const { origin, apiVersion } = resource.azure;
    const rbacByDefault =
      origin === 'template' && apiVersion !== undefined && apiVersion.slice(0, 10) >= RBAC_DEFAULT_API;
    return checkProperty(
      resource.azure,
      boolRule(
        'properties.enableRbacAuthorization',
        true,
        rbacByDefault
          ? { compliant: true, meaning: `API version ${RBAC_DEFAULT_API} and later create vaults with Azure RBAC` }
          : { compliant: false, meaning: 'the vault uses access policies' },
      ),
    );
  },
});
