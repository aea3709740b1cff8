import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Resource } from '#core';
import { type LoadResult, loadManifests } from './load.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/inventory/azure/exports/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'palisade-load-azure-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory holding fixture files under new names ({ 'name in dir': 'fixture file' }). */
function dirWith(files: Readonly<Record<string, string>>, extra: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(scratch, `d${counter++}-`));
  for (const [name, fixture] of Object.entries(files)) {
    copyFileSync(join(fixtures, fixture), join(dir, name));
  }
  for (const [name, text] of Object.entries(extra)) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** kind, name, file name, line and whether the properties are unknown, per resource. */
function summary(result: LoadResult): [string, string, string, number | undefined, boolean][] {
  return result.resources.map((r: Resource) => [
    r.kind,
    r.name,
    basename(r.source.file),
    r.source.line,
    r.azure?.propertiesUnknown === true,
  ]);
}

const VAULT = 'Microsoft.KeyVault/vaults';

describe('loadManifests with Azure exports', () => {
  it('reads Kubernetes YAML and Azure exports from one directory; a copy with properties replaces one read first without', async () => {
    const dir = dirWith({
      '1-arm-resources-list.json': 'arm-resources-list.json',
      '2-az-graph-query.json': 'az-graph-query.json',
      '3-az-keyvault-show.json': 'az-keyvault-show.json',
      '4-namespace.yaml': 'namespace.yaml',
    });
    const result = await loadManifests([dir]);
    assert.deepEqual(summary(result), [
      [VAULT, 'kv-pay-prod', '3-az-keyvault-show.json', 1, false],
      [VAULT, 'kv-pay-logs', '2-az-graph-query.json', 4, false],
      ['Namespace', 'payments', '4-namespace.yaml', 1, false],
      ['ConfigMap', 'payments-settings', '4-namespace.yaml', 8, false],
    ]);
    assert.deepEqual(result.stats, { filesRead: 4, filesIgnored: 0, documents: 7, duplicates: 2 });
    const prod = result.resources[0];
    assert.equal(prod?.azure?.arm.properties.enablePurgeProtection, true);
    assert.deepEqual(prod?.azure?.arm.tags, { env: 'prod' });
    // The Resource Graph row keeps its lowercased id; the key is the same as for the mixed-case id.
    assert.equal(
      result.resources[1]?.key,
      'azure:/subscriptions/c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-pay-logs',
    );
  });

  it('keeps the copy with properties when it is read first', async () => {
    const dir = dirWith({
      '1-az-graph-query.json': 'az-graph-query.json',
      '2-az-keyvault-show.json': 'az-keyvault-show.json',
      '3-arm-resources-list.json': 'arm-resources-list.json',
      '4-namespace.yaml': 'namespace.yaml',
    });
    const result = await loadManifests([dir]);
    assert.deepEqual(summary(result), [
      [VAULT, 'kv-pay-logs', '1-az-graph-query.json', 4, false],
      [VAULT, 'kv-pay-prod', '2-az-keyvault-show.json', 1, false],
      ['Namespace', 'payments', '4-namespace.yaml', 1, false],
      ['ConfigMap', 'payments-settings', '4-namespace.yaml', 8, false],
    ]);
    assert.equal(result.stats.duplicates, 2);
  });

  it('keeps the copy with properties whichever file is named first', async () => {
    const dir = dirWith({ 'kv.json': 'az-keyvault-show.json', 'list.json': 'arm-resources-list.json' });
    for (const order of [
      ['kv.json', 'list.json'],
      ['list.json', 'kv.json'],
    ]) {
      const result = await loadManifests(order.map((name) => join(dir, name)));
      const prod = result.resources.find((r) => r.name === 'kv-pay-prod');
      assert.equal(basename(prod?.source.file ?? ''), 'kv.json', order.join(' then '));
      assert.equal(prod?.azure?.propertiesUnknown, undefined);
      // kv-pay-logs is only in the list: kept, without properties.
      const logs = result.resources.find((r) => r.name === 'kv-pay-logs');
      assert.equal(logs?.azure?.propertiesUnknown, true);
      assert.equal(result.resources.length, 2);
    }
  });

  it('keeps the first of two copies that both have properties', async () => {
    const dir = dirWith({ 'a-kv.json': 'az-keyvault-show.json', 'b-kv.json': 'az-keyvault-show.json' });
    const result = await loadManifests([dir]);
    assert.deepEqual(summary(result), [[VAULT, 'kv-pay-prod', 'a-kv.json', 1, false]]);
    assert.equal(result.stats.duplicates, 1);
  });

  it('keeps a vault from az keyvault show over its az resource list row read after it', async () => {
    const dir = dirWith({
      '1-az-keyvault-show.json': 'az-keyvault-show.json',
      '2-az-resource-list.json': 'az-resource-list.json',
    });
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.resources.map((r) => [r.kind, r.name, basename(r.source.file), r.source.line]),
      [
        [VAULT, 'kv-pay-prod', '1-az-keyvault-show.json', 1],
        ['Microsoft.Storage/storageAccounts', 'stpayhot', '2-az-resource-list.json', 22],
      ],
    );
    assert.equal(result.resources[0]?.azure?.arm.properties.enableRbacAuthorization, true);
  });

  it('keeps a vault from az keyvault show over its az resource list row read before it', async () => {
    const dir = dirWith({
      '1-az-resource-list.json': 'az-resource-list.json',
      '2-az-keyvault-show.json': 'az-keyvault-show.json',
    });
    const result = await loadManifests([dir]);
    const prod = result.resources.find((r) => r.name === 'kv-pay-prod');
    assert.equal(basename(prod?.source.file ?? ''), '2-az-keyvault-show.json');
    assert.equal(prod?.azure?.arm.properties.enableRbacAuthorization, true);
    const storage = result.resources.find((r) => r.name === 'stpayhot');
    assert.equal(storage?.azure?.propertiesUnknown, true);
  });

  it('names the file and line of an Azure row it skips', async () => {
    const dir = dirWith({ 'graph.json': 'az-graph-query.json' });
    const result = await loadManifests([dir]);
    assert.deepEqual(result.diagnostics, [
      {
        level: 'error',
        code: 'azure.invalid-id',
        message: 'Microsoft.KeyVault/vaults resource has an id that is not an ARM resource id; it was skipped',
        location: { file: join(dir, 'graph.json'), line: 32 },
      },
    ]);
    assert.deepEqual(summary(result), [[VAULT, 'kv-pay-logs', 'graph.json', 4, false]]);
  });

  it('names the file of each problem when several files have one', async () => {
    const dir = dirWith(
      { 'graph.json': 'az-graph-query.json' },
      { 'broken.json': '{\n  "count": 1,\n  "data": [\n    {\n      "id": "/x",\n' },
    );
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, basename(d.location.file), d.location.line]),
      [
        ['json.syntax', 'broken.json', 6],
        ['azure.invalid-id', 'graph.json', 32],
      ],
    );
  });

  it('reports a Resource Graph row with a type but neither id nor name as an Azure row without a name', async () => {
    const dir = dirWith(
      {},
      {
        'projected.json':
          '{\n  "count": 1,\n  "data": [\n    {\n      "type": "microsoft.keyvault/vaults",\n      "location": "westeurope",\n      "properties": {\n        "enableSoftDelete": true\n      }\n    }\n  ],\n  "skip_token": null,\n  "total_records": 1\n}\n',
      },
    );
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, basename(d.location.file), d.location.line]),
      [['azure.no-name', 'projected.json', 4]],
    );
  });
});
