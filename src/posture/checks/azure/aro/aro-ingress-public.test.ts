import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroIngressPublic } from './aro-ingress-public.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) => runCheckOn(aroIngressPublic, JSON.stringify(resources), undefined, 'a.json');

describe('aro-ingress-public', () => {
  it('fails each public or unset profile, naming it, and prints the redeploy command', () => {
    const [finding] = run(
      cluster({
        ingressProfiles: [
          { name: 'default', visibility: 'Public', ip: '20.103.55.40' },
          { name: 'internal', visibility: 'Private', ip: '10.20.2.254' },
          { visibility: 'Public' },
          { name: 'apps2' },
        ],
      }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.ingressProfiles[0].visibility',
        message: 'ingress profile "default" has visibility "Public"; it must be "Private"',
        actual: 'Public',
      },
      {
        path: 'properties.ingressProfiles[2].visibility',
        message: 'ingress profile #2 has visibility "Public"; it must be "Private"',
        actual: 'Public',
      },
      {
        path: 'properties.ingressProfiles[3].visibility',
        message: 'ingress profile "apps2" has no visibility (the API default is Public); set it to "Private"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --pull-secret @pull-secret.txt',
    );
  });

  it('fails when ingressProfiles is absent or empty: the default ingress gets the API default Public', () => {
    for (const properties of [{}, { ingressProfiles: [] }]) {
      const [finding] = run(cluster(properties));
      assert.equal(finding?.status, 'fail');
      assert.deepEqual(finding?.violations, [
        {
          path: 'properties.ingressProfiles',
          message:
            'ingressProfiles is not set (the default ingress is created with the API default visibility Public); set the "default" profile\'s visibility to "Private"',
        },
      ]);
    }
  });

  it('passes when every profile is private (case-insensitive)', () => {
    const properties = {
      ingressProfiles: [
        { name: 'default', visibility: 'Private' },
        { name: 'internal', visibility: 'private' },
      ],
    };
    assert.equal(run(cluster(properties))[0]?.status, 'pass');
  });

  it('reads the flattened az aro list output', () => {
    const rows = [
      {
        id: ID,
        name: 'aro-prod-weu',
        type: 'Microsoft.RedHatOpenShift/openShiftClusters',
        resourceGroup: 'rg-aro-prod',
        ingressProfiles: [{ name: 'default', visibility: 'Private', ip: '10.20.2.254' }],
        provisioningState: 'Succeeded',
      },
      {
        id: ID.replace('aro-prod-weu', 'aro-dev-weu'),
        name: 'aro-dev-weu',
        type: 'Microsoft.RedHatOpenShift/openShiftClusters',
        resourceGroup: 'rg-aro-prod',
        ingressProfiles: [{ name: 'default', visibility: 'Public', ip: '20.103.55.41' }],
        provisioningState: 'Succeeded',
      },
    ];
    const statuses = Object.fromEntries(run(...rows).map((f) => [f.resource.name, f.status]));
    assert.deepEqual(statuses, { 'aro-prod-weu': 'pass', 'aro-dev-weu': 'fail' });
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('says the property is set at creation: no ARM patch, the summary asks for a redeploy', () => {
    const { remediation } = aroIngressPublic.meta;
    assert.equal(remediation.armPatch, undefined);
    assert.match(remediation.summary, /set when the cluster is created and cannot be changed/);
  });
});
