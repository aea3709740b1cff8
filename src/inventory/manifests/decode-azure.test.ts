import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DecodeResult, decode } from './decode.ts';

const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const KV_PROD = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-pay-prod`;
const KV_LOGS = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-pay-logs`;

/** Name and source of each decoded object; fails on any diagnostic. */
function rows(result: DecodeResult): [string | undefined, unknown][] {
  assert.deepEqual(result.diagnostics, []);
  return result.objects.map((o) => [(o.value as { name?: string }).name, o.source]);
}

// `az graph query -q "resources | where type =~ 'microsoft.keyvault/vaults'"` (2-space indent).
const GRAPH_PRETTY = `{
  "count": 2,
  "data": [
    {
      "id": "${KV_PROD}",
      "name": "kv-pay-prod",
      "type": "microsoft.keyvault/vaults",
      "properties": {
        "enableSoftDelete": true,
        "networkAcls": {
          "defaultAction": "Deny",
          "ipRules": [
            {
              "value": "203.0.113.0/24"
            }
          ]
        }
      }
    },
    {
      "id": "${KV_LOGS}",
      "name": "kv-pay-logs",
      "type": "microsoft.keyvault/vaults",
      "properties": {
        "enableSoftDelete": false
      }
    }
  ],
  "skip_token": null,
  "total_records": 2
}
`;

describe('decode: Azure collections in JSON', () => {
  it('splits pretty-printed az graph query output into its rows, each with its own line', () => {
    assert.deepEqual(rows(decode(GRAPH_PRETTY, 'graph.json')), [
      ['kv-pay-prod', { file: 'graph.json', line: 4, document: 0 }],
      ['kv-pay-logs', { file: 'graph.json', line: 20, document: 1 }],
    ]);
  });

  it('gives each row its own value, not the collection', () => {
    const [first, second] = decode(GRAPH_PRETTY, 'graph.json').objects;
    assert.deepEqual(first?.value, {
      id: KV_PROD,
      name: 'kv-pay-prod',
      type: 'microsoft.keyvault/vaults',
      properties: {
        enableSoftDelete: true,
        networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24' }] },
      },
    });
    assert.equal((second?.value as { id?: string } | undefined)?.id, KV_LOGS);
  });

  it('splits compact one-line output: every row is on line 1', () => {
    const text = JSON.stringify(JSON.parse(GRAPH_PRETTY));
    assert.equal(text.includes('\n'), false);
    assert.deepEqual(rows(decode(text, 'graph.json')), [
      ['kv-pay-prod', { file: 'graph.json', line: 1, document: 0 }],
      ['kv-pay-logs', { file: 'graph.json', line: 1, document: 1 }],
    ]);
  });

  it('finds the row lines in compact rows written one per line', () => {
    const text = `{"count":2,"data":[\n{"id":"${KV_PROD}","name":"kv-pay-prod","type":"microsoft.keyvault/vaults","properties":{"data":[1]}},\n{"id":"${KV_LOGS}","name":"kv-pay-logs","type":"microsoft.keyvault/vaults","properties":{}}\n],"skip_token":null,"total_records":2}\n`;
    assert.deepEqual(rows(decode(text, 'graph.json')), [
      ['kv-pay-prod', { file: 'graph.json', line: 2, document: 0 }],
      ['kv-pay-logs', { file: 'graph.json', line: 3, document: 1 }],
    ]);
  });

  it('finds the rows of the `data` key when facets hold objects at the same indent', () => {
    // The Resource Graph REST response: facets before the data, each facet with its own `data`.
    const text = `{
  "totalRecords": 2,
  "count": 2,
  "resultTruncated": "false",
  "facets": [
    {
      "expression": "location",
      "resultType": "FacetResult",
      "totalRecords": 1,
      "count": 1,
      "data": [
        {
          "location": "westeurope",
          "count": 2
        }
      ]
    }
  ],
  "data": [
    {
      "id": "${KV_PROD}",
      "name": "kv-pay-prod",
      "type": "microsoft.keyvault/vaults"
    },
    {
      "id": "${KV_LOGS}",
      "name": "kv-pay-logs",
      "type": "microsoft.keyvault/vaults"
    }
  ]
}
`;
    assert.deepEqual(rows(decode(text, 'graph.json')), [
      ['kv-pay-prod', { file: 'graph.json', line: 20, document: 0 }],
      ['kv-pay-logs', { file: 'graph.json', line: 25, document: 1 }],
    ]);
  });

  it('splits an ARM list response ({ value, nextLink })', () => {
    const text = `{
  "value": [
    {
      "id": "/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-prod",
      "name": "kv-pay-prod",
      "type": "Microsoft.KeyVault/vaults",
      "location": "westeurope"
    },
    {
      "id": "/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-logs",
      "name": "kv-pay-logs",
      "type": "Microsoft.KeyVault/vaults",
      "location": "westeurope"
    }
  ],
  "nextLink": "https://management.azure.com/subscriptions/${SUB}/resources?api-version=2021-04-01&%24skiptoken=eyJ0IjoxfQ"
}
`;
    assert.deepEqual(rows(decode(text, 'list.json')), [
      ['kv-pay-prod', { file: 'list.json', line: 3, document: 0 }],
      ['kv-pay-logs', { file: 'list.json', line: 9, document: 1 }],
    ]);
  });

  it('splits a top-level array (az resource list -o json)', () => {
    const text = `[
  {
    "id": "/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-prod",
    "location": "westeurope",
    "name": "kv-pay-prod",
    "properties": null,
    "resourceGroup": "rg-payments",
    "tags": {},
    "type": "Microsoft.KeyVault/vaults"
  },
  {
    "id": "/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-logs",
    "location": "westeurope",
    "name": "kv-pay-logs",
    "properties": null,
    "resourceGroup": "rg-payments",
    "tags": {
      "team": "payments"
    },
    "type": "Microsoft.KeyVault/vaults"
  }
]
`;
    assert.deepEqual(rows(decode(text, 'resources.json')), [
      ['kv-pay-prod', { file: 'resources.json', line: 2, document: 0 }],
      ['kv-pay-logs', { file: 'resources.json', line: 11, document: 1 }],
    ]);
  });

  it('yields nothing for an empty collection', () => {
    assert.deepEqual(
      decode('{\n  "count": 0,\n  "data": [],\n  "skip_token": null,\n  "total_records": 0\n}\n', 'g.json'),
      {
        objects: [],
        diagnostics: [],
      },
    );
    assert.deepEqual(decode('{"value": []}', 'l.json'), { objects: [], diagnostics: [] });
  });

  it('keeps an object that only looks like a collection whole', () => {
    const text = '{\n  "count": 1,\n  "data": [\n    {\n      "name": "x"\n    }\n  ],\n  "kind": "Report"\n}\n';
    const result = decode(text, 'report.json');
    assert.equal(result.objects.length, 1);
    assert.deepEqual(result.objects[0]?.source, { file: 'report.json', line: 1, document: 0 });
    assert.equal((result.objects[0]?.value as { kind?: string } | undefined)?.kind, 'Report');
  });
});

