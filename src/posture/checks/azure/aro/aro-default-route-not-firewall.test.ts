import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroDefaultRouteNotFirewall } from './aro-default-route-not-firewall.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const NET = `/subscriptions/${SUB}/resourceGroups/rg-aro-network/providers/Microsoft.Network`;
const VNET = `${NET}/virtualNetworks/vnet-aro-spoke`;
const MASTER = `${VNET}/subnets/snet-aro-master`;
const WORKER = `${VNET}/subnets/snet-aro-worker`;
const RT = `${NET}/routeTables/rt-aro-egress`;

/** `outboundType` null: absent. */
const cluster = (outboundType: string | null = 'UserDefinedRouting', master: unknown = MASTER) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties: {
    networkProfile: {
      podCidr: '10.128.0.0/14',
      serviceCidr: '172.30.0.0/16',
      ...(outboundType === null ? {} : { outboundType }),
    },
    masterProfile: { vmSize: 'Standard_D8s_v5', subnetId: master },
    workerProfiles: [{ name: 'worker', vmSize: 'Standard_D4s_v5', subnetId: WORKER, count: 3 }],
    workerProfilesStatus: [
      { name: 'aro-prod-weu-x7k2p-worker-westeurope1', subnetId: WORKER, count: 1 },
      { name: 'aro-prod-weu-x7k2p-worker-westeurope2', subnetId: WORKER, count: 1 },
    ],
  },
});
/** ARM GET of a subnet (Microsoft.Network/virtualNetworks/subnets). */
const subnet = (id: string, routeTable?: string) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.Network/virtualNetworks/subnets',
  properties: {
    addressPrefix: '10.20.0.0/23',
    ...(routeTable === undefined ? {} : { routeTable: { id: routeTable } }),
  },
});
/** `az network vnet show`: flattened, inline subnets flattened too. */
const vnetShow = (subnets: { name: string; routeTable?: string }[]) => ({
  id: VNET,
  name: 'vnet-aro-spoke',
  type: 'Microsoft.Network/virtualNetworks',
  resourceGroup: 'rg-aro-network',
  location: 'westeurope',
  addressSpace: { addressPrefixes: ['10.20.0.0/22'] },
  provisioningState: 'Succeeded',
  subnets: subnets.map((s) => ({
    id: `${VNET}/subnets/${s.name}`,
    name: s.name,
    addressPrefix: '10.20.0.0/23',
    resourceGroup: 'rg-aro-network',
    ...(s.routeTable === undefined ? {} : { routeTable: { id: s.routeTable, resourceGroup: 'rg-aro-network' } }),
  })),
});
/** ARM GET of a route table with inline routes (REST shape). */
const routeTable = (routes: { name: string; prefix: string; hop: string }[], id = RT) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.Network/routeTables',
  location: 'westeurope',
  properties: {
    disableBgpRoutePropagation: true,
    routes: routes.map((r) => ({
      id: `${id}/routes/${r.name}`,
      name: r.name,
      properties: {
        addressPrefix: r.prefix,
        nextHopType: r.hop,
        ...(r.hop === 'VirtualAppliance' ? { nextHopIpAddress: '10.0.1.4' } : {}),
      },
    })),
  },
});
const toFirewall = { name: 'default-to-firewall', prefix: '0.0.0.0/0', hop: 'VirtualAppliance' };
const bothOnRt = vnetShow([
  { name: 'snet-aro-master', routeTable: RT },
  { name: 'snet-aro-worker', routeTable: RT },
]);
const run = (...resources: unknown[]) =>
  runCheckOn(aroDefaultRouteNotFirewall, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
  );

