import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceManagedIdentity } from './appservice-managed-identity.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-func';
const site = (identity: string, kind = 'functionapp,linux') =>
  `{"id": "${ID}", "name": "shop-func", "type": "Microsoft.Web/sites", "kind": "${kind}", "identity": ${identity}, "properties": {"httpsOnly": true}}`;

describe('appservice-managed-identity', () => {
  it('fails a function app without identity, and renders the fix', () => {
    const [finding] = runCheckOn(appserviceManagedIdentity, site('null'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'identity.type',
        message: `the function app's identity.type is not set (the app has no managed identity); set it to "SystemAssigned" and/or "UserAssigned"`,
      },
    ]);
    assert.equal(finding?.remediation.azureCli, 'az webapp identity assign --name shop-func --resource-group rg-shop');
  });

  it('fails identity type None', () => {
    const [finding] = runCheckOn(appserviceManagedIdentity, site('{"type": "None"}', 'app'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      `the web app's identity.type is "None"; it must be "SystemAssigned" and/or "UserAssigned"`,
    );
  });

  it('passes system-assigned, user-assigned and both', () => {
    for (const type of ['SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned']) {
      const text = site(`{"type": "${type}", "principalId": "5d0b7c8e-1f2a-4b3c-9d4e-5f6a7b8c9d0e"}`);
      assert.equal(runCheckOn(appserviceManagedIdentity, text, undefined, 'a.json')[0]?.status, 'pass', type);
    }
  });

  it('is indeterminate for az resource list rows with neither properties nor identity', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-func", "properties": null}]`;
    const [finding] = runCheckOn(appserviceManagedIdentity, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /neither properties nor identity/);
  });

  it('still judges az resource list rows that print identity', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-func", "identity": {"type": "SystemAssigned"}, "properties": null}]`;
    assert.equal(runCheckOn(appserviceManagedIdentity, text, undefined, 'a.json')[0]?.status, 'pass');
  });
});
