import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroFipsDisabled } from './aro-fips-disabled.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) => runCheckOn(aroFipsDisabled, JSON.stringify(resources), undefined, 'a.json');

describe('aro-fips-disabled', () => {
  it('fails FIPS Disabled, with the redeploy command', () => {
    const [finding] = run(cluster({ clusterProfile: { version: '4.19.18', fipsValidatedModules: 'Disabled' } }));
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.severity, 'low');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clusterProfile.fipsValidatedModules',
        message: 'clusterProfile.fipsValidatedModules is "Disabled"; it must be "Enabled"',
        actual: 'Disabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --fips-validated-modules --pull-secret @pull-secret.txt',
    );
  });

  it('fails when fipsValidatedModules is absent: the API default is Disabled', () => {
    const [finding] = run(cluster({ clusterProfile: { version: '4.19.18' } }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clusterProfile.fipsValidatedModules',
        message: 'clusterProfile.fipsValidatedModules is not set (the API default is Disabled); set it to "Enabled"',
      },
    ]);
  });

  it('passes FIPS Enabled', () => {
    assert.equal(run(cluster({ clusterProfile: { fipsValidatedModules: 'Enabled' } }))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('says FIPS can only be set at creation', () => {
    const { remediation } = aroFipsDisabled.meta;
    assert.equal(remediation.armPatch, undefined);
    assert.match(remediation.summary, /can only be set when the cluster is created/);
  });
});
