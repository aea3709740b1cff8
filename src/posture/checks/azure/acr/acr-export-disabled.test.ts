import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrExportDisabled } from './acr-export-disabled.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-platform/providers/Microsoft.ContainerRegistry/registries/crplatform';
const registry = (properties: string, sku = 'Premium') =>
  `{"id": "${ID}", "name": "crplatform", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "${sku}"}, "properties": ${properties}}`;

describe('acr-export-disabled', () => {
  it('fails when exports are enabled, and renders the fix', () => {
    const text = registry('{"publicNetworkAccess": "Disabled", "policies": {"exportPolicy": {"status": "enabled"}}}');
    const [finding] = runCheckOn(acrExportDisabled, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.policies.exportPolicy.status',
        message: 'policies.exportPolicy.status is "enabled"; it must be "disabled"',
        actual: 'enabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az acr update --name crplatform --resource-group rg-platform --public-network-enabled false --allow-exports false',
    );
  });

  it('fails when both are absent (exports and public access enabled by default), noting the SKU once', () => {
    const [finding] = runCheckOn(acrExportDisabled, registry('{}', 'Basic'), undefined, 'a.json');
    assert.deepEqual(
      finding?.violations.map((v) => v.message),
      [
        'policies.exportPolicy.status is not set (the API default is "enabled"); set it to "disabled"',
        'publicNetworkAccess is not set (the API default is "Enabled"); set it to "Disabled" (exports can be disabled only without public access) (the registry is on the Basic SKU; the export policy needs Premium)',
      ],
    );
  });

  it('passes when exports and public access are disabled', () => {
    const text = registry('{"publicNetworkAccess": "Disabled", "policies": {"exportPolicy": {"status": "disabled"}}}');
    assert.equal(runCheckOn(acrExportDisabled, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crplatform", "properties": null}]`;
    assert.equal(runCheckOn(acrExportDisabled, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
