/**
 * Reading an App Service site (`Microsoft.Web/sites`, web and function apps) for the appservice
 * checks: which kind of app it is, and its site configuration.
 *
 * The site configuration lives in two places:
 *   - the child resource `Microsoft.Web/sites/config` named `web` (ARM GET `.../config/web`,
 *     `az webapp config show`, which prints it flattened with `type: Microsoft.Web/sites/config`,
 *     or a template's config resource): the full configuration;
 *   - `properties.siteConfig` on the site (templates, ARM GET on the site, `az webapp show`,
 *     `az webapp list`, Resource Graph).
 * The child is read when the input has it; a value it leaves out falls back to `siteConfig`.
 *
 * A null in `siteConfig` of an export is unknown, never the API default: GET on the site, the
 * list API (`az webapp list`) and Resource Graph return `siteConfig` with most fields null
 * (numberOfWorkers, linuxFxVersion and a few others are filled; minTlsVersion, ftpsState,
 * remoteDebuggingEnabled, phpVersion and the like are null). `az webapp show` and
 * `az functionapp show` replace `siteConfig` with the full configuration (GET `.../config/web`),
 * where these fields are set, so nothing is lost by treating its nulls the same way. In a
 * template a missing `siteConfig` value means the API default.
 * Sources: https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration,
 * https://learn.microsoft.com/rest/api/appservice/web-apps/get, Azure CLI appservice
 * `show_webapp`/`show_app` (which set `site_config` from `get_configuration`).
 */
import { isUnresolved, type Violation } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, PASS } from '../../../../check.ts';
import { type AzureResource, childrenOf, type Reading, read, show } from '../../../../lib/azure.ts';

export const SITE_TYPE = 'Microsoft.Web/sites';
export const CONFIG_TYPE = 'Microsoft.Web/sites/config';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `kind` of the site, lowercased ('app,linux', 'functionapp,linux'), or undefined when unknown or absent. */
export function kindOf(site: AzureResource): string | undefined {
  const kind = read(site.azure, 'kind');
  return kind.state === 'set' && typeof kind.value === 'string' ? kind.value.toLowerCase() : undefined;
}

/** Function apps (and Logic Apps Standard) have `functionapp` in their kind. */
export function isFunctionApp(site: AzureResource): boolean {
  return kindOf(site)?.includes('functionapp') ?? false;
}

/** 'function app' or 'web app', for messages. */
export function appLabel(site: AzureResource): string {
  return isFunctionApp(site) ? 'function app' : 'web app';
}

/** The `az` command that exports this site's full configuration. */
export function configShowCommand(site: AzureResource): string {
  const group = isFunctionApp(site) ? 'functionapp' : 'webapp';
  const name = site.azure.name.split('/').pop() ?? site.azure.name;
  return `\`az ${group} config show --name ${name} --resource-group ${site.azure.resourceGroup ?? '<resource-group>'}\``;
}

function isWebConfig(config: AzureResource): boolean {
  const last = config.azure.id?.split('/').pop();
  if (last !== undefined) {
    return last.toLowerCase() === 'web';
  }
  const name = config.azure.name.toLowerCase();
  return name === 'web' || name.endsWith('/web');
}

/** The site's `config/web` child resource, when the input has it. */
export function webConfigOf(ctx: CheckContext, site: AzureResource): AzureResource | undefined {
  return childrenOf(ctx, site, CONFIG_TYPE).find(isWebConfig);
}

export type SiteConfigReading = Reading & {
  /** Where the value was read: the `config/web` child or the site's `siteConfig`. */
  readonly from: 'config/web' | 'siteConfig';
};

/** Path of a site configuration value in violations: 'properties.siteConfig.minTlsVersion'. */
export function siteConfigPath(key: string): string {
  return `properties.siteConfig.${key}`;
}

