/**
 * App Service app (web or function app) has no managed identity. Reads `identity.type` on
 * `Microsoft.Web/sites` (the resource envelope, not `properties`).
 * Compliant: "SystemAssigned", "UserAssigned" or "SystemAssigned, UserAssigned". Absent (or "None"):
 * the app has no managed identity, so it fails. An `az resource list` row without properties and
 * without an `identity` key is indeterminate.
 * Azure Policy 2b9ad585-36bc-4615-b300-fd4435808332 "App Service apps should use managed identity"
 * and 0da106f2-4ca3-48e8-bc85-c638fe6aea8f "Function apps should use managed identity".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/get (ManagedServiceIdentity),
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity
 */
import { indeterminate } from '../../../check.ts';
import { checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { labelled, SITE_TYPE } from './lib/site.ts';

export const appserviceManagedIdentity = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0225',
    slug: 'appservice-managed-identity',
    title: 'App Service app has no managed identity',
    description:
      'Without a managed identity (Register with Entra ID), the app must keep passwords, keys or connection strings to reach other Azure services, and such stored secrets leak and are rarely rotated.',
    severity: 'low',
    maturity: 'stable',
    types: [SITE_TYPE],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-3' },
      { framework: 'cis-azure-2.0', control: '9.5' },
    ],
    remediation: {
      summary:
        'Assign a system-assigned managed identity to the app (or a user-assigned one) and use it instead of stored credentials.',
      azureCli: 'az webapp identity assign --name {name} --resource-group {resourceGroup}',
      armPatch: '{"identity":{"type":"SystemAssigned"}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/overview-managed-identity',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/get',
    ],
  },
  evaluate: (site) => {
    if (site.azure.propertiesUnknown && !('identity' in site.azure.arm)) {
      return indeterminate(
        'the input has neither properties nor identity for this site; export it with `az webapp show`, `az resource show --ids <id>` or `az graph query`',
      );
    }
    return labelled(
      site,
      checkProperty(site.azure, {
        path: 'identity.type',
        compliant: (value) => typeof value === 'string' && /systemassigned|userassigned/i.test(value),
        expected: '"SystemAssigned" and/or "UserAssigned"',
        absent: { compliant: false, meaning: 'the app has no managed identity' },
      }),
    );
  },
});
