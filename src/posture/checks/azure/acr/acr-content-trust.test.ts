import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrContentTrust } from './acr-content-trust.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopprod';
const registry = (policies: string, sku = 'Premium') =>
  `{"id": "${ID}", "name": "crshopprod", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "${sku}"}, "properties": {"policies": ${policies}}}`;

describe('acr-content-trust', () => {
  it('fails when both policies are disabled, and renders the fix', () => {
    const text = registry(
      '{"trustPolicy": {"type": "Notary", "status": "disabled"}, "quarantinePolicy": {"status": "disabled"}}',
    );
    const [finding] = runCheckOn(acrContentTrust, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.policies.trustPolicy.status',
        message:
          'pushed images are served unsigned and unscanned: policies.trustPolicy.status is "disabled"; it must be "enabled", and policies.quarantinePolicy.status is "disabled"; it must be "enabled"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az acr config content-trust update --registry crshopprod --status enabled',
    );
  });

  it('fails when the policies are absent (default disabled), noting the SKU', () => {
    const [finding] = runCheckOn(acrContentTrust, registry('{}', 'Standard'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /trustPolicy\.status is not set \(the API default is "disabled"\)/,
    );
    assert.match(
      finding?.violations[0]?.message ?? '',
      /\(the registry is on the Standard SKU; content trust and quarantine need Premium\)$/,
    );
  });

  it('passes content trust or quarantine', () => {
    assert.equal(
      runCheckOn(
        acrContentTrust,
        registry('{"trustPolicy": {"type": "Notary", "status": "enabled"}}'),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(acrContentTrust, registry('{"quarantinePolicy": {"status": "enabled"}}'), undefined, 'a.json')[0]
        ?.status,
      'pass',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crshopprod", "properties": null}]`;
    assert.equal(runCheckOn(acrContentTrust, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
