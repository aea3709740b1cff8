import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceFtpsOnly } from './appservice-ftps-only.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-web';
const flat = (siteConfig: string, kind = 'app,linux') =>
  `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "${kind}", "httpsOnly": true, "resourceGroup": "rg-shop", "siteConfig": ${siteConfig}}`;

describe('appservice-ftps-only', () => {
  it('fails on AllAllowed (az webapp show) and renders the fix', () => {
    const [finding] = runCheckOn(appserviceFtpsOnly, flat('{"ftpsState": "AllAllowed"}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.ftpsState',
        message: `the web app's ftpsState is "AllAllowed"; it must be "Disabled" or "FtpsOnly"`,
        actual: 'AllAllowed',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name shop-web --resource-group rg-shop --ftps-state Disabled',
    );
  });

  it('passes Disabled and FtpsOnly, whatever the case', () => {
    for (const v of ['Disabled', 'FtpsOnly', 'ftpsonly']) {
      assert.equal(
        runCheckOn(appserviceFtpsOnly, flat(`{"ftpsState": "${v}"}`), undefined, 'a.json')[0]?.status,
        'pass',
      );
    }
  });

  it('fails when config/web has no ftpsState (the API default is AllAllowed)', () => {
    const text = `[${flat('{"ftpsState": null}', 'functionapp')}, {"id": "${ID}/config/web", "name": "web", "type": "Microsoft.Web/sites/config", "properties": {"minTlsVersion": "1.2"}}]`;
    const [finding] = runCheckOn(appserviceFtpsOnly, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      `the function app's ftpsState is not set in config/web (the API default is "AllAllowed": plain FTP is accepted); set it to "Disabled" or "FtpsOnly"`,
    );
  });

  it('is indeterminate when the export has no siteConfig at all', () => {
    const text = `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "app", "properties": {"httpsOnly": true}}`;
    const [finding] = runCheckOn(appserviceFtpsOnly, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /the export has no siteConfig/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-web", "properties": null}]`;
    const [finding] = runCheckOn(appserviceFtpsOnly, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
