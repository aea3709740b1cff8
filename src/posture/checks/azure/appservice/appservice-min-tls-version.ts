/**
 * App Service app (web or function app) accepts TLS versions older than 1.2. Reads the site
 * configuration's `minTlsVersion` (the `config/web` child, else `properties.siteConfig`; see
 * lib/site.ts).
 * Compliant: "1.2" or "1.3". Absent: App Service creates apps with a minimum of TLS 1.2, so an
 * absent value (a template that does not set it) complies; a null in an export is unknown.
 * Azure Policy f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b "App Service apps should use the latest TLS
 * version" and f9d614c5-c173-4d56-95a7-b4437057d193 "Function apps should use the latest TLS version".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration (SiteConfig.minTlsVersion),
 * https://learn.microsoft.com/azure/app-service/overview-tls
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkSiteConfig, SITE_TYPE } from './lib/site.ts';

export const appserviceMinTlsVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0222',
    slug: 'appservice-min-tls-version',
    title: 'App Service app accepts TLS versions older than 1.2',
    description:
      'TLS 1.0 and 1.1 have known weaknesses and are deprecated; a web or function app that still accepts them lets clients negotiate a connection that can be downgraded or decrypted.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'encrypt-data-in-transit',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-3' },
      { framework: 'cis-azure-2.0', control: '9.3' },
    ],
    remediation: {
      summary:
        'Set the minimum inbound TLS version of the app to 1.2 (for a function app, `az functionapp config set` takes the same flag).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --min-tls-version 1.2',
      armPatch: '{"properties":{"siteConfig":{"minTlsVersion":"1.2"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/overview-tls',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration',
    ],
  },
  evaluate: (site, ctx) =>
    checkSiteConfig(ctx, site, {
      key: 'minTlsVersion',
      compliant: (value) => value === '1.2' || value === '1.3',
      expected: '"1.2" or "1.3"',
      absent: { compliant: true, meaning: 'App Service applies its default minimum, TLS 1.2' },
    }),
});
