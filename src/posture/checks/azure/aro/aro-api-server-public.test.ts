import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroApiServerPublic } from './aro-api-server-public.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) => runCheckOn(aroApiServerPublic, JSON.stringify(resources), undefined, 'a.json');

const template = (visibility: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "apiVisibility": { "type": "string", "allowedValues": ["Private", "Public"] } },
  "resources": [
    {
      "type": "Microsoft.RedHatOpenShift/openShiftClusters",
      "apiVersion": "2025-07-25",
      "name": "aro-prod-weu",
      "location": "westeurope",
      "properties": { "apiserverProfile": { "visibility": ${visibility} } }
    }
  ]
}`;

describe('aro-api-server-public', () => {
  it('fails a public API server, naming the property and the redeploy command', () => {
    const [finding] = run(
      cluster({ apiserverProfile: { visibility: 'Public', url: 'https://api.x.aroapp.io:6443/' } }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.apiserverProfile.visibility',
        message: 'apiserverProfile.visibility is "Public"; it must be "Private"',
        actual: 'Public',
      },
    ]);
    assert.equal(finding?.resource.id, ID);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --pull-secret @pull-secret.txt',
    );
  });

  it('fails when visibility is absent: the API default is Public', () => {
    const [finding] = run(cluster({ apiserverProfile: { url: 'https://api.x.aroapp.io:6443/' } }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.apiserverProfile.visibility',
        message: 'apiserverProfile.visibility is not set (the API default is Public); set it to "Private"',
      },
    ]);
    assert.equal(run(cluster({}))[0]?.status, 'fail');
  });

  it('passes a private API server, whatever the case of the value', () => {
    assert.equal(run(cluster({ apiserverProfile: { visibility: 'Private' } }))[0]?.status, 'pass');
    assert.equal(run(cluster({ apiserverProfile: { visibility: 'private' } }))[0]?.status, 'pass');
  });

  it('reads the flattened az aro show output (apiserverProfile at the top level)', () => {
    const show = {
      id: ID,
      name: 'aro-prod-weu',
      type: 'Microsoft.RedHatOpenShift/openShiftClusters',
      resourceGroup: 'rg-aro-prod',
      apiserverProfile: { visibility: 'Public', ip: '20.103.55.12' },
      provisioningState: 'Succeeded',
    };
    assert.equal(run(show)[0]?.status, 'fail');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate when a template takes the visibility from a parameter without value', () => {
    const [finding] = runCheckOn(
      aroApiServerPublic,
      template('"[parameters(\'apiVisibility\')]"'),
      undefined,
      'main.json',
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /apiVisibility/);
    assert.equal(runCheckOn(aroApiServerPublic, template('"Private"'), undefined, 'main.json')[0]?.status, 'pass');
  });

  it('says the property is set at creation: no ARM patch, the summary asks for a redeploy', () => {
    const { remediation } = aroApiServerPublic.meta;
    assert.equal(remediation.armPatch, undefined);
    assert.match(remediation.summary, /set when the cluster is created and cannot be changed/);
    assert.match(remediation.summary, /redeploy/);
  });
});
