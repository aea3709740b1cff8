import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import {
  alertSubject,
  azureFindingSubject,
  execAlert,
  k8sFindingSubject,
  STORAGE_ID,
} from '#test/helpers/notify-subjects.ts';
import { LIMITS, oneLine, subjectSummary, truncate, violationLines } from './render.ts';
import { subjectFromAlert } from './subject.ts';

const violations = (n: number): Violation[] =>
  Array.from({ length: n }, (_, i) => ({
    path: `spec.template.spec.containers[${i}].ports[0].hostPort`,
    message: `container "c${i}" binds host port ${8000 + i}`,
  }));

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abcdef', 4).length, 4);
    assert.equal(truncate('abc', 0), '');
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    assert.equal(cut, 'ab…');
    assert.equal(truncate('a😀cdef', 4), 'a😀…');
  });

  it('oneLine collapses whitespace', () => {
    assert.equal(oneLine('  a\n\tb   c ', 10), 'a b c');
  });
});

describe('subjectSummary: alerts', () => {
  it('describes an exec alert with its rule, MITRE, actor, target, count and times', () => {
    const summary = subjectSummary(alertSubject());
    assert.deepEqual(summary, {
      headline: 'Exec into a pod: Pod "shop/web-7d9f8-abcde"',
      severity: 'medium',
      message: execAlert().message,
      fields: [
        { name: 'Rule', value: 'PAL-TD-0001' },
        { name: 'Severity', value: 'medium' },
        { name: 'MITRE ATT&CK', value: 'TA0002 / T1609' },
        { name: 'Actor', value: 'alice@example.com' },
        { name: 'Target', value: 'create pods/exec shop/web-7d9f8-abcde' },
        { name: 'Count', value: '3' },
        { name: 'First seen', value: '2025-03-14T09:26:53.000Z' },
        { name: 'Last seen', value: '2025-03-14T09:31:02.000Z' },
        { name: 'Source IPs', value: '203.0.113.7' },
      ],
      remediation: [
        'Confirm the session was expected. Grant pods/exec only to break-glass roles, and prefer ephemeral debug containers with audited approval.',
      ],
    });
  });

  it('names the target of an alert without a single object, and caps source IPs and fields', () => {
    const ips = Array.from({ length: 8 }, (_, i) => `198.51.100.${i + 1}`);
    const alert = execAlert({
      ruleId: 'PAL-TD-0030',
      title: 'Secrets listed by an unexpected identity',
      target: { verb: 'list', resource: 'secrets', namespace: 'shop', name: '' },
      actor: { user: 'bob', groups: [], sourceIPs: ips, userAgent: '' },
      incidentId: 'inc-42',
    });
    const summary = subjectSummary(subjectFromAlert(alert));
    assert.equal(summary.headline, 'Secrets listed by an unexpected identity: list secrets shop/*');
    assert.equal(summary.fields.find((f) => f.name === 'Target')?.value, 'list secrets shop');
    assert.equal(
      summary.fields.find((f) => f.name === 'Source IPs')?.value,
      '198.51.100.1, 198.51.100.2, 198.51.100.3, 198.51.100.4, 198.51.100.5 … and 3 more',
    );
    assert.equal(summary.fields.length, LIMITS.fields);
    assert.deepEqual(summary.fields[9], { name: 'Incident', value: 'inc-42' });
  });

  it('bounds the headline, the message, the values and the remediation', () => {
    const summary = subjectSummary(
      alertSubject({
        title: 'T'.repeat(400),
        message: 'm'.repeat(5000),
        actor: { user: 'u'.repeat(1000), groups: [], sourceIPs: [], userAgent: '' },
        remediation: Array.from({ length: 20 }, (_, i) => `${i} ${'r'.repeat(900)}`),
      }),
    );
    assert.equal(summary.headline.length, LIMITS.headline);
    assert.ok(summary.headline.endsWith('…'));
    assert.equal(summary.message.length, LIMITS.message);
    assert.ok(summary.message.endsWith('…'));
    assert.equal(summary.fields.find((f) => f.name === 'Actor')?.value.length, LIMITS.fieldValue);
    assert.equal(summary.remediation.length, LIMITS.remediationLines);
    assert.ok(summary.remediation.every((line) => line.length === LIMITS.remediationLine));
    assert.ok(summary.remediation[7]?.startsWith('7 '));
  });
});

