import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceRemoteDebugging } from './appservice-remote-debugging.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-admin';
const site = `{"id": "${ID}", "name": "shop-admin", "type": "Microsoft.Web/sites", "kind": "app", "properties": {"siteConfig": {"remoteDebuggingEnabled": null}}}`;
const config = (fields: string) =>
  `{"id": "${ID}/config/web", "name": "shop-admin", "type": "Microsoft.Web/sites/config", "resourceGroup": "rg-shop", ${fields}}`;

describe('appservice-remote-debugging', () => {
  it('fails when az webapp config show says remote debugging is on, and renders the fix', () => {
    const text = `[${site}, ${config('"remoteDebuggingEnabled": true, "remoteDebuggingVersion": "VS2022"')}]`;
    const [finding] = runCheckOn(appserviceRemoteDebugging, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.remoteDebuggingEnabled',
        message: "the web app's remoteDebuggingEnabled is true (config/web); it must be false",
        actual: true,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name shop-admin --resource-group rg-shop --remote-debugging-enabled false',
    );
  });

  it('passes when false, and when config/web leaves it out (the API default is false)', () => {
    const off = `[${site}, ${config('"remoteDebuggingEnabled": false')}]`;
    assert.equal(runCheckOn(appserviceRemoteDebugging, off, undefined, 'a.json')[0]?.status, 'pass');
    const absent = `[${site}, ${config('"ftpsState": "Disabled"')}]`;
    assert.equal(runCheckOn(appserviceRemoteDebugging, absent, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate on the null of GET on the site alone', () => {
    assert.equal(runCheckOn(appserviceRemoteDebugging, site, undefined, 'a.json')[0]?.status, 'indeterminate');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-admin", "properties": null}]`;
    const [finding] = runCheckOn(appserviceRemoteDebugging, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
