import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceMinTlsVersion } from './appservice-min-tls-version.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-web';
const site = (siteConfig: string, kind = 'app,linux') =>
  `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "${kind}", "properties": {"httpsOnly": true, "siteConfig": ${siteConfig}}}`;
const config = (fields: string) =>
  `{"id": "${ID}/config/web", "name": "shop-web", "type": "Microsoft.Web/sites/config", "resourceGroup": "rg-shop", ${fields}}`;

describe('appservice-min-tls-version', () => {
  it('fails on TLS 1.0 in the config/web resource and renders the fix', () => {
    const text = `[${site('{"minTlsVersion": null}')}, ${config('"minTlsVersion": "1.0"')}]`;
    const [finding] = runCheckOn(appserviceMinTlsVersion, text, undefined, 'a.json');
    assert.equal(finding?.resource.kind, 'Microsoft.Web/sites');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.minTlsVersion',
        message: `the web app's minTlsVersion is "1.0" (config/web); it must be "1.2" or "1.3"`,
        actual: '1.0',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name shop-web --resource-group rg-shop --min-tls-version 1.2',
    );
  });

  it('reads siteConfig of a function app (az functionapp show)', () => {
    const [finding] = runCheckOn(
      appserviceMinTlsVersion,
      site('{"minTlsVersion": "1.1"}', 'functionapp,linux'),
      undefined,
      'a.json',
    );
    assert.equal(
      finding?.violations[0]?.message,
      `the function app's minTlsVersion is "1.1"; it must be "1.2" or "1.3"`,
    );
  });

  it('passes 1.2 and 1.3, and prefers the config/web value to siteConfig', () => {
    for (const v of ['1.2', '1.3']) {
      assert.equal(
        runCheckOn(appserviceMinTlsVersion, site(`{"minTlsVersion": "${v}"}`), undefined, 'a.json')[0]?.status,
        'pass',
      );
    }
    const text = `[${site('{"minTlsVersion": "1.0"}')}, ${config('"minTlsVersion": "1.2"')}]`;
    assert.equal(runCheckOn(appserviceMinTlsVersion, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('passes when config/web leaves minTlsVersion out (App Service applies 1.2)', () => {
    const text = `[${site('{}')}, ${config('"ftpsState": "FtpsOnly"')}]`;
    assert.equal(runCheckOn(appserviceMinTlsVersion, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for the nulls of GET on the site, pointing at az webapp config show', () => {
    const [finding] = runCheckOn(appserviceMinTlsVersion, site('{"minTlsVersion": null}'), undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /siteConfig\.minTlsVersion is null in this export/);
    assert.match(finding?.reason ?? '', /`az webapp config show --name shop-web --resource-group rg-shop`/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-web", "kind": "functionapp", "properties": null}]`;
    const [finding] = runCheckOn(appserviceMinTlsVersion, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list.*az functionapp config show/);
  });
});
