import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroDefenderContainersOff } from './aro-defender-containers-off.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const OTHER_SUB = '2e6d8f0a-4b1c-4d3e-8f5a-6b7c8d9e0f12';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const cluster = {
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties: { provisioningState: 'Succeeded', apiserverProfile: { visibility: 'Private' } },
};
/** `az security pricing show -n Containers` (flattened). */
const pricing = (tier: string | null, sub = SUB, extra: Record<string, unknown> = {}) => ({
  id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/Containers`,
  name: 'Containers',
  type: 'Microsoft.Security/pricings',
  pricingTier: tier,
  freeTrialRemainingTime: 'PT0S',
  subPlan: null,
  extensions: [{ name: 'ContainerSensor', isEnabled: tier === 'Standard' ? 'True' : 'False' }],
  ...extra,
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroDefenderContainersOff, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
  );

describe('aro-defender-containers-off', () => {
  it("fails when the plan of the cluster's subscription is Free, with the command for that subscription", () => {
    const [finding] = run(cluster, pricing('Free'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'id',
        message:
          'the Defender for Containers plan of the cluster\'s subscription has pricingTier "Free"; it must be "Standard"',
        actual: 'Free',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az security pricing create --name Containers --tier standard --subscription ${SUB}`,
    );
  });

  it('fails when the pricing has no tier: the default is Free', () => {
    const [finding] = run(cluster, pricing(null));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'id',
        message:
          'the Defender for Containers plan of the cluster\'s subscription has no pricingTier (the default is Free); it must be "Standard"',
      },
    ]);
  });

  it('passes with the Standard tier (az graph query rows, lowercased)', () => {
    const row = {
      id: `/subscriptions/${SUB}/providers/microsoft.security/pricings/containers`,
      name: 'Containers',
      type: 'microsoft.security/pricings',
      subscriptionId: SUB,
      resourceGroup: '',
      properties: { pricingTier: 'Standard', enablementTime: '2025-10-02T08:41:17.3349812Z' },
    };
    assert.equal(run(cluster, row)[0]?.status, 'pass');
  });

  it('is indeterminate when the input has no Containers pricing of the subscription, naming the export command', () => {
    const expected = `the input has no Microsoft.Security/pricings "Containers" for the cluster's subscription ${SUB}; export it with \`az security pricing show -n Containers --subscription ${SUB}\``;
    for (const others of [
      [],
      [pricing('Standard', OTHER_SUB)],
      [
        {
          ...pricing('Standard'),
          id: `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`,
          name: 'VirtualMachines',
        },
      ],
    ]) {
      const [finding] = run(cluster, ...others);
      assert.equal(finding?.status, 'indeterminate');
      assert.equal(finding?.reason, expected);
    }
  });

  it('ignores resource-level pricings (they carry a scope)', () => {
    const vmLevel = {
      ...pricing('Standard'),
      id: `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/pricings/Containers`,
    };
    assert.equal(run(cluster, vmLevel)[0]?.status, 'indeterminate');
  });

  it('is indeterminate when the pricing comes from az resource list, without properties', () => {
    const row = {
      id: `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers`,
      name: 'Containers',
      type: 'Microsoft.Security/pricings',
      properties: null,
    };
    const [finding] = run(cluster, row);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