function fromSiteConfig(site: AzureResource, key: string): SiteConfigReading {
  const from = 'siteConfig';
  const exported = site.azure.origin === 'export';
  const command = configShowCommand(site);
  if (site.azure.propertiesUnknown) {
    return {
      state: 'unknown',
      from,
      reason: `the input has no properties for this site (\`az resource list\` prints none); export its configuration with ${command}`,
    };
  }
  const config = read(site.azure, 'properties.siteConfig');
  if (config.state === 'unknown') {
    return { ...config, from };
  }
  if (config.state === 'absent' || !isRecord(config.value)) {
    return exported
      ? {
          state: 'unknown',
          from,
          reason: `the export has no siteConfig for this site; export its configuration with ${command}`,
        }
      : { state: 'absent', from };
  }
  let value: unknown;
  let found = false;
  for (const [k, v] of Object.entries(config.value)) {
    if (k.toLowerCase() === key.toLowerCase()) {
      value = v;
      found = true;
      if (k === key) {
        break;
      }
    }
  }
  if (isUnresolved(value)) {
    return { state: 'unknown', from, reason: `siteConfig.${key} is ${value.expression}, which ${value.reason}` };
  }
  if (!found || value === undefined) {
    return exported
      ? {
          state: 'unknown',
          from,
          reason: `the export's siteConfig has no ${key}; export the full configuration with ${command}`,
        }
      : { state: 'absent', from };
  }
  if (value === null) {
    return exported
      ? {
          state: 'unknown',
          from,
          reason: `siteConfig.${key} is null in this export (GET on the site, \`az webapp list\` and Resource Graph leave most of the site configuration out); export it with ${command}`,
        }
      : { state: 'absent', from };
  }
  return { state: 'set', value, from };
}

/**
 * A site configuration value: from the `config/web` child when the input has it and sets the value,
 * else from the site's `siteConfig` (see the module comment for null and missing values).
 */
export function readSiteConfig(ctx: CheckContext, site: AzureResource, key: string): SiteConfigReading {
  const child = webConfigOf(ctx, site);
  if (child !== undefined) {
    if (child.azure.propertiesUnknown) {
      return {
        state: 'unknown',
        from: 'config/web',
        reason: `the input has no properties for the site's config/web resource; export it with ${configShowCommand(site)}`,
      };
    }
    const reading = read(child.azure, `properties.${key}`);
    if (reading.state !== 'absent') {
      return { ...reading, from: 'config/web' };
    }
    const fallback = fromSiteConfig(site, key);
    // The child is the full configuration: a value it leaves out has the API default.
    return fallback.state === 'set' ? fallback : { state: 'absent', from: 'config/web' };
  }
  return fromSiteConfig(site, key);
}

/** A rule over one site configuration value, like `PropertyRule` for a site property. */
export interface SiteConfigRule {
  /** Key in the site configuration: 'minTlsVersion'. */
  readonly key: string;
  readonly compliant: (value: unknown) => boolean;
  /** The compliant value(s), for messages. */
  readonly expected: string;
  /** When the value is absent, App Service applies this default: whether it complies and what it is. */
  readonly absent: { readonly compliant: boolean; readonly meaning: string };
}

/** Pass, fail with one violation naming the app kind, or indeterminate when the value is unknown. */
export function checkSiteConfig(ctx: CheckContext, site: AzureResource, rule: SiteConfigRule): CheckOutcome {
  const reading = readSiteConfig(ctx, site, rule.key);
  const path = siteConfigPath(rule.key);
  const fromChild = reading.from === 'config/web';
  switch (reading.state) {
    case 'unknown':
      return indeterminate(reading.reason, [{ path, message: reading.reason }]);
    case 'absent':
      return rule.absent.compliant
        ? PASS
        : {
            status: 'fail',
            violations: [
              {
                path,
                message: `the ${appLabel(site)}'s ${rule.key} is not set${fromChild ? ' in config/web' : ''} (${rule.absent.meaning}); set it to ${rule.expected}`,
              },
            ],
          };
    case 'set':
      return rule.compliant(reading.value)
        ? PASS
        : {
            status: 'fail',
            violations: [
              {
                path,
                message: `the ${appLabel(site)}'s ${rule.key} is ${show(reading.value)}${fromChild ? ' (config/web)' : ''}; it must be ${rule.expected}`,
                actual: reading.value,
              },
            ],
          };
  }
}

/** The outcome with each violation message prefixed by the app kind ("the function app's httpsOnly is false; ..."). */
export function labelled(site: AzureResource, outcome: CheckOutcome): CheckOutcome {
  if (outcome.status !== 'fail') {
    return outcome;
  }
  const label = appLabel(site);
  const violations: Violation[] = outcome.violations.map((v) => ({ ...v, message: `the ${label}'s ${v.message}` }));
  return { ...outcome, violations };
}
