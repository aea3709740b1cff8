import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrAnonymousPull } from './acr-anonymous-pull.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-demo/providers/Microsoft.ContainerRegistry/registries/crpublicdemo';
const registry = (properties: string) =>
  `{"id": "${ID}", "name": "crpublicdemo", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "Standard"}, "properties": ${properties}}`;

describe('acr-anonymous-pull', () => {
  it('fails when anonymous pull is enabled, and renders the fix', () => {
    const [finding] = runCheckOn(acrAnonymousPull, registry('{"anonymousPullEnabled": true}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.anonymousPullEnabled',
        message: 'anonymousPullEnabled is true; it must be false',
        actual: true,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az acr update --name crpublicdemo --resource-group rg-demo --anonymous-pull-enabled false',
    );
  });

  it('passes when false, and when absent (the API default is false)', () => {
    assert.equal(
      runCheckOn(acrAnonymousPull, registry('{"anonymousPullEnabled": false}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(acrAnonymousPull, registry('{"adminUserEnabled": false}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crpublicdemo", "properties": null}]`;
    assert.equal(runCheckOn(acrAnonymousPull, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
