import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrDefenderScanning } from './acr-defender-scanning.ts';

const SUB = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const OTHER = 'e4d3c2b1-a098-4f7e-8d6c-5b4a39281706';
const registry = `{"id": "/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopbuild", "name": "crshopbuild", "type": "Microsoft.ContainerRegistry/registries", "properties": {"adminUserEnabled": false}}`;
const pricing = (sub: string, name: string, tier: string) =>
  `{"id": "/subscriptions/${sub}/providers/Microsoft.Security/pricings/${name}", "name": "${name}", "type": "Microsoft.Security/pricings", "pricingTier": "${tier}", "freeTrialRemainingTime": "0:00:00"}`;

describe('acr-defender-scanning', () => {
  it("fails when the subscription's Containers plan is Free, and renders the fix", () => {
    const [finding] = runCheckOn(
      acrDefenderScanning,
      `[${registry}, ${pricing(SUB, 'Containers', 'Free')}]`,
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'Microsoft.Security/pricings/Containers.properties.pricingTier',
        message: `the Containers plan of subscription ${SUB} has pricingTier "Free"; it must be "Standard"`,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az security pricing create --name Containers --tier standard --subscription ${SUB}`,
    );
  });

  it('fails when the pricing has no pricingTier (the Free tier)', () => {
    const text = `[${registry}, {"id": "/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers", "name": "Containers", "type": "Microsoft.Security/pricings", "properties": {"subPlan": null}}]`;
    const [finding] = runCheckOn(acrDefenderScanning, text, undefined, 'a.json');
    assert.equal(
      finding?.violations[0]?.message,
      `the Containers plan of subscription ${SUB} has no pricingTier (the Free tier); it must be "Standard"`,
    );
  });

  it('passes Standard on Containers, or on the legacy ContainerRegistry plan', () => {
    assert.equal(
      runCheckOn(
        acrDefenderScanning,
        `[${registry}, ${pricing(SUB, 'Containers', 'Standard')}]`,
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    const legacy = `[${registry}, ${pricing(SUB, 'ContainerRegistry', 'Standard')}, ${pricing(SUB, 'Containers', 'Free')}]`;
    assert.equal(runCheckOn(acrDefenderScanning, legacy, undefined, 'a.json')[0]?.status, 'pass');
  });

  it("matches by subscription: another subscription's plan does not count", () => {
    const [finding] = runCheckOn(
      acrDefenderScanning,
      `[${registry}, ${pricing(OTHER, 'Containers', 'Standard')}]`,
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      `the Defender for Containers pricing of subscription ${SUB} is not in the input; export it with \`az security pricing show -n Containers --subscription ${SUB}\``,
    );
  });

  it('is indeterminate when only a Free legacy plan is known (the Containers plan may be on)', () => {
    const text = `[${registry}, ${pricing(SUB, 'ContainerRegistry', 'Free')}]`;
    assert.equal(runCheckOn(acrDefenderScanning, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });

  it('is indeterminate when the pricing comes from az resource list (properties null)', () => {
    const text = `[${registry}, {"id": "/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers", "type": "Microsoft.Security/pricings", "name": "Containers", "properties": null}]`;
    const [finding] = runCheckOn(acrDefenderScanning, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('judges a registry row without properties by its subscription alone', () => {
    const row = `{"id": "/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopbuild", "type": "Microsoft.ContainerRegistry/registries", "name": "crshopbuild", "properties": null}`;
    assert.equal(runCheckOn(acrDefenderScanning, `[${row}]`, undefined, 'a.json')[0]?.status, 'indeterminate');
    assert.equal(
      runCheckOn(acrDefenderScanning, `[${row}, ${pricing(SUB, 'Containers', 'Standard')}]`, undefined, 'a.json')[0]
        ?.status,
      'pass',
    );
  });
});
