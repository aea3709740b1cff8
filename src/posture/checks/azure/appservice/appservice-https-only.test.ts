import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceHttpsOnly } from './appservice-https-only.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-web';
const site = (kind: string, properties: string) =>
  `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "${kind}", "properties": ${properties}}`;

describe('appservice-https-only', () => {
  it('fails a web app with httpsOnly false, naming the property, and renders the fix', () => {
    const [finding] = runCheckOn(appserviceHttpsOnly, site('app,linux', '{"httpsOnly": false}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.httpsOnly', message: "the web app's httpsOnly is false; it must be true", actual: false },
    ]);
    assert.equal(finding?.remediation.azureCli, `az resource update --ids ${ID} --set properties.httpsOnly=true`);
  });

  it('says so when the app is a function app', () => {
    const [finding] = runCheckOn(
      appserviceHttpsOnly,
      site('functionapp,linux', '{"httpsOnly": false}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.violations[0]?.message, "the function app's httpsOnly is false; it must be true");
  });

  it('fails when httpsOnly is absent (the API default is false)', () => {
    const [finding] = runCheckOn(appserviceHttpsOnly, site('app', '{"state": "Running"}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      "the web app's httpsOnly is not set (the API default is false: plain HTTP is served); set it to true",
    );
  });

  it('passes when true, also in flattened az webapp show output', () => {
    assert.equal(
      runCheckOn(appserviceHttpsOnly, site('app', '{"httpsOnly": true}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
    const flat = `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "app", "httpsOnly": true, "resourceGroup": "rg-shop"}`;
    assert.equal(runCheckOn(appserviceHttpsOnly, flat, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-web", "properties": null}]`;
    const [finding] = runCheckOn(appserviceHttpsOnly, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
