/**
 * App Service app (web or function app) does not require client certificates. Reads
 * `properties.clientCertEnabled` and `properties.clientCertMode` on `Microsoft.Web/sites`.
 * Compliant: clientCertEnabled true and clientCertMode "Required". Absent: clientCertEnabled defaults
 * to false (fails); clientCertMode defaults to "Required" (complies once certificates are enabled).
 * "Optional" and "OptionalInteractiveUser" accept requests without a certificate, so they fail.
 * Azure Policy 19dd1db6-f442-49cf-a838-b0786b4401ef "App Service apps should have Client
 * Certificates (Incoming client certificates) enabled" and eaebaea7-8013-4ceb-9d14-7eb32271373c
 * "Function apps should have 'Client Certificates (Incoming client certificates)' enabled".
 * Source: https://learn.microsoft.com/rest/api/appservice/web-apps/get (Site.clientCertEnabled, Site.clientCertMode),
 * https://learn.microsoft.com/azure/app-service/app-service-web-configure-tls-mutual-auth
 */
import { boolRule, checkProperties, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { labelled, SITE_TYPE } from './lib/site.ts';

export const appserviceClientCertificates = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0226',
    slug: 'appservice-client-certificates',
    title: 'App Service app does not require client certificates',
    description:
      'Requiring incoming client certificates (mutual TLS) lets only callers with a valid certificate reach the app; without it any client on the network can send requests. Apps meant for anonymous browser users can accept this finding.',
    severity: 'low',
    maturity: 'stable',
    types: [SITE_TYPE],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '9.4' },
      { framework: 'mcsb-v1', control: 'IM-4' },
    ],
    remediation: {
      summary: 'Enable incoming client certificates on the app in Required mode, and validate them in the app.',
      azureCli:
        'az resource update --ids {id} --set properties.clientCertEnabled=true properties.clientCertMode=Required',
      armPatch: '{"properties":{"clientCertEnabled":true,"clientCertMode":"Required"}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/app-service-web-configure-tls-mutual-auth',
      'https://learn.microsoft.com/rest/api/appservice/web-apps/get',
    ],
  },
  evaluate: (site) =>
    labelled(
      site,
      checkProperties(site.azure, [
        boolRule('properties.clientCertEnabled', true, {
          compliant: false,
          meaning: 'the API default is false: no client certificate is asked for',
        }),
        textRule('properties.clientCertMode', 'Required', {
          compliant: true,
          meaning: 'the API default is "Required"',
        }),
      ]),
    ),
});
