import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vnetBastionHost } from './vnet-bastion-host.ts';

const P = '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-net/providers';
const SPOKE_ID = `${P}/Microsoft.Network/virtualNetworks/vnet-spoke`;
const HUB_ID = `${P}/Microsoft.Network/virtualNetworks/vnet-hub`;
const OTHER_ID = `${P}/Microsoft.Network/virtualNetworks/vnet-lab`;
const NIC_ID = `${P}/Microsoft.Network/networkInterfaces/vm-app-nic`;

const vnet = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.Network/virtualNetworks',
  location: 'westeurope',
  properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, ...extra },
});

/** A spoke whose subnet lists the VM's NIC IP configuration (as a VNet GET does). */
const spoke = (peerings: readonly Record<string, unknown>[] = []) =>
  vnet(SPOKE_ID, {
    subnets: [
      {
        name: 'snet-app',
        id: `${SPOKE_ID}/subnets/snet-app`,
        properties: {
          addressPrefix: '10.1.1.0/24',
          ipConfigurations: [{ id: `${NIC_ID}/ipConfigurations/ipconfig1` }],
        },
      },
    ],
    virtualNetworkPeerings: peerings,
  });

const peering = (remote: string, peeringState = 'Connected') => ({
  name: `to-${remote.split('/').pop()}`,
  properties: { remoteVirtualNetwork: { id: remote }, peeringState, allowVirtualNetworkAccess: true },
});

const vm = {
  id: `${P}/Microsoft.Compute/virtualMachines/vm-app`,
  name: 'vm-app',
  type: 'Microsoft.Compute/virtualMachines',
  properties: { networkProfile: { networkInterfaces: [{ id: NIC_ID }] } },
};

const bastion = (vnetId: string, sku = 'Standard') => ({
  id: `${P}/Microsoft.Network/bastionHosts/bas-${vnetId.split('/').pop()}`,
  name: `bas-${vnetId.split('/').pop()}`,
  type: 'Microsoft.Network/bastionHosts',
  sku: { name: sku },
  properties: {
    ipConfigurations: [
      {
        name: 'IpConf',
        properties: {
          subnet: { id: `${vnetId}/subnets/AzureBastionSubnet` },
          publicIPAddress: { id: `${P}/Microsoft.Network/publicIPAddresses/pip-bas` },
        },
      },
    ],
  },
});

const run = (...resources: unknown[]) =>
  runCheckOn(vnetBastionHost, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.name === 'vnet-spoke',
  );

describe('vnet-bastion-host', () => {
  it('passes with a Bastion host in the network or in a connected peered hub', () => {
    assert.equal(run(spoke(), vm, bastion(SPOKE_ID))[0]?.status, 'pass');
    assert.equal(run(spoke([peering(HUB_ID)]), vm, vnet(HUB_ID), bastion(HUB_ID))[0]?.status, 'pass');
  });

  it('passes when only the hub lists the peering back to the spoke', () => {
    assert.equal(
      run(spoke(), vm, vnet(HUB_ID, { virtualNetworkPeerings: [peering(SPOKE_ID)] }), bastion(HUB_ID))[0]?.status,
      'pass',
    );
  });

  it('fails when the Bastion hosts in the input serve other networks, naming VMs and hosts', () => {
    const [finding] = run(spoke([peering(HUB_ID, 'Disconnected')]), vm, bastion(HUB_ID), bastion(OTHER_ID));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.subnets',
        message:
          'virtual machine "vm-app" uses this virtual network, but no Azure Bastion host is deployed in it or in a peered virtual network (Bastion hosts in the input: "bas-vnet-hub" in "vnet-hub", "bas-vnet-lab" in "vnet-lab")',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network bastion create --name vnet-spoke-bastion --resource-group rg-net --vnet-name vnet-spoke --public-ip-address <standard-public-ip-name> --sku Standard',
    );
  });

  it('fails for a Developer Bastion in a peered network (the Developer SKU serves its own network only)', () => {
    const developer = {
      id: `${P}/Microsoft.Network/bastionHosts/bas-dev`,
      name: 'bas-dev',
      type: 'Microsoft.Network/bastionHosts',
      sku: { name: 'Developer' },
      properties: { virtualNetwork: { id: HUB_ID } },
    };
    assert.equal(run(spoke([peering(HUB_ID)]), vm, developer)[0]?.status, 'fail');
  });

  it('finds VMs through NIC resources that name their VM', () => {
    const nic = {
      id: NIC_ID,
      name: 'vm-app-nic',
      type: 'Microsoft.Network/networkInterfaces',
      properties: {
        virtualMachine: { id: `${P}/Microsoft.Compute/virtualMachines/vm-app` },
        ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: `${SPOKE_ID}/subnets/snet-app` } } }],
      },
    };
    assert.equal(run(vnet(SPOKE_ID), nic, bastion(OTHER_ID))[0]?.status, 'fail');
  });

  it('is not applicable without VMs, and indeterminate when no Bastion host is in the input', () => {
    const [empty] = run(vnet(SPOKE_ID), bastion(OTHER_ID));
    assert.equal(empty?.status, 'not-applicable');
    const [unknown] = run(spoke(), vm);
    assert.equal(unknown?.status, 'indeterminate');
    assert.equal(
      unknown?.reason,
      'virtual machine "vm-app" uses this virtual network, but the input has no Azure Bastion host; export them with `az network bastion list` (the check fails when Bastion hosts are exported and none serves this network)',
    );
  });

  it('is indeterminate for az resource list rows of the network, and when the Bastion host has no properties', () => {
    const vnetRow = { id: SPOKE_ID, name: 'vnet-spoke', type: 'Microsoft.Network/virtualNetworks', properties: null };
    const [network] = run(vnetRow, vm, bastion(OTHER_ID));
    assert.equal(network?.status, 'indeterminate');
    assert.match(network?.reason ?? '', /az resource list/);

    const row = {
      id: `${P}/Microsoft.Network/bastionHosts/bas-x`,
      name: 'bas-x',
      type: 'Microsoft.Network/bastionHosts',
      properties: null,
    };
    const [finding] = run(spoke(), vm, row);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /Azure Bastion host "bas-x": .*az resource list/);
  });
});
