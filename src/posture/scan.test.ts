import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanManifests } from './scan.ts';

const DEMO = fileURLToPath(new URL('../../examples/aro-cluster', import.meta.url));
const NOW = new Date('2026-11-23T00:00:00Z');

describe('scanManifests', () => {
  it("findings: 'fail' keeps only failing, error and indeterminate findings but summarises every finding", async () => {
    const all = await scanManifests([DEMO], { now: NOW });
    const failing = await scanManifests([DEMO], { now: NOW, findings: 'fail' });
    assert.deepEqual(failing.summary, all.summary);
    assert.ok(all.summary.findings.pass > 0);
    assert.deepEqual(
      failing.findings,
      all.findings.filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'indeterminate'),
    );
    const counted = { pass: 0, fail: 0, 'not-applicable': 0, error: 0, indeterminate: 0 };
    for (const f of all.findings) {
      counted[f.status]++;
    }
    assert.deepEqual(all.summary.findings, counted);
  });

  it('--framework pss-restricted runs baseline and restricted checks, with overridden baseline checks dropped', async () => {
    const report = await scanManifests([DEMO], { now: NOW, frameworks: ['pss-restricted'] });
    const ids = new Set(report.findings.map((f) => f.checkId));
    assert.ok(ids.has('PAL-K8S-0001'), 'baseline host-namespaces runs');
    assert.ok(ids.has('PAL-K8S-0018'), 'restricted capabilities runs');
    assert.ok(!ids.has('PAL-K8S-0003'), 'baseline capabilities is superseded');
    assert.ok(
      [...ids].every((id) => /^PAL-K8S-00\d\d$/.test(id)),
      [...ids].join(),
    );
  });
});
