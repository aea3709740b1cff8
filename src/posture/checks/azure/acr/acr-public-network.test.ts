import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrPublicNetwork } from './acr-public-network.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopprod';
const registry = (properties: string, sku = 'Premium') =>
  `{"id": "${ID}", "name": "crshopprod", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "${sku}", "tier": "${sku}"}, "properties": ${properties}}`;

describe('acr-public-network', () => {
  it('fails public access without a deny-by-default firewall, and renders the fix', () => {
    const text = registry(
      '{"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Allow", "ipRules": []}}',
    );
    const [finding] = runCheckOn(acrPublicNetwork, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.publicNetworkAccess',
        message:
          'the registry is reachable from any network: publicNetworkAccess is "Enabled"; it must be "Disabled", and networkRuleSet.defaultAction is "Allow"; it must be "Deny"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az acr update --name crshopprod --resource-group rg-shop --public-network-enabled false',
    );
  });

  it('fails when both are absent (defaults Enabled, no network rules), noting the Premium SKU', () => {
    const [finding] = runCheckOn(
      acrPublicNetwork,
      registry('{"adminUserEnabled": false}', 'Basic'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'the registry is reachable from any network: publicNetworkAccess is not set (the API default is "Enabled"); set it to "Disabled", and networkRuleSet.defaultAction is not set (without network rules every network is allowed); set it to "Deny" (the registry is on the Basic SKU; disabling public access and network rules need Premium)',
    );
  });

  it('passes disabled public access, or a firewall that denies by default', () => {
    assert.equal(
      runCheckOn(acrPublicNetwork, registry('{"publicNetworkAccess": "Disabled"}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
    const firewall = registry(
      '{"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "20.61.12.0/26"}]}}',
    );
    assert.equal(runCheckOn(acrPublicNetwork, firewall, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crshopprod", "properties": null}]`;
    const [finding] = runCheckOn(acrPublicNetwork, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
