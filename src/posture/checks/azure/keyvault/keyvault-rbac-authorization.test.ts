import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AzureView } from '#core';
import { azureResource, buildInventory } from '#inventory';
import { evaluate } from '#posture/evaluate.ts';
import { DEFAULT_SETTINGS } from '#posture/settings.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultRbacAuthorization } from './keyvault-rbac-authorization.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.KeyVault/vaults/kv-shop';
const vault = (properties: string) =>
  `{"id": "${ID}", "name": "kv-shop", "type": "Microsoft.KeyVault/vaults", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(keyvaultRbacAuthorization, text, undefined, 'a.json');

/** A vault as the ARM template loader gives it: no id, the template's API version. */
function templateVault(apiVersion: string, properties: Record<string, unknown>) {
  const view: AzureView = {
    type: 'Microsoft.KeyVault/vaults',
    name: 'kv-new',
    resourceGroup: 'rg-shop',
    apiVersion,
    arm: { type: 'Microsoft.KeyVault/vaults', name: 'kv-new', properties },
    origin: 'template',
  };
  const inventory = buildInventory([azureResource(view, { file: 'main.json' })]);
  return evaluate(inventory, [keyvaultRbacAuthorization], DEFAULT_SETTINGS).findings;
}

describe('keyvault-rbac-authorization', () => {
  it('fails when the vault uses access policies, and renders the fix', () => {
    const [finding] = run(vault('{"enableRbacAuthorization": false, "accessPolicies": []}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.enableRbacAuthorization',
        message: 'enableRbacAuthorization is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az keyvault update --name kv-shop --resource-group rg-shop --enable-rbac-authorization true',
    );
  });

  it('fails when absent in an export: such vaults use access policies', () => {
    assert.deepEqual(run(vault('{"accessPolicies": []}'))[0]?.violations, [
      {
        path: 'properties.enableRbacAuthorization',
        message: 'enableRbacAuthorization is not set (the vault uses access policies); set it to true',
      },
    ]);
  });

  it('passes when true', () => {
    assert.equal(run(vault('{"enableRbacAuthorization": true}'))[0]?.status, 'pass');
  });

  it('in a template, treats absent as RBAC from API version 2026-02-01 on', () => {
    assert.equal(templateVault('2026-02-01', { tenantId: 't' })[0]?.status, 'pass');
    assert.equal(templateVault('2023-07-01', { tenantId: 't' })[0]?.status, 'fail');
    assert.equal(templateVault('2026-02-01', { enableRbacAuthorization: false })[0]?.status, 'fail');
  });

  it('does not apply to a vault created in recover mode, as Azure Policy', () => {
    assert.equal(run(vault('{"createMode": "recover"}'))[0]?.status, 'not-applicable');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${vault('null')}]`)[0]?.status, 'indeterminate');
  });
});
