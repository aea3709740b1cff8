import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroDiskEncryptionSetMissing } from './aro-disk-encryption-set-missing.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const DES = `/subscriptions/${SUB}/resourceGroups/rg-aro-keys/providers/Microsoft.Compute/diskEncryptionSets/des-aro-prod`;
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroDiskEncryptionSetMissing, JSON.stringify(resources), undefined, 'a.json');

describe('aro-disk-encryption-set-missing', () => {
  it('fails profiles without a disk encryption set or with an id that is not one, with the redeploy command', () => {
    const [finding] = run(
      cluster({
        masterProfile: { encryptionAtHost: 'Enabled', diskEncryptionSetId: DES },
        workerProfiles: [
          { name: 'worker', diskEncryptionSetId: null },
          {
            name: 'infra',
            diskEncryptionSetId: `/subscriptions/${SUB}/resourceGroups/rg-aro-keys/providers/Microsoft.KeyVault/vaults/kv-aro`,
          },
        ],
      }),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.severity, 'low');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.workerProfiles[0].diskEncryptionSetId',
        message:
          'worker profile "worker" has no diskEncryptionSetId, so its disks use platform-managed keys only; set it to a disk encryption set with a customer-managed key',
      },
      {
        path: 'properties.workerProfiles[1].diskEncryptionSetId',
        message: `worker profile "infra" has diskEncryptionSetId "/subscriptions/${SUB}/resourceGroups/rg-aro-keys/providers/Microsoft.KeyVault/vaults/kv-aro", which is not a Microsoft.Compute/diskEncryptionSets resource id`,
        actual: `/subscriptions/${SUB}/resourceGroups/rg-aro-keys/providers/Microsoft.KeyVault/vaults/kv-aro`,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --disk-encryption-set <disk-encryption-set-id> --master-encryption-at-host --worker-encryption-at-host --pull-secret @pull-secret.txt',
    );
  });

  it('fails when no profile names one: the disks use platform-managed keys', () => {
    const [finding] = run(
      cluster({ masterProfile: { vmSize: 'Standard_D8s_v5' }, workerProfiles: [{ name: 'worker' }] }),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'the master profile has no diskEncryptionSetId, so its disks use platform-managed keys only; set it to a disk encryption set with a customer-managed key',
    );
    assert.equal(finding?.violations.length, 2);
  });

  it('passes when the master, worker profiles and MachineSets use a disk encryption set (ids compare case-insensitively)', () => {
    const properties = {
      masterProfile: { diskEncryptionSetId: DES },
      workerProfiles: [{ name: 'worker', diskEncryptionSetId: DES.toLowerCase() }],
      workerProfilesStatus: [{ name: 'aro-prod-weu-x7k2p-worker-westeurope1', diskEncryptionSetId: DES }],
    };
    assert.equal(run(cluster(properties))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('says the disk encryption set is chosen at creation', () => {
    assert.match(
      aroDiskEncryptionSetMissing.meta.remediation.summary,
      /chosen when the cluster is created and cannot be added later/,
    );
  });
});
