import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroEncryptionAtHostDisabled } from './aro-encryption-at-host-disabled.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroEncryptionAtHostDisabled, JSON.stringify(resources), undefined, 'a.json');

const enabled = {
  masterProfile: { vmSize: 'Standard_D8s_v5', encryptionAtHost: 'Enabled' },
  workerProfiles: [{ name: 'worker', vmSize: 'Standard_D4s_v5', count: 3, encryptionAtHost: 'Enabled' }],
  workerProfilesStatus: [
    { name: 'aro-prod-weu-x7k2p-worker-westeurope1', count: 1, encryptionAtHost: 'Enabled' },
    { name: 'aro-prod-weu-x7k2p-worker-westeurope2', count: 1, encryptionAtHost: 'Enabled' },
  ],
};

describe('aro-encryption-at-host-disabled', () => {
  it('fails every profile without encryption at host, naming it, with the redeploy command', () => {
    const [finding] = run(
      cluster({
        masterProfile: { vmSize: 'Standard_D8s_v5', encryptionAtHost: 'Disabled' },
        workerProfiles: [
          { name: 'worker', count: 3 },
          { count: 2, encryptionAtHost: 'Enabled' },
        ],
        workerProfilesStatus: [
          { name: 'aro-prod-weu-x7k2p-worker-westeurope1', count: 1, encryptionAtHost: 'Enabled' },
          { name: 'aro-prod-weu-x7k2p-gpu-westeurope1', count: 1, encryptionAtHost: 'Disabled' },
        ],
      }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.masterProfile.encryptionAtHost',
        message: 'the master profile has encryptionAtHost "Disabled"; it must be "Enabled"',
        actual: 'Disabled',
      },
      {
        path: 'properties.workerProfiles[0].encryptionAtHost',
        message: 'worker profile "worker" has no encryptionAtHost (the API default is Disabled); it must be "Enabled"',
      },
      {
        path: 'properties.workerProfilesStatus[1].encryptionAtHost',
        message:
          'worker profile status "aro-prod-weu-x7k2p-gpu-westeurope1" has encryptionAtHost "Disabled"; it must be "Enabled"',
        actual: 'Disabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --master-encryption-at-host --worker-encryption-at-host --pull-secret @pull-secret.txt',
    );
  });

  it('fails absent values on an older cluster: the API default is Disabled', () => {
    const [finding] = run(
      cluster({ masterProfile: { vmSize: 'Standard_D8s_v3' }, workerProfiles: [{ name: 'worker' }] }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(
      finding?.violations.map((v) => v.path),
      ['properties.masterProfile.encryptionAtHost', 'properties.workerProfiles[0].encryptionAtHost'],
    );
    assert.equal(
      finding?.violations[0]?.message,
      'the master profile has no encryptionAtHost (the API default is Disabled); it must be "Enabled"',
    );
  });

  it('passes when the master and every worker profile and MachineSet have it Enabled', () => {
    assert.equal(run(cluster(enabled))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
    assert.doesNotMatch(finding?.reason ?? '', /; the input has no properties/);
  });

  it('says encryption at host is set at creation', () => {
    const { remediation } = aroEncryptionAtHostDisabled.meta;
    assert.equal(remediation.armPatch, undefined);
    assert.match(remediation.summary, /set when the cluster is created and cannot be changed/);
  });
});