describe('subjectSummary: findings', () => {
  it('describes a Kubernetes finding with its source, violations and command', () => {
    assert.deepEqual(subjectSummary(k8sFindingSubject()), {
      headline: 'Container binds a host port: Deployment "shop/web"',
      severity: 'medium',
      message: 'Deployment "shop/web" has a container that binds host port 8080.',
      fields: [
        { name: 'Check', value: 'PAL-K8S-0005' },
        { name: 'Severity', value: 'medium' },
        { name: 'Resource', value: 'Deployment shop/web' },
        { name: 'Source', value: 'deploy/web.yaml:12' },
        {
          name: 'Violations (1)',
          value: '• container "web" binds host port 8080 (spec.template.spec.containers[0].ports[0].hostPort)',
        },
      ],
      remediation: [
        'Remove hostPort and expose the container through a Service.',
        'Command: oc patch deployment web -n shop --type=json -p \'[{"op":"remove","path":"/spec/template/spec/containers/0/ports/0/hostPort"}]\'',
      ],
    });
  });

  it('describes an Azure finding by resource id, with the az command and a portal link', () => {
    const summary = subjectSummary(azureFindingSubject());
    assert.equal(
      summary.headline,
      'Storage account accepts unencrypted HTTP requests: Microsoft.Storage/storageAccounts "stprod01"',
    );
    assert.equal(summary.severity, 'high');
    assert.deepEqual(summary.fields.slice(0, 3), [
      { name: 'Check', value: 'PAL-AZR-0101' },
      { name: 'Severity', value: 'high' },
      { name: 'Resource', value: STORAGE_ID },
    ]);
    assert.equal(
      summary.fields.find((f) => f.name === 'Source'),
      undefined,
    );
    assert.deepEqual(summary.remediation, [
      'Set supportsHttpsTrafficOnly to true.',
      'Azure CLI: az storage account update --name stprod01 --resource-group rg-prod --https-only true',
    ]);
    assert.equal(summary.link, `https://portal.azure.com/#resource${STORAGE_ID}`);
  });

  it('lists the first five violations, then how many more', () => {
    const lines = violationLines(violations(40));
    assert.equal(lines.length, 6);
    assert.equal(lines[0], 'container "c0" binds host port 8000 (spec.template.spec.containers[0].ports[0].hostPort)');
    assert.equal(lines[5], '… and 35 more');
    assert.equal(violationLines(violations(5)).length, 5);
    const summary = subjectSummary(k8sFindingSubject({ violations: violations(40) }));
    const field = summary.fields.find((f) => f.name === 'Violations (40)');
    assert.ok(field);
    assert.equal(field.value.split('\n').length, 6);
    assert.ok(field.value.endsWith('• … and 35 more'));
  });

  it('bounds a finding with huge texts', () => {
    const summary = subjectSummary(
      k8sFindingSubject({
        message: 'x'.repeat(100_000),
        violations: violations(3).map((v) => ({ ...v, message: 'v'.repeat(5000) })),
        remediation: { summary: 's'.repeat(5000), command: 'c'.repeat(5000), azureCli: 'a'.repeat(5000) },
      }),
    );
    assert.equal(summary.message.length, LIMITS.message);
    const violationsField = summary.fields.find((f) => f.name === 'Violations (3)');
    assert.ok(violationsField && violationsField.value.length <= LIMITS.violationsValue);
    assert.ok(violationsField.value.split('\n').every((line) => line.length <= LIMITS.violationLine + 2));
    assert.equal(summary.remediation.length, 3);
    assert.ok(summary.remediation.every((line) => line.length === LIMITS.remediationLine));
  });
});
