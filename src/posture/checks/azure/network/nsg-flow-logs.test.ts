import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgFlowLogs } from './nsg-flow-logs.ts';

const SUB = '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79';
const NSG_ID = `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Network/networkSecurityGroups/nsg-web`;
const VNET_ID = `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Network/virtualNetworks/vnet-shop`;
const WATCHER = `${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope`;

const nsg = (properties: Record<string, unknown> = {}) => ({
  id: NSG_ID,
  name: 'nsg-web',
  type: 'Microsoft.Network/networkSecurityGroups',
  location: 'westeurope',
  properties: { securityRules: [], ...properties },
});

const flowLog = (name: string, target: string, properties: Record<string, unknown>, location = 'westeurope') => ({
  id: `${WATCHER.replace('westeurope', location)}/flowLogs/${name}`,
  name,
  type: 'Microsoft.Network/networkWatchers/flowLogs',
  location,
  properties: {
    targetResourceId: target,
    storageId: `${SUB}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stflowlogs`,
    ...properties,
  },
});

const good = { enabled: true, retentionPolicy: { enabled: true, days: 90 } };
const run = (...resources: unknown[]) => runCheckOn(nsgFlowLogs, JSON.stringify(resources), undefined, 'a.json');

describe('nsg-flow-logs', () => {
  it('passes with an enabled NSG flow log kept 90 days, or kept forever (days 0)', () => {
    assert.equal(run(nsg(), flowLog('fl-web', NSG_ID, good))[0]?.status, 'pass');
    assert.equal(
      run(nsg(), flowLog('fl-web', NSG_ID, { enabled: true, retentionPolicy: { enabled: true, days: 0 } }))[0]?.status,
      'pass',
    );
  });

  it('passes when a virtual network flow log covers every subnet the NSG is attached to', () => {
    const attached = nsg({ subnets: [{ id: `${VNET_ID}/subnets/snet-web` }] });
    assert.equal(run(attached, flowLog('fl-vnet-shop', VNET_ID, good))[0]?.status, 'pass');
  });

  it('fails on a flow log with short retention, naming it and the value', () => {
    const [finding] = run(
      nsg(),
      flowLog('fl-web', NSG_ID, { enabled: true, retentionPolicy: { enabled: true, days: 30 } }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.flowLogs',
        message:
          'flow log "fl-web" on "nsg-web": retentionPolicy.days is 30; it must be 0 (keep forever) or at least 90',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network watcher flow-log create --location <location> --name nsg-web-flowlog --vnet <vnet-id> --storage-account <storage-account-id> --enabled true --retention 90',
    );
  });

  it('fails on a disabled flow log and on absent enabled and retention policy (API defaults)', () => {
    const [finding] = run(nsg(), flowLog('fl-web', NSG_ID, {}));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'flow log "fl-web" on "nsg-web": enabled is not set (no default is documented; treated as disabled), and retentionPolicy.enabled is not set (the API default is false: no retention policy)',
    );
    const [disabled] = run(nsg(), flowLog('fl-web', NSG_ID, { ...good, enabled: false }));
    assert.equal(disabled?.violations[0]?.message, 'flow log "fl-web" on "nsg-web": enabled is false');
  });

  it('fails when the region’s flow logs are in the input and none covers the NSG or an uncovered subnet', () => {
    const attached = nsg({
      subnets: [
        { id: `${VNET_ID}/subnets/snet-web` },
        { id: `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Network/virtualNetworks/vnet-edge/subnets/snet-dmz` },
      ],
    });
    const [finding] = run(attached, flowLog('fl-vnet-shop', VNET_ID, good));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.flowLogs',
        message:
          'no enabled flow log with 90 days\' retention covers this network security group or its subnet "snet-dmz" (the input has the flow logs of westeurope)',
      },
    ]);
  });

  it('is indeterminate when the input has no flow log of the NSG’s region', () => {
    const [finding] = run(nsg(), flowLog('fl-other', `${NSG_ID}-2`, good, 'northeurope'));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the input has no flow log of the region of this network security group; export the flow logs of its region with `az network watcher flow-log list --location westeurope`',
    );
    assert.equal(run(nsg())[0]?.status, 'indeterminate');
  });

  it('is indeterminate when the NSG lists a flow log that is not in the input', () => {
    const [finding] = run(
      nsg({ flowLogs: [{ id: `${WATCHER}/flowLogs/fl-web` }] }),
      flowLog('fl-app', `${NSG_ID}-app`, good),
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /lists flow log "fl-web", which is not in the input/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const row = {
      id: NSG_ID,
      name: 'nsg-web',
      type: 'Microsoft.Network/networkSecurityGroups',
      location: 'westeurope',
      properties: null,
    };
    const [finding] = run(row, flowLog('fl-app', `${NSG_ID}-app`, good));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
