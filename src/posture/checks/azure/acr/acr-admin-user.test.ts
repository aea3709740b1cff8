import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrAdminUser } from './acr-admin-user.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopbuild';
const registry = (properties: string) =>
  `{"id": "${ID}", "name": "crshopbuild", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "Standard", "tier": "Standard"}, "properties": ${properties}}`;

describe('acr-admin-user', () => {
  it('fails when the admin user is enabled, and renders the fix', () => {
    const [finding] = runCheckOn(acrAdminUser, registry('{"adminUserEnabled": true}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.adminUserEnabled', message: 'adminUserEnabled is true; it must be false', actual: true },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az acr update --name crshopbuild --resource-group rg-shop --admin-enabled false',
    );
  });

  it('reads flattened az acr show output', () => {
    const flat = `{"id": "${ID}", "name": "crshopbuild", "type": "Microsoft.ContainerRegistry/registries", "adminUserEnabled": true, "loginServer": "crshopbuild.azurecr.io", "resourceGroup": "rg-shop"}`;
    assert.equal(runCheckOn(acrAdminUser, flat, undefined, 'a.json')[0]?.status, 'fail');
  });

  it('passes when false, and when absent (the API default is false)', () => {
    assert.equal(
      runCheckOn(acrAdminUser, registry('{"adminUserEnabled": false}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(acrAdminUser, registry('{"loginServer": "crshopbuild.azurecr.io"}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crshopbuild", "properties": null}]`;
    const [finding] = runCheckOn(acrAdminUser, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