describe('aro-default-route-not-firewall', () => {
  it('passes when both subnets (az network vnet show, inline) use a table sending 0.0.0.0/0 to a VirtualAppliance', () => {
    const [finding] = run(cluster(), bothOnRt, routeTable([toFirewall]));
    assert.equal(finding?.status, 'pass');
  });

  it('passes with subnet resources and a child route resource (az network route-table route list)', () => {
    const table = routeTable([]);
    const child = {
      id: `${RT}/routes/default-to-firewall`,
      name: 'default-to-firewall',
      type: 'Microsoft.Network/routeTables/routes',
      addressPrefix: '0.0.0.0/0',
      nextHopType: 'virtualappliance',
      nextHopIpAddress: '10.0.1.4',
      resourceGroup: 'rg-aro-network',
    };
    const [finding] = run(cluster(), subnet(MASTER, RT), subnet(WORKER, RT), table, child);
    assert.equal(finding?.status, 'pass');
  });

  it('passes the pass fixture and fails the fail fixture with one violation per subnet', () => {
    const dir = 'test/fixtures/posture/azure/aro/aro-default-route-not-firewall';
    const pass = readFileSync(`${dir}/pass/az-graph-query-udr-to-firewall.json`, 'utf8');
    const fail = readFileSync(`${dir}/fail/arm-get-internet-route-and-no-route-table.json`, 'utf8');
    const statuses = (text: string) =>
      runCheckOn(aroDefaultRouteNotFirewall, text, undefined, 'f.json')
        .filter((f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters')
        .map((f) => [f.status, f.violations.map((v) => v.message)]);
    assert.deepEqual(statuses(pass), [['pass', []]]);
    assert.deepEqual(statuses(fail), [
      [
        'fail',
        [
          'master subnet "snet-aro-master" uses route table "rt-aro-master", whose route "internet" sends 0.0.0.0/0 to next hop type "Internet", not to the firewall; set its next hop type to VirtualAppliance',
          'worker subnet "snet-aro-worker" has no route table, so its egress takes the system route 0.0.0.0/0 to Internet instead of the firewall; attach a route table with a route 0.0.0.0/0 to a VirtualAppliance',
        ],
      ],
    ]);
  });

  it('fails a subnet without a route table', () => {
    const [finding] = run(
      cluster(),
      vnetShow([{ name: 'snet-aro-master', routeTable: RT }, { name: 'snet-aro-worker' }]),
      routeTable([toFirewall]),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.workerProfiles[0].subnetId',
        message:
          'worker subnet "snet-aro-worker" has no route table, so its egress takes the system route 0.0.0.0/0 to Internet instead of the firewall; attach a route table with a route 0.0.0.0/0 to a VirtualAppliance',
      },
    ]);
  });

  it('fails a route table without a 0.0.0.0/0 route, once per subnet', () => {
    const [finding] = run(
      cluster(),
      bothOnRt,
      routeTable([{ name: 'hub', prefix: '10.0.0.0/16', hop: 'VirtualAppliance' }]),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.masterProfile.subnetId',
        message:
          'master subnet "snet-aro-master" uses route table "rt-aro-egress", which has no route for 0.0.0.0/0, so egress takes the system route to Internet instead of the firewall; add a route 0.0.0.0/0 with next hop type VirtualAppliance',
      },
      {
        path: 'properties.workerProfiles[0].subnetId',
        message:
          'worker subnet "snet-aro-worker" uses route table "rt-aro-egress", which has no route for 0.0.0.0/0, so egress takes the system route to Internet instead of the firewall; add a route 0.0.0.0/0 with next hop type VirtualAppliance',
      },
    ]);
  });

  it('fails 0.0.0.0/0 going to another next hop, naming it', () => {
    for (const hop of ['Internet', 'VirtualNetworkGateway', 'None']) {
      const [finding] = run(cluster(), bothOnRt, routeTable([{ name: 'default', prefix: '0.0.0.0/0', hop }]));
      assert.equal(finding?.status, 'fail', hop);
      assert.deepEqual(finding?.violations[0], {
        path: 'properties.masterProfile.subnetId',
        message: `master subnet "snet-aro-master" uses route table "rt-aro-egress", whose route "default" sends 0.0.0.0/0 to next hop type "${hop}", not to the firewall; set its next hop type to VirtualAppliance`,
        actual: hop,
      });
    }
  });

  it('does not apply to Loadbalancer clusters or to the default (absent) outbound type', () => {
    assert.deepEqual(
      [run(cluster('Loadbalancer'))[0]?.status, run(cluster('Loadbalancer'))[0]?.reason],
      [
        'not-applicable',
        'networkProfile.outboundType is "Loadbalancer", so egress does not follow the subnets\' route tables; aro-outbound-not-udr reports that',
      ],
    );
    assert.equal(
      run(cluster(null))[0]?.reason,
      "networkProfile.outboundType is not set (the API default is Loadbalancer), so egress does not follow the subnets' route tables; aro-outbound-not-udr reports that",
    );
  });

  it('is indeterminate when a subnet and its virtual network are not in the input', () => {
    const [finding] = run(cluster(), subnet(WORKER, RT), routeTable([toFirewall]));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      `the input has neither the master subnet "snet-aro-master" nor its virtual network, so its route table is unknown; export it with \`az network vnet subnet show --ids ${MASTER}\``,
    );
  });

  it('is indeterminate when the virtual network does not list the subnet', () => {
    const [finding] = run(cluster(), vnetShow([{ name: 'snet-aro-master', routeTable: RT }]), routeTable([toFirewall]));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      `the input has virtual network "vnet-aro-spoke" but not its worker subnet "snet-aro-worker", so its route table is unknown; export it with \`az network vnet subnet show --ids ${WORKER}\``,
    );
  });

  it('is indeterminate when the route table is not in the input, never pass', () => {
    const [finding] = run(cluster(), bothOnRt);
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      ['master subnet "snet-aro-master"', 'worker subnet "snet-aro-worker"']
        .map(
          (s) =>
            `the input does not have route table "rt-aro-egress" of the ${s}, so its routes are unknown; export it with \`az network route-table show --ids ${RT}\` (or \`az graph query -q "resources | where type =~ 'microsoft.network/routetables' | where id =~ '${RT}'"\`)`,
        )
        .join('; '),
    );
  });

  it('is indeterminate for the route table or virtual network without properties (az resource list)', () => {
    const bare = { id: RT, name: 'rt-aro-egress', type: 'Microsoft.Network/routeTables', properties: null };
    const [finding] = run(cluster(), bothOnRt, bare);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(
      finding?.reason ?? '',
      /^route table "rt-aro-egress": the input has no properties .*az network route-table show --ids/,
    );
    const vnet = { id: VNET, name: 'vnet-aro-spoke', type: 'Microsoft.Network/virtualNetworks', properties: null };
    const [second] = run(cluster(), vnet, routeTable([toFirewall]));
    assert.equal(second?.status, 'indeterminate');
    assert.match(
      second?.reason ?? '',
      /^virtual network "vnet-aro-spoke": the input has no properties .*az network vnet subnet show --ids/,
    );
  });

  it('is indeterminate for a cluster without properties', () => {
    const [finding] = run({
      id: ID,
      name: 'aro-prod-weu',
      type: 'Microsoft.RedHatOpenShift/openShiftClusters',
      properties: null,
    });
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate for unresolved template values', () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { masterSubnetId: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.RedHatOpenShift/openShiftClusters',
          apiVersion: '2025-07-25',
          name: 'aro-prod-weu',
          location: 'westeurope',
          properties: {
            networkProfile: { outboundType: 'UserDefinedRouting' },
            masterProfile: { vmSize: 'Standard_D8s_v5', subnetId: "[parameters('masterSubnetId')]" },
            workerProfiles: [],
          },
        },
      ],
    };
    const [finding] = runCheckOn(aroDefaultRouteNotFirewall, JSON.stringify(template), undefined, 'main.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      "properties.masterProfile.subnetId is parameters('masterSubnetId'), which parameter 'masterSubnetId' has no value and no default",
    );
  });

  it('renders the route command; routes are child resources, so no ARM patch', () => {
    const [finding] = run(cluster(), bothOnRt, routeTable([{ name: 'default', prefix: '0.0.0.0/0', hop: 'Internet' }]));
    assert.equal(
      finding?.remediation.azureCli,
      'az network route-table route create --resource-group <route-table-resource-group> --route-table-name <route-table> --name default-to-firewall --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance --next-hop-ip-address <firewall-private-ip>',
    );
    assert.equal(finding?.remediation.armPatch, undefined);
    assert.match(
      aroDefaultRouteNotFirewall.meta.remediation.steps?.join('\n') ?? '',
      /child resources .* PUT https:\/\/management\.azure\.com/,
    );
  });
});
