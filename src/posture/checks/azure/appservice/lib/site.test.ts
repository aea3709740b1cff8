import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AzureView } from '#core';
import { azureResource, buildInventory } from '#inventory';
import { evaluate } from '#posture/evaluate.ts';
import { DEFAULT_SETTINGS } from '#posture/settings.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceFtpsOnly } from '../appservice-ftps-only.ts';
import { appserviceMinTlsVersion } from '../appservice-min-tls-version.ts';
import { appservicePhpVersion } from '../appservice-php-version.ts';

/** A site as a template declares it (origin 'template'): absent values mean the API defaults. */
function templateSite(properties: Record<string, unknown>, kind?: string) {
  const view: AzureView = {
    type: 'Microsoft.Web/sites',
    name: 'shop-web',
    resourceGroup: 'rg-shop',
    arm: { type: 'Microsoft.Web/sites', name: 'shop-web', ...(kind === undefined ? {} : { kind }), properties },
    origin: 'template',
  };
  return azureResource(view, { file: 'main.json' });
}

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-web';

describe('site configuration reading', () => {
  it('applies API defaults to values a template leaves out', () => {
    const inventory = buildInventory([templateSite({ siteConfig: { alwaysOn: true } })]);
    const run = (check: typeof appserviceFtpsOnly) =>
      evaluate(inventory, [check], DEFAULT_SETTINGS).findings[0]?.status;
    assert.equal(run(appserviceMinTlsVersion), 'pass');
    assert.equal(run(appserviceFtpsOnly), 'fail');
    // A template site without kind or linuxFxVersion is a Windows app without PHP.
    assert.equal(run(appservicePhpVersion), 'not-applicable');
  });

  it('applies API defaults when a template has no siteConfig at all', () => {
    const inventory = buildInventory([templateSite({ httpsOnly: true }, 'app')]);
    const [finding] = evaluate(inventory, [appserviceFtpsOnly], DEFAULT_SETTINGS).findings;
    assert.equal(finding?.status, 'fail');
    assert.match(finding?.violations[0]?.message ?? '', /ftpsState is not set \(the API default is "AllAllowed"/);
  });

  it('reads the config named web, not other config resources such as authsettings', () => {
    const site = `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "app", "properties": {"siteConfig": {"ftpsState": null}}}`;
    const auth = `{"id": "${ID}/config/authsettings", "name": "authsettings", "type": "Microsoft.Web/sites/config", "properties": {"enabled": true}}`;
    const [finding] = runCheckOn(appserviceFtpsOnly, `[${site}, ${auth}]`, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
  });

  it('matches config/web to its site case-insensitively (Resource Graph lowercases ids)', () => {
    const site = `{"id": "${ID.toLowerCase()}", "name": "shop-web", "type": "microsoft.web/sites", "kind": "app", "properties": {"siteConfig": {"ftpsState": null}}}`;
    const config = `{"id": "${ID}/config/web", "name": "shop-web", "type": "Microsoft.Web/sites/config", "ftpsState": "AllAllowed"}`;
    const [finding] = runCheckOn(appserviceFtpsOnly, `[${site}, ${config}]`, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
  });

  it('is indeterminate when the config/web resource itself has no properties', () => {
    const site = `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "app", "properties": {"siteConfig": {"ftpsState": "Disabled"}}}`;
    const config = `{"id": "${ID}/config/web", "name": "web", "type": "Microsoft.Web/sites/config", "properties": null}`;
    const [finding] = runCheckOn(appserviceFtpsOnly, `[${site}, ${config}]`, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /config\/web resource/);
  });
});
