/**
 * App Service app runs a Python version past its end of support. Reads the site configuration's
 * `linuxFxVersion` ("PYTHON|3.12") on Linux apps and `pythonVersion` ("3.4", "2.7") on Windows apps
 * (the `config/web` child, else `properties.siteConfig`; see lib/site.ts and lib/runtime.ts).
 * Compliant: a Python release line still supported on the date of RUNTIME_SUPPORT (Python devguide);
 * apps that do not use Python, and custom containers, are not applicable. Absent: no Python is
 * configured (not applicable).
 * Azure Policy 7008174a-fd10-4ef0-817e-fc820a951d73 "App Service apps that use Python should use a
 * specified 'Python version'" (formerly "... the latest 'Python version'").
 * Source: https://learn.microsoft.com/azure/app-service/language-support-policy,
 * https://devguide.python.org/versions/
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { runtimeOutcome } from './lib/runtime.ts';
import { SITE_TYPE } from './lib/site.ts';

export const appservicePythonVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0228',
    slug: 'appservice-python-version',
    title: 'App Service app runs a Python version past its end of support',
    description:
      'A Python release line past its end of life gets no more security fixes from the Python project or from App Service, so known vulnerabilities in the interpreter and its standard library stay open in the app.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'remediate-vulnerabilities',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PV-6' },
      { framework: 'cis-azure-2.0', control: '9.7' },
    ],
    remediation: {
      summary:
        'Move the app to a supported Python version (for a function app, `az functionapp config set --linux-fx-version "Python|3.12"`).',
      azureCli: 'az webapp config set --name {name} --resource-group {resourceGroup} --linux-fx-version "PYTHON|3.12"',
      armPatch: '{"properties":{"siteConfig":{"linuxFxVersion":"PYTHON|3.12"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/language-support-policy',
      'https://learn.microsoft.com/azure/app-service/configure-language-python',
      'https://devguide.python.org/versions/',
    ],
  },
  evaluate: (site, ctx) => runtimeOutcome(ctx, site, ['python']),
});
