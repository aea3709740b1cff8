import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, ScanReport } from '#core';
import { FINDINGS, largeReport, SYNTHETIC_CWD, syntheticReport } from '#test/helpers/synthetic-report.ts';
import type { RenderOptions } from '../format.ts';
import { table } from './table.ts';

const ESCAPE = '\u001b[';

function render(report: ScanReport, options: Partial<RenderOptions> = {}): string {
  return table.render(report, { status: 'fail', color: false, cwd: SYNTHETIC_CWD, ...options });
}

function lines(text: string): string[] {
  return text.split('\n');
}

describe('table format', () => {
  it('renders the full human report', () => {
    assert.equal(
      render(syntheticReport()),
      [
        'palisade 9.9.9-test  PSS v1.35  frameworks: pss-restricted, cis-kubernetes-1.9',
        '',
        'CRITICAL  1 failing finding',
        '',
        'Deployment shop/web  (deploy/shop.yaml:12)',
        '  PAL-K8S-9001  Container runs privileged',
        '    - spec.template.spec.containers[1].securityContext.privileged: container "debug" sets securityContext.privileged=true',
        '    ~ spec.template.spec.initContainers[0].securityContext.privileged: init container "istio-init" sets securityContext.privileged=true (exempted: service mesh init container)',
        '    fix: Set securityContext.privileged to false or remove it.',
        '',
        'HIGH  1 failing finding',
        '',
        'Deployment shop/web  (deploy/shop.yaml:12)',
        '  PAL-K8S-9007  Container binds a host port',
        '    - spec.template.spec.containers[0].ports[0].hostPort: container "web" binds host port 8080',
        '    fix: Remove hostPort and expose the pod through a Service.',
        '',
        'MEDIUM  1 failing finding',
        '',
        'CronJob ops/backup  (deploy/jobs.yaml:1)',
        '  PAL-K8S-9020  Container has no memory limit',
        '    - spec.jobTemplate.spec.template.spec.initContainers[0].resources.limits.memory: init container "prepare" has no memory limit',
        '    fix: Set resources.limits.memory on every container.',
        '',
        'INFO  1 failing finding',
        '',
        'Route shop/web  (<stdin>:3)',
        '  PAL-OCP-9002  Route serves plain HTTP',
        '    - spec.tls: spec.tls is not set',
        '    fix: Set spec.tls.termination on the Route.',
        '',
        'SUPPRESSED  2 findings',
        '  PAL-K8S-9100  ClusterRole ci-deployer  (/srv/shared/rbac.yaml:20)  Role grants wildcard permissions',
        '    why: CI needs it until the pipeline split (config palisade.yaml: exemptions[0], no expiry)',
        '  PAL-K8S-9007  Pod shop/node-debugger  (deploy/debug.yaml:3)  Container binds a host port',
        '    why: node debugging session approved by SRE (annotation, until 2030-12-31)',
        '',
        'ERRORS  1 check result could not be judged',
        '  PAL-K8S-9001  StatefulSet ops/db  (deploy/ops.yaml:30)  Container runs privileged',
        '    spec.template.spec.containers is required',
        '',
        'DIAGNOSTICS  1 error, 1 warning, 1 info',
        '  deploy/shop.yaml:40:3  error  yaml.syntax  document 3 is not valid YAML and was skipped: Missing closing "quote',
        '  palisade.yaml (exemptions[2].expires)  warning  exemption.expired  exemptions[2] expired on 2024-01-31 and no longer applies (old migration)',
        '  deploy/must-gather/configmaps.yaml:7  info  manifest.duplicate  ConfigMap "shop/settings" was read twice and kept once',
        '',
        'No check targets these kinds (cross-object checks may still read them): ConfigMap 1, Service 2',
        '7 resources, 5 checks: 4 failed (1 critical, 1 high, 1 medium, 1 info), 2 suppressed, 1 passed, 1 not applicable, 1 error',
        '',
      ].join('\n'),
    );
  });

  it('groups by severity, then by resource in file and line order, then by check id', () => {
    const template = FINDINGS[1]!;
    const at = (name: string, file: string, line: number, checkId: string): Finding => ({
      ...template,
      checkId,
      resource: { ...template.resource, name, source: { file, line } },
    });
    const report: ScanReport = {
      ...syntheticReport(),
      findings: [
        at('b', 'deploy/b.yaml', 1, 'PAL-K8S-9002'),
        at('a2', 'deploy/a.yaml', 30, 'PAL-K8S-9001'),
        at('b', 'deploy/b.yaml', 1, 'PAL-K8S-9001'),
        at('a1', 'deploy/a.yaml', 4, 'PAL-K8S-9003'),
      ],
      diagnostics: [],
    };
    const got = lines(render(report)).filter((l) => /^(Deployment| {2}PAL-)/.test(l));
    assert.deepEqual(got, [
      'Deployment shop/a1  (deploy/a.yaml:4)',
      '  PAL-K8S-9003  Container binds a host port',
      'Deployment shop/a2  (deploy/a.yaml:30)',
      '  PAL-K8S-9001  Container binds a host port',
      'Deployment shop/b  (deploy/b.yaml:1)',
      '  PAL-K8S-9001  Container binds a host port',
      '  PAL-K8S-9002  Container binds a host port',
    ]);
  });

  it('shows paths relative to cwd when inside it, and cluster-scoped resources without a namespace', () => {
    const template = FINDINGS[4]!;
    const report: ScanReport = {
      ...syntheticReport(),
      findings: [
        {
          ...template,
          suppressed: undefined,
          resource: { ...template.resource, source: { file: `${SYNTHETIC_CWD}/rbac/roles.yaml`, line: 7 } },
        },
      ],
    };
    assert.ok(lines(render(report)).includes('ClusterRole ci-deployer  (rbac/roles.yaml:7)'));
  });

  it('lists passes only as one row per check with --status all', () => {
    const text = render(syntheticReport(), { status: 'all' });
    const start = lines(text).indexOf('RESULTS BY CHECK  5 checks');
    assert.notEqual(start, -1);
    assert.deepEqual(lines(text).slice(start + 1, start + 8), [
      '  check         severity  passed  failed  suppressed  n/a  error/unknown  title',
      '  PAL-K8S-9001  critical       0       1           0    1              1  Container runs privileged',
      '  PAL-K8S-9007  high           1       1           1    0              0  Container binds a host port',
      '  PAL-K8S-9020  medium         0       1           0    0              0  Container has no memory limit',
      '  PAL-K8S-9100  low            0       0           1    0              0  Role grants wildcard permissions',
      '  PAL-OCP-9002  info           0       1           0    0              0  Route serves plain HTTP',
      '',
    ]);
    // The passing resource is never listed on its own line.
    assert.ok(!text.includes('ops/api'));
    assert.ok(!render(syntheticReport()).includes('RESULTS BY CHECK'));
  });

  it('says so when nothing fails', () => {
    const report: ScanReport = {
      ...syntheticReport(),
      summary: {
        ...syntheticReport().summary,
        findings: { pass: 1, fail: 0, 'not-applicable': 0, error: 0, indeterminate: 0 },
        failed: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        suppressed: 0,
        unknownKinds: {},
      },
      findings: FINDINGS.filter((f) => f.status === 'pass'),
      diagnostics: [],
    };
    assert.deepEqual(lines(render(report)), [
      'palisade 9.9.9-test  PSS v1.35  frameworks: pss-restricted, cis-kubernetes-1.9',
      '',
      'No failing findings.',
      '',
      '7 resources, 5 checks: 0 failed, 0 suppressed, 1 passed',
      '',
    ]);
  });

  it('writes no escape codes without colour, and colours with it', () => {
    for (const status of ['fail', 'all'] as const) {
      assert.ok(!render(syntheticReport(), { status, color: false }).includes(ESCAPE), status);
      assert.ok(render(syntheticReport(), { status, color: true }).includes(ESCAPE), status);
    }
    // Colour changes only the escape codes, never the text.
    const coloured = render(syntheticReport(), { status: 'all', color: true });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escape codes
    assert.equal(coloured.replace(/\u001b\[[0-9;]*m/g, ''), render(syntheticReport(), { status: 'all' }));
  });

  it('wraps long lines to the width with hanging indents', () => {
    const text = render(syntheticReport(), { width: 60 });
    const long = lines(text).filter((l) => l.length > 60 && l.includes(' ', 6));
    // Only header-like lines (resource, check and section lines) are left unwrapped.
    for (const line of long) {
      assert.ok(!/^ {4}/.test(line), `not wrapped: ${line}`);
    }
    assert.ok(
      text.includes(
        '    - spec.template.spec.containers[0].ports[0].hostPort:\n      container "web" binds host port 8080\n',
      ),
    );
    assert.ok(text.includes('    fix: Remove hostPort and expose the pod through a\n         Service.\n'));
    assert.ok(!/ \n/.test(text), 'no trailing spaces');
  });

  it('stays compact and fast for 100,000 findings with --status all', () => {
    // Large enough that pushing a section's lines with a spread call would overflow the stack.
    const report = largeReport(100_000);
    const start = performance.now();
    const text = render(report, { status: 'all' });
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 10_000, `took ${Math.round(elapsed)} ms`);
    const failing = report.findings.filter((f) => f.status === 'fail').length;
    // Per failing finding: check line, violation, fix line; plus resource lines. Passes add one row per check.
    assert.ok(
      lines(text).length < failing * 3 + (report.findings.length / 10) * 2 + 100,
      `${lines(text).length} lines`,
    );
    assert.ok(lines(text).some((l) => l.startsWith('  PAL-K8S-9000  high       ')));
  });
});
