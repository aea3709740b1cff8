/**
 * App Service app (web or function app) accepts plain HTTP. Reads `properties.httpsOnly` on
 * `Microsoft.Web/sites`.
 * Compliant: true (HTTP requests are redirected to HTTPS). Absent: the API default is false, so an
 * absent property fails (Azure Policy treats "does not exist" as non-compliant too).
 * Azure Policy a4af4a39-4135-47fb-b175-47fbdf85311d "App Service apps should only be accessible over
 * HTTPS" and 6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab "Function apps should only be accessible over HTTPS".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/create-or-update (Site.httpsOnly)
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { labelled, SITE_TYPE } from './lib/site.ts';

export const appserviceHttpsOnly = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0221',
    slug: 'appservice-https-only',
    title: 'App Service app accepts unencrypted HTTP requests',
    description:
      'Without HTTPS only, a web or function app answers plain HTTP, so requests, cookies and tokens cross the network unencrypted and can be read or changed on the way.',
    severity: 'high',
    maturity: 'stable',
    types: [SITE_TYPE],
    securityControl: 'encrypt-data-in-transit',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-3' },
      { framework: 'cis-azure-2.0', control: '9.2' },
    ],
    remediation: {
      summary: 'Turn on HTTPS only for the app (web and function apps alike).',
      azureCli: 'az resource update --ids {id} --set properties.httpsOnly=true',
      armPatch: '{"properties":{"httpsOnly":true}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/create-or-update',
    ],
  },
  evaluate: (site) =>
    labelled(
      site,
      checkProperty(
        site.azure,
        boolRule('properties.httpsOnly', true, {
          compliant: false,
          meaning: 'the API default is false: plain HTTP is served',
        }),
      ),
    ),
});
