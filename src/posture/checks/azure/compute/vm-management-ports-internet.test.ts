import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmManagementPortsInternet } from './vm-management-ports-internet.ts';

const RG = '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers';
const VM_ID = `${RG}/Microsoft.Compute/virtualMachines/vm-jump`;
const NIC_ID = `${RG}/Microsoft.Network/networkInterfaces/vm-jump-nic`;
const PIP_ID = `${RG}/Microsoft.Network/publicIPAddresses/vm-jump-pip`;
const VNET_ID = `${RG}/Microsoft.Network/virtualNetworks/vnet-shop`;
const SUBNET_ID = `${VNET_ID}/subnets/snet-mgmt`;
const NIC_NSG_ID = `${RG}/Microsoft.Network/networkSecurityGroups/vm-jump-nsg`;
const SUBNET_NSG_ID = `${RG}/Microsoft.Network/networkSecurityGroups/nsg-mgmt`;

const vm = {
  id: VM_ID,
  name: 'vm-jump',
  type: 'Microsoft.Compute/virtualMachines',
  properties: { networkProfile: { networkInterfaces: [{ id: NIC_ID, properties: { primary: true } }] } },
};

const nic = (config: Record<string, unknown>, nsgId?: string) => ({
  id: NIC_ID,
  name: 'vm-jump-nic',
  type: 'Microsoft.Network/networkInterfaces',
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig1',
        id: `${NIC_ID}/ipConfigurations/ipconfig1`,
        properties: { subnet: { id: SUBNET_ID }, ...config },
      },
    ],
    ...(nsgId === undefined ? {} : { networkSecurityGroup: { id: nsgId } }),
    virtualMachine: { id: VM_ID },
  },
});

const nsg = (id: string, rules: readonly [string, string, string][]) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.Network/networkSecurityGroups',
  properties: {
    securityRules: rules.map(([name, source, port], i) => ({
      name,
      properties: {
        access: 'Allow',
        direction: 'Inbound',
        protocol: 'Tcp',
        priority: 100 + i * 10,
        sourceAddressPrefix: source,
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: port,
      },
    })),
  },
});

const vnet = (subnetNsgId?: string) => ({
  id: VNET_ID,
  name: 'vnet-shop',
  type: 'Microsoft.Network/virtualNetworks',
  properties: {
    addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
    subnets: [
      {
        name: 'snet-mgmt',
        id: SUBNET_ID,
        properties: {
          addressPrefix: '10.10.9.0/24',
          ...(subnetNsgId === undefined ? {} : { networkSecurityGroup: { id: subnetNsgId } }),
        },
      },
    ],
  },
});

const pip = (sku?: string) => ({
  id: PIP_ID,
  name: 'vm-jump-pip',
  type: 'Microsoft.Network/publicIPAddresses',
  ...(sku === undefined ? {} : { sku: { name: sku, tier: 'Regional' } }),
  properties: { publicIPAllocationMethod: 'Static', ipAddress: '198.51.100.20' },
});

const withPip = { publicIPAddress: { id: PIP_ID } };
const run = (...resources: unknown[]) =>
  runCheckOn(vmManagementPortsInternet, JSON.stringify(resources), undefined, 'a.json');

