/**
 * ARM templates in a scan: paired with their parameter files by name, one expansion per
 * environment file, or given parameters explicitly (`--parameters`); unpaired or unreadable
 * parameter files are reported, not dropped silently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, type Resource } from '#core';
import { cli } from '#test/helpers/cli.ts';
import { loadManifests } from './load.ts';

const DIR = fileURLToPath(new URL('../../../test/fixtures/inventory/azure/templates/', import.meta.url));

const tlsOf = (r: Resource | undefined): unknown => r?.azure?.arm.properties.minimumTlsVersion;

describe('ARM templates with parameter files', () => {
  it('pairs main.json with main.parameters.json beside it', async () => {
    const loaded = await loadManifests([`${DIR}paired`]);
    assert.deepEqual(loaded.diagnostics, []);
    assert.equal(loaded.resources.length, 1);
    const [storage] = loaded.resources;
    assert.equal(storage?.kind, 'Microsoft.Storage/storageAccounts');
    assert.equal(storage?.name, 'stpaired001');
    assert.equal(tlsOf(storage), 'TLS1_0');
    assert.equal(storage?.apiVersion, '2023-05-01');
    assert.equal(storage?.source.parameters, `${DIR}paired/main.parameters.json`);
    assert.equal(storage?.source.line, 9); // the line of the declaration's opening brace
  });

  it('expands the template once per environment parameters file', async () => {
    const loaded = await loadManifests([`${DIR}envs`]);
    assert.deepEqual(loaded.diagnostics, []);
    const byName = new Map(loaded.resources.map((r) => [r.name, r]));
    assert.deepEqual([...byName.keys()].sort(), ['stdev001', 'stprod001']);
    assert.equal(tlsOf(byName.get('stdev001')), 'TLS1_0');
    assert.equal(tlsOf(byName.get('stprod001')), 'TLS1_2');
    assert.equal(new Set(loaded.resources.map((r) => r.key)).size, 2);
  });

  it('uses --parameters files instead of the ones beside the template', async () => {
    const loaded = await loadManifests([`${DIR}envs/main.json`], {
      parameters: [`${DIR}envs/main.parameters.prod.json`],
    });
    assert.deepEqual(
      loaded.resources.map((r) => [r.name, tlsOf(r)]),
      [['stprod001', 'TLS1_2']],
    );
  });

  it('reports a parameters file that matches no template, and keeps the rest', async () => {
    const loaded = await loadManifests([`${DIR}orphan.parameters.json`, `${DIR}paired`]);
    assert.equal(loaded.resources.length, 1);
    assert.deepEqual(
      loaded.diagnostics.map((d) => [d.code, d.level, d.location.file]),
      [['arm.parameters-unpaired', 'warning', `${DIR}orphan.parameters.json`]],
    );
  });

  it('refuses a --parameters file that is missing or is not a parameters file, naming it', async () => {
    await assert.rejects(
      loadManifests([`${DIR}paired/main.json`], { parameters: [`${DIR}nope.parameters.json`] }),
      (error: unknown) => error instanceof InputError && error.message.includes('nope.parameters.json'),
    );
    await assert.rejects(
      loadManifests([`${DIR}paired/main.json`], { parameters: [`${DIR}paired/main.json`] }),
      (error: unknown) => error instanceof InputError && /not an ARM deployment parameters file/.test(error.message),
    );
  });

  it('palisade scan --parameters judges the values of that environment', async () => {
    const dev = await cli([
      'scan',
      'test/fixtures/inventory/azure/templates/envs/main.json',
      '--parameters',
      'test/fixtures/inventory/azure/templates/envs/main.parameters.dev.json',
      '--check',
      'storage-min-tls-version',
      '--format',
      'json',
      '--fail-on',
      'medium',
    ]);
    assert.equal(dev.code, 1, dev.err);
    const report = JSON.parse(dev.out) as { findings: { status: string; resource: { name: string } }[] };
    assert.deepEqual(
      report.findings.map((f) => [f.status, f.resource.name]),
      [['fail', 'stdev001']],
    );
    const prod = await cli([
      'scan',
      'test/fixtures/inventory/azure/templates/envs/main.json',
      '--parameters',
      'test/fixtures/inventory/azure/templates/envs/main.parameters.prod.json',
      '--check',
      'storage-min-tls-version',
      '--fail-on',
      'medium',
    ]);
    assert.equal(prod.code, 0, prod.err);
  });
});
