import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Log, Result } from 'sarif';
import type { Finding, ScanReport } from '#core';
import type { CheckMeta } from '#posture';
import { FINDINGS, largeReport, SYNTHETIC_CWD, syntheticReport } from '#test/helpers/synthetic-report.ts';
import { githubProblems, sarifSchemaErrors } from '#test/helpers/validators.ts';
import { pascalCase, sarif, sarifRule } from './sarif.ts';

function render(report: ScanReport, status: 'fail' | 'all' = 'fail', cwd = SYNTHETIC_CWD): Log {
  return JSON.parse(sarif.render(report, { status, color: false, cwd })) as Log;
}

function results(log: Log): Result[] {
  return log.runs[0]!.results ?? [];
}

function withFindings(findings: readonly Finding[]): ScanReport {
  return { ...syntheticReport(), findings, diagnostics: [] };
}

describe('sarif format', () => {
  it('validates against the official SARIF 2.1.0 schema and meets GitHub code scanning constraints', () => {
    for (const status of ['fail', 'all'] as const) {
      const log = render(syntheticReport(), status);
      assert.deepEqual(sarifSchemaErrors(log), [], status);
      assert.deepEqual(githubProblems(log), [], status);
    }
  });

  it('the validators catch broken logs (so the test above can fail)', () => {
    const log = render(syntheticReport());
    const run = log.runs[0]!;
    const broken: Log = {
      ...log,
      runs: [{ ...run, results: [{ ...results(log)[0]!, ruleId: 'PAL-K8S-0000', locations: [] }] }],
    };
    assert.deepEqual(githubProblems(broken), [
      'result 0: ruleId PAL-K8S-0000 is not a rule of the driver',
      'result 0: no physical location URI',
      'result 0: startLine undefined is not ≥ 1',
    ]);
    assert.notDeepEqual(sarifSchemaErrors({ ...log, version: '2.0.0' }), []);
    assert.notDeepEqual(
      sarifSchemaErrors({ ...log, runs: [{ ...run, results: [{ ...results(log)[0]!, level: 'critical' }] }] }),
      [],
    );
  });

  it('writes the log header and one run with the driver', () => {
    const log = render(syntheticReport());
    assert.equal(log.version, '2.1.0');
    assert.equal(
      log.$schema,
      'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    );
    assert.equal(log.runs.length, 1);
    const { driver } = log.runs[0]!.tool;
    assert.equal(driver.name, 'palisade');
    assert.equal(driver.version, '9.9.9-test');
    assert.equal(driver.semanticVersion, '9.9.9-test');
    assert.equal(driver.informationUri, undefined, 'no project home page exists yet; do not invent one');
    assert.deepEqual(log.runs[0]!.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///work/repo/' } });
  });

  it('has one rule per check in the shown findings, sorted by id', () => {
    const rules = (status: 'fail' | 'all', findings: readonly Finding[]) =>
      render(withFindings(findings), status).runs[0]!.tool.driver.rules?.map((r) => r.id);
    assert.deepEqual(rules('fail', FINDINGS), [
      'PAL-K8S-9001',
      'PAL-K8S-9007',
      'PAL-K8S-9020',
      'PAL-K8S-9100',
      'PAL-OCP-9002',
    ]);
    // A check with only passing findings appears with --status all only.
    const passOnly = FINDINGS.filter((f) => f.status === 'pass');
    assert.deepEqual(rules('fail', passOnly), []);
    assert.deepEqual(rules('all', passOnly), ['PAL-K8S-9007']);
  });

  it('builds a rule from the finding when the check is unknown to this build', () => {
    const log = render(syntheticReport());
    assert.deepEqual(log.runs[0]!.tool.driver.rules?.[1], {
      id: 'PAL-K8S-9007',
      name: 'HostPorts',
      shortDescription: { text: 'Container binds a host port' },
      fullDescription: { text: 'Container binds a host port' },
      help: {
        text: 'Remove hostPort and expose the pod through a Service.\n\nMerge patch:\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n              hostPort: null',
        markdown:
          '**Fix:** Remove hostPort and expose the pod through a Service.\n\nMerge patch:\n\n```yaml\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n              hostPort: null\n```',
      },
      defaultConfiguration: { level: 'error' },
      properties: {
        tags: ['security', 'kubernetes', 'pss-baseline/host-ports', 'mitre-attack-containers/T1611'],
        'security-severity': '8.0',
        precision: 'high',
      },
    });
  });

  it('builds a rule from check metadata: description, help with steps and references, helpUri, precision', () => {
    const meta = {
      id: 'PAL-OCP-9002',
      slug: 'route-without-tls',
      title: 'Route serves plain HTTP',
      description: 'Traffic to a Route without TLS can be read and changed on the way.',
      severity: 'info',
      maturity: 'beta',
      targets: [{ kind: 'Route', apiGroup: 'route.openshift.io' }],
      frameworks: [{ framework: 'mcsb-v1', control: 'DP-3' }],
      remediation: { summary: 'Set spec.tls.termination on the Route.' },
      references: ['https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html'],
      scope: 'object',
      admission: true,
    } satisfies CheckMeta;
    const finding = FINDINGS.find((f) => f.checkId === 'PAL-OCP-9002')!;
    const rule = sarifRule(
      {
        ...finding,
        remediation: {
          summary: 'Set spec.tls.termination on the Route.',
          steps: ['Pick edge or reencrypt.'],
          command: 'oc create route edge web --service=web',
        },
      },
      meta,
    );
    assert.equal(rule.fullDescription?.text, meta.description);
    assert.equal(rule.helpUri, meta.references[0]);
    assert.equal(
      rule.help?.text,
      'Set spec.tls.termination on the Route.\n\nSteps:\n1. Pick edge or reencrypt.\n\nCommand:\noc create route edge web --service=web\n\nReferences:\n- https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html',
    );
    assert.equal(
      rule.help?.markdown,
      '**Fix:** Set spec.tls.termination on the Route.\n\n1. Pick edge or reencrypt.\n\nCommand:\n\n```sh\noc create route edge web --service=web\n```\n\nReferences:\n\n- <https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html>',
    );
    assert.deepEqual(rule.properties, {
      tags: ['security', 'kubernetes', 'openshift', 'mcsb-v1/DP-3'],
      'security-severity': '1.0',
      precision: 'high',
    });
    assert.equal(sarifRule(finding, { ...meta, maturity: 'stable' }).properties?.precision, 'very-high');
  });

  it('maps severity to level and security-severity', () => {
    const byRule = new Map(
      render(syntheticReport()).runs[0]!.tool.driver.rules!.map((r) => [
        r.id,
        `${r.defaultConfiguration?.level} ${r.properties?.['security-severity']}`,
      ]),
    );
    assert.deepEqual(Object.fromEntries(byRule), {
      'PAL-K8S-9001': 'error 9.5',
      'PAL-K8S-9007': 'error 8.0',
      'PAL-K8S-9020': 'warning 5.5',
      'PAL-K8S-9100': 'note 3.0',
      'PAL-OCP-9002': 'note 1.0',
    });
  });

  it('writes one result per failing finding, suppressed ones included, in report order', () => {
    const got = results(render(syntheticReport(), 'all')).map(
      (r) => `${r.ruleId}#${r.ruleIndex} ${r.level}${r.suppressions ? ` ${r.suppressions[0]!.kind}` : ''}`,
    );
    assert.deepEqual(got, [
      'PAL-K8S-9001#0 error',
      'PAL-K8S-9007#1 error',
      'PAL-K8S-9020#2 warning',
      'PAL-K8S-9007#1 error inSource',
      'PAL-K8S-9100#3 note external',
      'PAL-OCP-9002#4 note',
    ]);
  });

  it('renders a result exactly: location, logical location, fingerprint, violations', () => {
    const result = results(render(syntheticReport()))[0]!;
    assert.deepEqual(result, {
      ruleId: 'PAL-K8S-9001',
      ruleIndex: 0,
      level: 'error',
      message: {
        text: 'Deployment "shop/web": Container runs privileged: container "debug" sets securityContext.privileged=true.',
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'deploy/shop.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 12 },
          },
          logicalLocations: [{ name: 'web', fullyQualifiedName: 'Deployment/shop/web', kind: 'resource' }],
        },
      ],
      partialFingerprints: {
        'palisadeFingerprint/v1': createHash('sha256').update('PAL-K8S-9001|apps/Deployment/shop/web').digest('hex'),
      },
      properties: {
        severity: 'critical',
        resource: { kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'shop', name: 'web' },
        violations: [
          {
            path: 'spec.template.spec.containers[1].securityContext.privileged',
            message: 'container "debug" sets securityContext.privileged=true',
            container: 'debug',
          },
        ],
        exemptedViolations: [
          {
            path: 'spec.template.spec.initContainers[0].securityContext.privileged',
            message: 'init container "istio-init" sets securityContext.privileged=true',
            container: 'istio-init',
            justification: 'service mesh init container',
          },
        ],
      },
    });
  });

  it('records suppressions: annotation → inSource, config → external, with justification and expiry', () => {
    const [, , , annotated, configured] = results(render(syntheticReport()));
    assert.deepEqual(annotated!.suppressions, [
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'node debugging session approved by SRE (until 2030-12-31)',
        properties: { origin: 'metadata.annotations["palisade.io/ignore"]', expires: '2030-12-31' },
      },
    ]);
    assert.deepEqual(configured!.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'CI needs it until the pipeline split',
        properties: { origin: 'palisade.yaml: exemptions[0]' },
      },
    ]);
  });

  it('locates files relative to cwd, outside it as file URIs, standard input as "stdin"', () => {
    const cases: readonly { file: string; line?: number; column?: number; expected: object }[] = [
      {
        file: 'deploy/shop.yaml',
        line: 12,
        expected: { artifactLocation: { uri: 'deploy/shop.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12 } },
      },
      {
        file: '/work/repo/deploy/a b#1.yaml',
        line: 2,
        column: 5,
        expected: {
          artifactLocation: { uri: 'deploy/a%20b%231.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, startColumn: 5 },
        },
      },
      {
        file: '/srv/shared/rbac.yaml',
        line: 20,
        expected: { artifactLocation: { uri: 'file:///srv/shared/rbac.yaml' }, region: { startLine: 20 } },
      },
      {
        file: '../other/x.yaml',
        line: 1,
        expected: { artifactLocation: { uri: 'file:///work/other/x.yaml' }, region: { startLine: 1 } },
      },
      { file: '<stdin>', line: 3, expected: { artifactLocation: { uri: 'stdin' }, region: { startLine: 3 } } },
      // No line known (an object from a live cluster read): still a valid GitHub location.
      {
        file: 'deploy/x.yaml',
        expected: { artifactLocation: { uri: 'deploy/x.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      },
    ];
    const template = FINDINGS[1]!;
    for (const { file, line, column, expected } of cases) {
      const source = { file, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) };
      const log = render(withFindings([{ ...template, resource: { ...template.resource, source } }]));
      assert.deepEqual(results(log)[0]!.locations?.[0]?.physicalLocation, expected, file);
      assert.deepEqual(sarifSchemaErrors(log), [], file);
      assert.deepEqual(githubProblems(log), [], file);
    }
  });

  it('reports diagnostics and error findings as tool execution notifications', () => {
    const invocation = render(syntheticReport()).runs[0]!.invocations![0]!;
    assert.equal(invocation.executionSuccessful, true);
    const got = invocation.toolExecutionNotifications!.map((n) => ({
      level: n.level,
      id: n.descriptor?.id,
      rule: n.associatedRule?.id,
      location: n.locations?.[0]?.physicalLocation,
    }));
    assert.deepEqual(got, [
      {
        level: 'error',
        id: 'yaml.syntax',
        rule: undefined,
        location: {
          artifactLocation: { uri: 'deploy/shop.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 40, startColumn: 3 },
        },
      },
      {
        level: 'warning',
        id: 'exemption.expired',
        rule: undefined,
        location: { artifactLocation: { uri: 'palisade.yaml', uriBaseId: '%SRCROOT%' } },
      },
      {
        level: 'note',
        id: 'manifest.duplicate',
        rule: undefined,
        location: {
          artifactLocation: { uri: 'deploy/must-gather/configmaps.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 7 },
        },
      },
      {
        level: 'error',
        id: 'check.error',
        rule: 'PAL-K8S-9001',
        location: {
          artifactLocation: { uri: 'deploy/ops.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 30 },
        },
      },
    ]);
  });

  it('renders an empty report as a valid log with no results', () => {
    const log = render(withFindings([]));
    assert.deepEqual(results(log), []);
    assert.deepEqual(log.runs[0]!.tool.driver.rules, []);
    assert.deepEqual(sarifSchemaErrors(log), []);
  });

  it('turns slugs into PascalCase rule names', () => {
    const cases = [
      ['host-ports', 'HostPorts'],
      ['rbac-wildcard', 'RbacWildcard'],
      ['privileged', 'Privileged'],
      ['pss-v1-24-seccomp', 'PssV124Seccomp'],
    ] as const;
    for (const [slug, name] of cases) {
      assert.equal(pascalCase(slug), name);
    }
  });

  it('renders 100,000 findings within seconds', () => {
    const start = performance.now();
    const text = sarif.render(largeReport(100_000), { status: 'fail', color: false, cwd: SYNTHETIC_CWD });
    const elapsed = performance.now() - start;
    assert.ok(text.endsWith('}\n'));
    assert.ok(elapsed < 15_000, `took ${Math.round(elapsed)} ms`);
  });
});
