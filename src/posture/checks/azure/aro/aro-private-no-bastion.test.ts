import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroPrivateNoBastion } from './aro-private-no-bastion.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const HUB_SUB = '2e6d8f0a-4b1c-4d3e-8f5a-6b7c8d9e0f12';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const SPOKE = `/subscriptions/${SUB}/resourceGroups/rg-aro-network/providers/Microsoft.Network/virtualNetworks/vnet-aro-spoke`;
const HUB = `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu`;
const LAB = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.Network/virtualNetworks/vnet-lab`;

const cluster = (visibility: string | undefined, subnetId: string | null = `${SPOKE}/subnets/snet-aro-master`) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties: {
    apiserverProfile:
      visibility === undefined ? { url: 'https://api.x7k2p9qa.westeurope.aroapp.io:6443/' } : { visibility },
    masterProfile: subnetId === null ? { vmSize: 'Standard_D8s_v5' } : { vmSize: 'Standard_D8s_v5', subnetId },
  },
});
/** ARM GET of a bastion host whose IP configuration sits in the AzureBastionSubnet of `vnet`. */
const bastion = (vnet: string, name = `bas-${vnet.split('/').pop()}`, sku = 'Standard') => ({
  id: `${vnet.split('/providers/')[0]}/providers/Microsoft.Network/bastionHosts/${name}`,
  name,
  type: 'Microsoft.Network/bastionHosts',
  location: 'westeurope',
  sku: { name: sku },
  properties: {
    provisioningState: 'Succeeded',
    ipConfigurations: [
      {
        name: 'IpConf',
        properties: {
          privateIPAllocationMethod: 'Dynamic',
          subnet: { id: `${vnet}/subnets/AzureBastionSubnet` },
          publicIPAddress: {
            id: `${vnet.split('/providers/')[0]}/providers/Microsoft.Network/publicIPAddresses/pip-${name}`,
          },
        },
      },
    ],
  },
});
const peering = (remote: string, peeringState = 'Connected') => ({
  name: `peer-to-${remote.split('/').pop()}`,
  properties: { remoteVirtualNetwork: { id: remote }, peeringState, allowVirtualNetworkAccess: true },
});
const vnet = (id: string, peerings: unknown[] = []) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.Network/virtualNetworks',
  location: 'westeurope',
  properties: { addressSpace: { addressPrefixes: ['10.20.0.0/16'] }, virtualNetworkPeerings: peerings },
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroPrivateNoBastion, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
  );

describe('aro-private-no-bastion', () => {
  it('does not apply to clusters whose API server is public, or has the default (Public) visibility', () => {
    for (const visibility of ['Public', undefined]) {
      const [finding] = run(cluster(visibility));
      assert.equal(finding?.status, 'not-applicable');
      assert.equal(
        finding?.reason,
        'the API server is public, so the cluster does not need a bastion host to be reached',
      );
    }
  });

  it("passes with a bastion host in the cluster's own virtual network (az network bastion show output)", () => {
    const show = {
      id: `/subscriptions/${SUB}/resourceGroups/rg-aro-network/providers/Microsoft.Network/bastionHosts/bas-aro-spoke`,
      name: 'bas-aro-spoke',
      type: 'Microsoft.Network/bastionHosts',
      resourceGroup: 'rg-aro-network',
      sku: { name: 'Basic' },
      ipConfigurations: [
        { name: 'IpConf', subnet: { id: `${SPOKE}/subnets/AzureBastionSubnet`, resourceGroup: 'rg-aro-network' } },
      ],
      provisioningState: 'Succeeded',
    };
    assert.equal(run(cluster('Private'), show)[0]?.status, 'pass');
  });

  it('passes with a bastion host in a hub peered with the cluster network, from either side of the peering', () => {
    assert.equal(run(cluster('Private'), vnet(HUB, [peering(SPOKE)]), bastion(HUB))[0]?.status, 'pass');
    assert.equal(run(cluster('Private'), vnet(SPOKE, [peering(HUB)]), bastion(HUB))[0]?.status, 'pass');
    const child = {
      id: `${SPOKE}/virtualNetworkPeerings/peer-to-hub`,
      name: 'peer-to-hub',
      type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      resourceGroup: 'rg-aro-network',
      remoteVirtualNetwork: { id: HUB },
      peeringState: 'Connected',
    };
    assert.equal(run(cluster('Private'), child, bastion(HUB))[0]?.status, 'pass');
  });

  it('compares ids case-insensitively (az graph query lowercases them)', () => {
    const lower = <T extends { id: string; type: string }>(r: T): T => ({
      ...r,
      id: r.id.toLowerCase(),
      type: r.type.toLowerCase(),
    });
    const text = JSON.stringify({
      count: 3,
      data: [
        lower(cluster('Private')),
        lower(vnet(HUB.toLowerCase(), [peering(SPOKE.toLowerCase())])),
        lower(bastion(HUB.toLowerCase())),
      ],
      skip_token: null,
      total_records: 3,
    });
    assert.equal(runCheckOn(aroPrivateNoBastion, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('fails when the bastion hosts serve networks not peered with the cluster network, naming them', () => {
    const [finding] = run(
      cluster('Private'),
      vnet(SPOKE, [peering(HUB, 'Disconnected')]),
      bastion(HUB, 'bas-hub-weu'),
      bastion(LAB, 'bas-lab'),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.masterProfile.subnetId',
        message:
          'no Azure Bastion host is in the cluster\'s virtual network "vnet-aro-spoke" or in a virtual network peered with it (bastion hosts in the input: "bas-hub-weu" in vnet-hub-weu; "bas-lab" in vnet-lab)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network bastion create --name <bastion-name> --resource-group <hub-resource-group> --vnet-name <hub-vnet-name> --public-ip-address <public-ip-name> --location <region> --sku Standard',
    );
  });

  it('fails a Developer SKU bastion in a peered hub (it does not reach peered networks), passes it in the own network', () => {
    const developer = (network: string) => ({
      id: `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/bastionHosts/bas-dev`,
      name: 'bas-dev',
      type: 'Microsoft.Network/bastionHosts',
      sku: { name: 'Developer' },
      properties: { ipConfigurations: [], virtualNetwork: { id: network } },
    });
    const [finding] = run(cluster('Private'), vnet(SPOKE, [peering(HUB)]), developer(HUB));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /\(bastion hosts in the input: "bas-dev" in vnet-hub-weu \(Developer SKU, which does not reach peered virtual networks\)\)$/,
    );
    assert.equal(run(cluster('Private'), developer(SPOKE))[0]?.status, 'pass');
  });

  it('is indeterminate when the input has no bastion host, naming the export command', () => {
    const [finding] = run(cluster('Private'), vnet(SPOKE));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the input has no Microsoft.Network/bastionHosts, so whether one can reach the cluster\'s virtual network "vnet-aro-spoke" is unknown; export them with `az network bastion list` (or `az graph query -q "resources | where type =~ \'microsoft.network/bastionhosts\'"`)',
    );
  });

  it('is indeterminate when no peering data covers the networks involved', () => {
    const [finding] = run(cluster('Private'), bastion(HUB));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      `no bastion host is in the cluster's virtual network "vnet-aro-spoke", and the input has no peering data for it; export it with \`az network vnet show --ids ${SPOKE}\` (or \`az network vnet peering list --vnet-name vnet-aro-spoke --resource-group <vnet-resource-group>\`)`,
    );
  });

  it('is indeterminate when the cluster has no master subnet in the input, or no properties', () => {
    const [noSubnet] = run(cluster('Private', null), bastion(HUB));
    assert.equal(noSubnet?.status, 'indeterminate');
    assert.equal(
      noSubnet?.reason,
      "the input has no masterProfile.subnetId for this cluster, so the cluster's virtual network is unknown; export the cluster with `az aro show --name aro-prod-weu --resource-group rg-aro-prod`",
    );
    const bare = {
      id: ID,
      name: 'aro-prod-weu',
      type: 'Microsoft.RedHatOpenShift/openShiftClusters',
      properties: null,
    };
    const [unknown] = run(bare, bastion(SPOKE));
    assert.equal(unknown?.status, 'indeterminate');
    assert.match(unknown?.reason ?? '', /az resource list/);
  });

  it('is indeterminate when a bastion host comes without properties and no other one reaches the cluster', () => {
    const bare = {
      id: `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/bastionHosts/bas-hub-weu`,
      name: 'bas-hub-weu',
      type: 'Microsoft.Network/bastionHosts',
      properties: null,
    };
    const [finding] = run(cluster('Private'), vnet(SPOKE), bare);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /^bastion host "bas-hub-weu": the input has no properties/);
  });
});
