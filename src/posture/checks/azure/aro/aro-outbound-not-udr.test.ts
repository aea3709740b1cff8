import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroOutboundNotUdr } from './aro-outbound-not-udr.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) => runCheckOn(aroOutboundNotUdr, JSON.stringify(resources), undefined, 'a.json');

describe('aro-outbound-not-udr', () => {
  it('fails the Loadbalancer outbound type, with the redeploy command', () => {
    const [finding] = run(
      cluster({
        networkProfile: { outboundType: 'Loadbalancer', loadBalancerProfile: { managedOutboundIps: { count: 1 } } },
      }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.networkProfile.outboundType',
        message: 'networkProfile.outboundType is "Loadbalancer"; it must be "UserDefinedRouting"',
        actual: 'Loadbalancer',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az aro create --resource-group rg-aro-prod --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --outbound-type UserDefinedRouting --pull-secret @pull-secret.txt',
    );
  });

  it('fails when outboundType is absent: the API default is Loadbalancer', () => {
    const [finding] = run(cluster({ networkProfile: { podCidr: '10.128.0.0/14', serviceCidr: '172.30.0.0/16' } }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.networkProfile.outboundType',
        message:
          'networkProfile.outboundType is not set (the API default is Loadbalancer); set it to "UserDefinedRouting"',
      },
    ]);
  });

  it('passes UserDefinedRouting', () => {
    assert.equal(run(cluster({ networkProfile: { outboundType: 'UserDefinedRouting' } }))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('says the outbound type is set at creation: no ARM patch', () => {
    const { remediation } = aroOutboundNotUdr.meta;
    assert.equal(remediation.armPatch, undefined);
    assert.match(remediation.summary, /set when the cluster is created and cannot be changed/);
  });
});