describe('decode: Azure collections in YAML', () => {
  it('splits a top-level sequence (az resource list -o yaml), each item with its line', () => {
    const text = `- id: /subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-prod
  location: westeurope
  name: kv-pay-prod
  properties: null
  resourceGroup: rg-payments
  tags: {}
  type: Microsoft.KeyVault/vaults
- id: /subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-pay-logs
  location: westeurope
  name: kv-pay-logs
  properties: null
  resourceGroup: rg-payments
  tags:
    team: payments
  type: Microsoft.KeyVault/vaults
`;
    assert.deepEqual(rows(decode(text, 'resources.yaml')), [
      ['kv-pay-prod', { file: 'resources.yaml', line: 1, document: 0 }],
      ['kv-pay-logs', { file: 'resources.yaml', line: 8, document: 0 }],
    ]);
  });

  it('splits az graph query -o yaml output ({ count, data: [...] }), each row with its line', () => {
    const text = `count: 2
data:
- id: ${KV_PROD}
  name: kv-pay-prod
  properties:
    enableSoftDelete: true
    networkAcls:
      defaultAction: Deny
  type: microsoft.keyvault/vaults
- id: ${KV_LOGS}
  name: kv-pay-logs
  properties:
    enableSoftDelete: false
  type: microsoft.keyvault/vaults
skip_token: null
total_records: 2
`;
    const result = decode(text, 'graph.yaml');
    assert.deepEqual(rows(result), [
      ['kv-pay-prod', { file: 'graph.yaml', line: 3, document: 0 }],
      ['kv-pay-logs', { file: 'graph.yaml', line: 10, document: 0 }],
    ]);
    assert.deepEqual(result.objects[0]?.value, {
      id: KV_PROD,
      name: 'kv-pay-prod',
      properties: { enableSoftDelete: true, networkAcls: { defaultAction: 'Deny' } },
      type: 'microsoft.keyvault/vaults',
    });
  });

  it('splits a sequence in a later document of a stream, keeping the document index', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
- id: ${KV_PROD}
  name: kv-pay-prod
  type: microsoft.keyvault/vaults
`;
    assert.deepEqual(rows(decode(text, 'mixed.yaml')), [
      [undefined, { file: 'mixed.yaml', line: 1, document: 0 }],
      ['kv-pay-prod', { file: 'mixed.yaml', line: 6, document: 1 }],
    ]);
  });

  it('keeps a ConfigMap whole: its `data` is a mapping, not an Azure collection', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  count: "2"\n';
    const result = decode(text, 'cm.yaml');
    assert.equal(result.objects.length, 1);
    assert.equal((result.objects[0]?.value as { kind?: string } | undefined)?.kind, 'ConfigMap');
  });
});
