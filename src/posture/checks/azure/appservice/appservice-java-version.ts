/**
 * App Service app runs a Java version past its end of support. Reads the site configuration's
 * `linuxFxVersion` on Linux apps ("JAVA|21-java21", "TOMCAT|10.1-java17", "JBOSSEAP|8-java17": the
 * Java version, not the server's) and `javaVersion` ("1.8", "17") on Windows apps (the `config/web`
 * child, else `properties.siteConfig`; see lib/site.ts and lib/runtime.ts).
 * Compliant: a Java release still supported on the date of RUNTIME_SUPPORT (Microsoft Build of
 * OpenJDK, Eclipse Temurin 8); apps that do not use Java, and custom containers, are not applicable.
 * Absent: no Java is configured (not applicable).
 * Azure Policy 496223c3-ad65-4ecd-878a-bae78737e9ed "App Service apps that use Java should use a
 * specified 'Java version'" (formerly "... the latest 'Java version'").
 * Source: https://learn.microsoft.com/azure/app-service/language-support-policy,
 * https://learn.microsoft.com/java/openjdk/support
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { runtimeOutcome } from './lib/runtime.ts';
import { SITE_TYPE } from './lib/site.ts';

export const appserviceJavaVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0229',
    slug: 'appservice-java-version',
    title: 'App Service app runs a Java version past its end of support',
    description:
      'A Java release past its end of support gets no more security updates for the JVM and class library, so known vulnerabilities stay open in the app.',
    severity: 'medium',
    maturity: 'stable',
    types: [SITE_TYPE],
    scope: 'cluster',
    securityControl: 'remediate-vulnerabilities',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PV-6' },
      { framework: 'cis-azure-2.0', control: '9.8' },
    ],
    remediation: {
      summary:
        'Move the app to a supported Java version (Tomcat and JBoss EAP stacks name it after the server version: "TOMCAT|10.1-java21").',
      azureCli:
        'az webapp config set --name {name} --resource-group {resourceGroup} --linux-fx-version "JAVA|21-java21"',
      armPatch: '{"properties":{"siteConfig":{"linuxFxVersion":"JAVA|21-java21"}}}',
      armApiVersion: '2024-04-01',
    },
    references: [
      'https://learn.microsoft.com/azure/app-service/language-support-policy',
      'https://learn.microsoft.com/azure/app-service/configure-language-java-deploy-run',
      'https://learn.microsoft.com/java/openjdk/support',
    ],
  },
  evaluate: (site, ctx) => runtimeOutcome(ctx, site, ['java']),
});
