import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroServicePrincipalIdentity } from './aro-service-principal-identity.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const MI = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroServicePrincipalIdentity, JSON.stringify(resources), undefined, 'a.json');

describe('aro-service-principal-identity', () => {
  it('fails a service principal cluster, naming the client id, with the managed-identity redeploy command', () => {
    const [finding] = run(
      cluster({
        servicePrincipalProfile: { clientId: '3b1f6c2e-8d4a-4f7e-9a0b-5c6d7e8f9a01' },
        platformWorkloadIdentityProfile: null,
      }),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.severity, 'low');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.servicePrincipalProfile.clientId',
        message:
          'the cluster authenticates as service principal 3b1f6c2e-8d4a-4f7e-9a0b-5c6d7e8f9a01 with a client secret and has no platform workload identities; redeploy it with managed identities',
        actual: '3b1f6c2e-8d4a-4f7e-9a0b-5c6d7e8f9a01',
      },
    ]);
    assert.match(
      finding?.remediation.azureCli ?? '',
      /^az aro create --resource-group rg-aro-prod --name <new-cluster-name> .* --enable-managed-identity --assign-cluster-identity aro-cluster --assign-platform-workload-identity cloud-controller-manager cloud-controller-manager /,
    );
  });

  it('also fails when the workload identity map or list is empty', () => {
    for (const platformWorkloadIdentities of [{}, []]) {
      const [finding] = run(
        cluster({
          servicePrincipalProfile: { clientId: '3b1f6c2e-8d4a-4f7e-9a0b-5c6d7e8f9a01' },
          platformWorkloadIdentityProfile: { platformWorkloadIdentities },
        }),
      );
      assert.equal(finding?.status, 'fail');
    }
  });

  it('passes a managed-identity cluster (a map of operator identities, or a list)', () => {
    const map = {
      platformWorkloadIdentityProfile: {
        platformWorkloadIdentities: {
          'cloud-controller-manager': { resourceId: `${MI}/aro-ccm`, clientId: '0d00a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b' },
          ingress: { resourceId: `${MI}/aro-ingress` },
        },
      },
    };
    assert.equal(run(cluster(map))[0]?.status, 'pass');
    const list = {
      platformWorkloadIdentityProfile: {
        platformWorkloadIdentities: [{ operatorName: 'cloud-controller-manager', resourceId: `${MI}/aro-ccm` }],
      },
    };
    assert.equal(run(cluster(list))[0]?.status, 'pass');
  });

  it('reads the flattened az aro show output', () => {
    const show = {
      id: ID,
      name: 'aro-prod-weu',
      type: 'Microsoft.RedHatOpenShift/openShiftClusters',
      resourceGroup: 'rg-aro-prod',
      servicePrincipalProfile: { clientId: '3b1f6c2e-8d4a-4f7e-9a0b-5c6d7e8f9a01', clientSecret: null },
      platformWorkloadIdentityProfile: null,
      provisioningState: 'Succeeded',
    };
    assert.equal(run(show)[0]?.status, 'fail');
  });

  it('is indeterminate when the input has neither profile, naming the export command', () => {
    const [finding] = run(cluster({ provisioningState: 'Succeeded' }));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the input has neither platformWorkloadIdentityProfile.platformWorkloadIdentities nor servicePrincipalProfile.clientId for this cluster; export it with `az aro show --name <cluster> --resource-group <resource-group>`',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
    assert.doesNotMatch(finding?.reason ?? '', /; the input has no properties/);
  });

  it('says a service principal cluster cannot be converted, and how to rotate its secret meanwhile', () => {
    const { remediation } = aroServicePrincipalIdentity.meta;
    assert.match(remediation.summary, /cannot be converted to managed identities/);
    assert.match(remediation.summary, /az aro update --refresh-credentials/);
  });
});
