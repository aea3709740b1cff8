import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '#test/helpers/fixtures.ts';
import { CHECKS } from './checks/index.ts';
import { evaluate } from './evaluate.ts';

const TWO_PODS = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers:
    - name: app
      image: registry.example/app:latest
      securityContext: { privileged: true }
---
apiVersion: v1
kind: Pod
metadata: { name: db, namespace: shop }
spec:
  containers:
    - name: pg
      image: registry.example/pg:16
      securityContext: { privileged: true }
`;

describe('evaluate', () => {
  it('maps every retained finding back to the resource it is about, and findings of one resource share its ref', () => {
    const fixture = loadText(TWO_PODS);
    const result = evaluate(fixture.inventory, CHECKS, fixture.settings, { retain: 'fail' });
    assert.ok(result.findings.length > 4);
    const [web, db] = fixture.resources;
    for (const finding of result.findings) {
      const resource = result.resourceOf(finding);
      assert.ok(
        resource !== undefined && (resource === web || resource === db),
        `${finding.checkId} maps to a resource`,
      );
      assert.equal(finding.resource.name, resource.name);
      assert.ok(finding.message.startsWith(`Pod "shop/${resource.name}"`), finding.message);
    }
    const webRefs = new Set(result.findings.filter((f) => f.resource.name === 'web').map((f) => f.resource));
    assert.equal(webRefs.size, 1);
    const [first] = result.findings;
    assert.ok(first);
    assert.equal(result.resourceOf({ ...first, resource: { ...first.resource } }), undefined);
  });

  it('names every violation in the default failure message, in order', () => {
    const fixture = loadText(TWO_PODS.replace('securityContext: { privileged: true }', 'securityContext: {}'));
    const limits = CHECKS.find((c) => c.meta.slug === 'resource-limits');
    assert.ok(limits);
    const [finding] = evaluate(fixture.inventory, [limits], fixture.settings, { retain: 'fail' }).findings;
    assert.ok(finding);
    assert.equal(
      finding.message,
      'Pod "shop/web": Container has no CPU or memory limit: container "app" has no cpu limit; container "app" has no memory limit.',
    );
  });
});
