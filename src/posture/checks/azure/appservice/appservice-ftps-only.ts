/**
 * App Service app (web or function app) allows plain FTP deployments. Reads the site
 * configuration's `ftpsState` (the `config/web` child, else `properties.siteConfig`; see
 * lib/site.ts).
 * Compliant: "Disabled" or "FtpsOnly". Absent: the API default is "AllAllowed" (FTP and FTPS), so an
 * absent value fails; a null in an export is unknown.
 * Azure Policy 4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b "App Service apps should require FTPS only" and
 * 399b2637-a50f-4f95-96f8-3a145476eb15 "Function apps should require FTPS only".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration (SiteConfig.ftpsState),
 * https://learn.microsoft.com/azure/app-service/deploy-ftp#enforce-ftps
 */
import { defineAzureCheck, sameText } from '../../../lib/azure.ts';
import { checkSiteConfig, SITE_TYPE } from './lib/site.ts';

export const appserviceFtpsOnly = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0223',
    slug: 'appservice-ftps-only',
    title: 'App Service app allows unencrypted FTP deployments',
    description:
      'With ftpsState AllAllowed the app accepts plain FTP, which sends the deployment credentials and the code in clear text; FTP deployment should be disabled, or at least limited to FTPS.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'encrypt-data-in-transit',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-3' },
      { framework: 'cis-azure-2.0', control: '9.10' },
    ],
    remediation: {
      summary:
        'Disable FTP deployments on the app, or allow FTPS only (for a function app, `az functionapp config set` takes the same flag).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --ftps-state Disabled',
      armPatch: '{"properties":{"siteConfig":{"ftpsState":"Disabled"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/deploy-ftp#enforce-ftps',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration',
    ],
  },
  evaluate: (site, ctx) =>
    checkSiteConfig(ctx, site, {
      key: 'ftpsState',
      compliant: (value) => sameText(value, 'Disabled') || sameText(value, 'FtpsOnly'),
      expected: '"Disabled" or "FtpsOnly"',
      absent: { compliant: false, meaning: 'the API default is "AllAllowed": plain FTP is accepted' },
    }),
});
