import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSubjects, readSubjects } from './input.ts';

const FIXTURES = new URL('../../test/fixtures/automation/', import.meta.url).pathname;

describe('automation input', () => {
  it('reads alert records of palisade detect --format jsonl, with their targets', async () => {
    const read = await readSubjects(join(FIXTURES, 'alerts.jsonl'));
    assert.equal(read.format, 'alerts');
    assert.deepEqual(read.diagnostics, []);
    assert.equal(read.subjects.length, 7);
    const exec = read.subjects[0];
    assert.ok(exec?.type === 'alert');
    assert.equal(exec.ruleId, 'PAL-TD-0001');
    assert.deepEqual(exec.target, {
      type: 'kubernetes',
      ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' },
    });
    // A Falco alert names the node the pod runs on.
    const falco = read.subjects.find((s) => s.ruleId === 'PAL-TD-0072');
    assert.deepEqual(falco?.target, {
      type: 'kubernetes',
      ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-0' },
      node: 'worker-1',
    });
  });

  it('reads the findings of a scan report: Azure resources by id, Kubernetes objects by reference', async () => {
    const read = await readSubjects(join(FIXTURES, 'report.json'));
    assert.equal(read.format, 'report');
    assert.deepEqual(read.diagnostics, []);
    const report = JSON.parse(readFileSync(join(FIXTURES, 'report.json'), 'utf8')) as { findings: unknown[] };
    assert.equal(read.subjects.length, report.findings.length);
    const storage = read.subjects.find((s) => s.ruleId === 'PAL-AZR-0102');
    assert.ok(storage?.target.type === 'azure');
    assert.equal(storage.target.resourceType, 'Microsoft.Storage/storageAccounts');
    assert.match(
      storage.target.id,
      /^\/subscriptions\/[0-9a-f-]+\/resourceGroups\/.+\/providers\/Microsoft\.Storage\/storageAccounts\//,
    );
    assert.equal(storage.target.subscriptionId, storage.target.id.split('/')[2]);
    const deployment = read.subjects.find((s) => s.target.type === 'kubernetes' && s.target.ref.kind === 'Deployment');
    assert.ok(deployment?.target.type === 'kubernetes');
    assert.equal(deployment.target.ref.apiVersion, 'apps/v1');
  });

  it('keeps every valid line and names each bad one with its line', () => {
    const good = readFileSync(join(FIXTURES, 'alerts.jsonl'), 'utf8').trim().split('\n');
    const text = [good[0], '{"id": "x"', '[1,2]', '', good[1], '{"id":"y","ruleId":"PAL-TD-0001"}'].join('\n');
    const read = parseSubjects(text, 'mixed.jsonl');
    assert.equal(read.subjects.length, 2);
    assert.deepEqual(
      read.diagnostics.map((d) => [d.location.line, d.message.replace(/\(.*\)/, '(...)')]),
      [
        [2, 'not JSON (...); the line is ignored'],
        [3, 'the line is not an alert record (...); it is ignored'],
        [6, 'the line is not an alert record (...); it is ignored'],
      ],
    );
  });

  it('reads the batches palisade detect --forward posts and arrays, and names what is not an alert', () => {
    const good = readFileSync(join(FIXTURES, 'alerts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const read = parseSubjects(JSON.stringify({ alerts: [...good, { bad: true }] }), 'batch.json');
    assert.equal(read.subjects.length, 7);
    assert.match(read.diagnostics[0]?.message ?? '', /^alerts\[7\] is not an alert record/);
    const array = parseSubjects(JSON.stringify([good[0], 1]), 'array.json');
    assert.equal(array.subjects.length, 1);
    assert.match(array.diagnostics[0]?.message ?? '', /^item 1 is not an alert record/);
    assert.match(
      parseSubjects('"text"', 'text.json').diagnostics[0]?.message ?? '',
      /^the line is not an alert record/,
    );
    const report = parseSubjects(JSON.stringify({ findings: [{ checkId: 'PAL-K8S-0001' }] }), 'partial.json');
    assert.equal(report.subjects.length, 0);
    assert.match(report.diagnostics[0]?.message ?? '', /^findings\[0\] is not a finding/);
  });
});
