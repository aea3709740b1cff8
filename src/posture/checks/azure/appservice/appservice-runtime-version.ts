/**
 * App Service app runs a Node.js, .NET, PowerShell or Ruby version past its end of support (PHP,
 * Python and Java have their own checks). Reads the site configuration's `linuxFxVersion`
 * ("NODE|22-lts", "DOTNETCORE|8.0", "DOTNET-ISOLATED|8.0", "POWERSHELL|7.4", "RUBY|2.7") on Linux
 * apps and `nodeVersion`, `netFrameworkVersion` ("v8.0"; "v4.0" is .NET Framework 4.x, supported
 * with Windows) and `powerShellVersion` on Windows apps (the `config/web` child, else
 * `properties.siteConfig`; see lib/site.ts and lib/runtime.ts).
 * Compliant: a release line still supported on the date of RUNTIME_SUPPORT; apps on other stacks,
 * and custom containers, are not applicable. Absent: the stack is not configured (not applicable).
 * No Azure Policy definition covers these stacks (the built-in ".NET Framework latest" definitions
 * were deprecated).
 * Source: https://learn.microsoft.com/azure/app-service/language-support-policy,
 * https://github.com/nodejs/release#release-schedule, https://dotnet.microsoft.com/platform/support/policy/dotnet-core
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { runtimeOutcome } from './lib/runtime.ts';
import { SITE_TYPE } from './lib/site.ts';

export const appserviceRuntimeVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0230',
    slug: 'appservice-runtime-version',
    title: 'App Service app runs a Node.js, .NET, PowerShell or Ruby version past its end of support',
    description:
      'A runtime release line past its end of support gets no more security fixes from its community or from App Service, so known vulnerabilities in the runtime stay open in the app.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'remediate-vulnerabilities',
    frameworks: [{ framework: 'mcsb-v1', control: 'PV-6' }],
    remediation: {
      summary:
        'Move the app to a supported version of its runtime; `az webapp list-runtimes --os linux` lists them (for example "DOTNETCORE|10.0" for .NET, or `az functionapp config set` for a function app).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --linux-fx-version "NODE|22-lts"',
      armPatch: '{"properties":{"siteConfig":{"linuxFxVersion":"NODE|22-lts"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/language-support-policy',
      'https://github.com/nodejs/release#release-schedule',
      'https://dotnet.microsoft.com/platform/support/policy/dotnet-core',
      'https://learn.microsoft.com/powershell/scripting/install/powershell-support-lifecycle',
    ],
  },
  evaluate: (site, ctx) => runtimeOutcome(ctx, site, ['node', 'dotnet', 'powershell', 'ruby']),
});
