/**
 * App Service app runs a PHP version past its end of support. Reads the site configuration's
 * `linuxFxVersion` ("PHP|8.3") on Linux apps and `phpVersion` ("8.0"; "Off" or "" when PHP is off)
 * on Windows apps (the `config/web` child, else `properties.siteConfig`; see lib/site.ts and
 * lib/runtime.ts).
 * Compliant: a PHP release line still supported on the date of RUNTIME_SUPPORT (php.net supported
 * versions); apps that do not use PHP, and custom containers, are not applicable. Absent: no PHP is
 * configured (not applicable).
 * Azure Policy 7261b898-8a84-4db8-9e04-18527132abb3 "App Service apps that use PHP should use a
 * specified 'PHP version'" (formerly "... the latest 'PHP version'").
 * Source: https://learn.microsoft.com/azure/app-service/language-support-policy,
 * https://www.php.net/supported-versions.php
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { runtimeOutcome } from './lib/runtime.ts';
import { SITE_TYPE } from './lib/site.ts';

export const appservicePhpVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0227',
    slug: 'appservice-php-version',
    title: 'App Service app runs a PHP version past its end of support',
    description:
      'A PHP release line past its end of support gets no more security fixes from PHP or from App Service, so known vulnerabilities in the runtime stay open in the app.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'remediate-vulnerabilities',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PV-6' },
      { framework: 'cis-azure-2.0', control: '9.6' },
    ],
    remediation: {
      summary:
        'Move the app to a supported PHP version (on Windows, where App Service no longer offers PHP, set phpVersion to Off or move the app to Linux).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --linux-fx-version "PHP|8.3"',
      armPatch: '{"properties":{"siteConfig":{"linuxFxVersion":"PHP|8.3"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/language-support-policy',
      'https://learn.microsoft.com/azure/app-service/configure-language-php',
      'https://www.php.net/supported-versions.php',
    ],
  },
  evaluate: (site, ctx) => runtimeOutcome(ctx, site, ['php']),
});