describe('vm-management-ports-internet', () => {
  it('fails when the NIC has a public IP and its NSG allows SSH from the Internet', () => {
    const [finding] = run(vm, nic(withPip, NIC_NSG_ID), nsg(NIC_NSG_ID, [['AllowSSH', '*', '22']]), vnet());
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.networkProfile.networkInterfaces[0]',
        message:
          'network interface "vm-jump-nic" has public IP "vm-jump-pip" and port 22 (SSH) is open to the Internet: network security group "vm-jump-nsg" rule "AllowSSH" (priority 100) allows Inbound Tcp traffic to destination port 22 from "*"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group <nsg-resource-group> --nsg-name <nsg-name> --name <rule-name> --source-address-prefixes <trusted-cidr>',
    );
  });

  it('needs both the subnet NSG and the NIC NSG to allow a port', () => {
    const subnetNsg = nsg(SUBNET_NSG_ID, [
      ['AllowSSH', 'Internet', '22'],
      ['AllowRDP', 'Internet', '3389'],
    ]);
    const nicNsg = nsg(NIC_NSG_ID, [['AllowRDP', '0.0.0.0/0', '3389']]);
    const [finding] = run(vm, nic(withPip, NIC_NSG_ID), vnet(SUBNET_NSG_ID), subnetNsg, nicNsg);
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(
      finding?.violations.map((v) => v.message),
      [
        'network interface "vm-jump-nic" has public IP "vm-jump-pip" and port 3389 (RDP) is open to the Internet: network security group "vm-jump-nsg" rule "AllowRDP" (priority 100) allows Inbound Tcp traffic to destination port 3389 from "0.0.0.0/0"; network security group "nsg-mgmt" rule "AllowRDP" (priority 110) allows Inbound Tcp traffic to destination port 3389 from "Internet"',
      ],
    );
  });

  it('passes without a public IP, and when the NSGs open only other ports', () => {
    assert.equal(run(vm, nic({}, NIC_NSG_ID), nsg(NIC_NSG_ID, [['AllowSSH', '*', '22']]), vnet())[0]?.status, 'pass');
    assert.equal(
      run(vm, nic(withPip), vnet(SUBNET_NSG_ID), nsg(SUBNET_NSG_ID, [['Https', '*', '443']]))[0]?.status,
      'pass',
    );
    assert.equal(
      run(vm, nic(withPip, NIC_NSG_ID), vnet(), nsg(NIC_NSG_ID, [['SshFromOffice', '203.0.113.0/24', '22']]))[0]
        ?.status,
      'pass',
    );
  });

  it('with no NSG at all, fails for a Basic (or sku-less) public IP and passes for a Standard one', () => {
    const [basic] = run(vm, nic(withPip), vnet(), pip('Basic'));
    assert.equal(basic?.status, 'fail');
    assert.equal(
      basic?.violations[0]?.message,
      'network interface "vm-jump-nic" has public IP "vm-jump-pip", a Basic public IP with no network security group on the interface or its subnet, so ports 22 (SSH) and 3389 (RDP) are open to the Internet',
    );
    assert.equal(run(vm, nic(withPip), vnet(), pip())[0]?.status, 'fail');
    assert.equal(run(vm, nic(withPip), vnet(), pip('Standard'))[0]?.status, 'pass');
  });

  it('is indeterminate, naming the export, when a NIC, NSG, subnet or public IP is missing', () => {
    const reason = (...resources: unknown[]) => {
      const [finding] = run(...resources);
      assert.equal(finding?.status, 'indeterminate');
      return finding?.reason ?? '';
    };
    assert.equal(
      reason(vm),
      `network interface "vm-jump-nic" is not in the input; export it with \`az network nic show --ids ${NIC_ID}\``,
    );
    assert.equal(
      reason(vm, nic(withPip, NIC_NSG_ID), vnet()),
      `network security group "vm-jump-nsg" is not in the input; export it with \`az network nsg show --ids ${NIC_NSG_ID}\``,
    );
    assert.equal(
      reason(vm, nic(withPip, NIC_NSG_ID), nsg(NIC_NSG_ID, [])),
      `network interface "vm-jump-nic": subnet "snet-mgmt" is not in the input; export its virtual network with \`az network vnet show --ids ${VNET_ID}\``,
    );
    assert.equal(
      reason(vm, nic(withPip), vnet()),
      `public IP "vm-jump-pip" is not in the input; export it with \`az network public-ip show --ids ${PIP_ID}\``,
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run({ id: VM_ID, name: 'vm-jump', type: 'Microsoft.Compute/virtualMachines', properties: null });
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
