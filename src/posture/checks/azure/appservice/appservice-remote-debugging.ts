/**
 * App Service app (web or function app) has remote debugging turned on. Reads the site
 * configuration's `remoteDebuggingEnabled` (the `config/web` child, else `properties.siteConfig`;
 * see lib/site.ts).
 * Compliant: false. Absent: the API default is false, so an absent value complies; a null in an
 * export is unknown.
 * Azure Policy cb510bfd-1cba-4d9f-a230-cb0976f4bb71 "App Service apps should have remote debugging
 * turned off" and 0e60b895-3786-45da-8377-9c6b4b6ac5f9 "Function apps should have remote debugging
 * turned off".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration (SiteConfig.remoteDebuggingEnabled)
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkSiteConfig, SITE_TYPE } from './lib/site.ts';

export const appserviceRemoteDebugging = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0224',
    slug: 'appservice-remote-debugging',
    title: 'App Service app has remote debugging turned on',
    description:
      'Remote debugging opens inbound debugger ports on the app and lets a debugger attach to the running process; left on in production it exposes the code, memory and secrets of the app.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PV-2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary: 'Turn remote debugging off (for a function app, `az functionapp config set` takes the same flag).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --remote-debugging-enabled false',
      armPatch: '{"properties":{"siteConfig":{"remoteDebuggingEnabled":false}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/overview-security',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration',
    ],
  },
  evaluate: (site, ctx) =>
    checkSiteConfig(ctx, site, {
      key: 'remoteDebuggingEnabled',
      compliant: (value) => value === false,
      expected: 'false',
      absent: { compliant: true, meaning: 'the API default is false' },
    }),
});
