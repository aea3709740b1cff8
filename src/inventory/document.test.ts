import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentKind, toAnyResource } from './document.ts';

const SCHEMAS = 'https://schema.management.azure.com/schemas';
const VAULT_ID =
  '/subscriptions/c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-prod';

const template = (schema: string) => ({
  $schema: schema,
  contentVersion: '1.0.0.0',
  parameters: { vaultName: { type: 'string' } },
  resources: [
    {
      type: 'Microsoft.KeyVault/vaults',
      apiVersion: '2023-07-01',
      name: "[parameters('vaultName')]",
      location: '[resourceGroup().location]',
      properties: { tenantId: '[subscription().tenantId]', sku: { family: 'A', name: 'standard' } },
    },
  ],
});

describe('documentKind', () => {
  it('recognises resource group deployment templates by their schema', () => {
    assert.equal(documentKind(template(`${SCHEMAS}/2019-04-01/deploymentTemplate.json#`)), 'arm-template');
    assert.equal(documentKind(template(`${SCHEMAS}/2015-01-01/deploymentTemplate.json#`)), 'arm-template');
  });

  it('recognises subscription, management group and tenant templates', () => {
    assert.equal(documentKind(template(`${SCHEMAS}/2018-05-01/subscriptionDeploymentTemplate.json#`)), 'arm-template');
    assert.equal(
      documentKind(template(`${SCHEMAS}/2019-08-01/managementGroupDeploymentTemplate.json#`)),
      'arm-template',
    );
    assert.equal(documentKind(template(`${SCHEMAS}/2019-08-01/tenantDeploymentTemplate.json#`)), 'arm-template');
  });

  it('accepts the schema without the trailing # and in another case', () => {
    assert.equal(documentKind(template(`${SCHEMAS}/2019-04-01/deploymentTemplate.json`)), 'arm-template');
    assert.equal(documentKind(template(`${SCHEMAS}/2019-04-01/DeploymentTemplate.json#`)), 'arm-template');
  });

  it('recognises parameter files', () => {
    const parameters = (schema: string) => ({
      $schema: schema,
      contentVersion: '1.0.0.0',
      parameters: { vaultName: { value: 'kv-pay-prod' } },
    });
    assert.equal(documentKind(parameters(`${SCHEMAS}/2019-04-01/deploymentParameters.json#`)), 'arm-parameters');
    assert.equal(
      documentKind(parameters(`${SCHEMAS}/2019-08-01/subscriptionDeploymentParameters.json#`)),
      'arm-parameters',
    );
  });

  it('does not take another JSON schema for a template', () => {
    assert.equal(
      documentKind({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }),
      'kubernetes',
    );
    assert.equal(documentKind({ $schema: `${SCHEMAS}/2019-04-01/deploymentTemplate.json#/definitions` }), 'kubernetes');
  });

  it('recognises exported Azure resources', () => {
    assert.equal(
      documentKind({ id: VAULT_ID, name: 'kv-pay-prod', type: 'Microsoft.KeyVault/vaults', properties: {} }),
      'azure',
    );
    assert.equal(
      documentKind({ id: VAULT_ID.toLowerCase(), name: 'kv-pay-prod', type: 'microsoft.keyvault/vaults' }),
      'azure',
    );
  });

  it('calls Kubernetes objects, Secrets with a type included, kubernetes', () => {
    assert.equal(documentKind({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }), 'kubernetes');
    assert.equal(
      documentKind({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls' }),
      'kubernetes',
    );
    assert.equal(
      documentKind({ apiVersion: 'config.openshift.io/v1', kind: 'Infrastructure', metadata: { name: 'cluster' } }),
      'kubernetes',
    );
  });

  it('calls what is not an object kubernetes (the Kubernetes reader reports it)', () => {
    assert.equal(documentKind([]), 'kubernetes');
    assert.equal(documentKind('text'), 'kubernetes');
    assert.equal(documentKind(null), 'kubernetes');
  });
});

describe('toAnyResource', () => {
  it('reads an Azure export as an Azure resource and a Kubernetes object as a Kubernetes resource', () => {
    const azure = toAnyResource(
      { id: VAULT_ID, name: 'kv-pay-prod', type: 'Microsoft.KeyVault/vaults', properties: {} },
      { file: 'a.json', line: 1 },
    );
    assert.equal(azure.resource?.kind, 'Microsoft.KeyVault/vaults');
    assert.equal(azure.resource?.azure?.id, VAULT_ID);
    const kube = toAnyResource(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } },
      { file: 'a.yaml', line: 1 },
    );
    assert.equal(kube.resource?.key, '/Namespace//payments');
    assert.equal(kube.resource?.azure, undefined);
  });
});
