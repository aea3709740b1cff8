import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REPORT_SCHEMA_VERSION, type ScanReport } from '#core';
import { largeReport, SYNTHETIC_CWD, syntheticReport } from '#test/helpers/synthetic-report.ts';
import {
  REPORT_DOC_PATH,
  REPORT_SCHEMA_PATH,
  readJson,
  readReportDoc,
  reportSchemaErrors,
} from '#test/helpers/validators.ts';
import { json } from './json.ts';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function render(report: ScanReport, status: 'fail' | 'all'): string {
  return json.render(report, { status, color: false, cwd: SYNTHETIC_CWD });
}

function parse(text: string): { [key: string]: JsonValue } {
  return JSON.parse(text) as { [key: string]: JsonValue };
}

function findingsOf(doc: { [key: string]: JsonValue }): { [key: string]: JsonValue }[] {
  return doc.findings as { [key: string]: JsonValue }[];
}

describe('json format', () => {
  it('prints failing and error findings by default, every finding with --status all', () => {
    const cases = [
      {
        status: 'fail' as const,
        expected: [
          'PAL-K8S-9001 fail',
          'PAL-K8S-9007 fail',
          'PAL-K8S-9020 fail',
          'PAL-K8S-9007 fail suppressed',
          'PAL-K8S-9100 fail suppressed',
          'PAL-OCP-9002 fail',
          'PAL-K8S-9001 error',
        ],
      },
      {
        status: 'all' as const,
        expected: [
          'PAL-K8S-9001 fail',
          'PAL-K8S-9007 fail',
          'PAL-K8S-9020 fail',
          'PAL-K8S-9007 fail suppressed',
          'PAL-K8S-9100 fail suppressed',
          'PAL-OCP-9002 fail',
          'PAL-K8S-9007 pass',
          'PAL-K8S-9001 not-applicable',
          'PAL-K8S-9001 error',
        ],
      },
    ];
    for (const { status, expected } of cases) {
      const doc = parse(render(syntheticReport(), status));
      const got = findingsOf(doc).map((f) => `${f.checkId} ${f.status}${f.suppressed ? ' suppressed' : ''}`);
      assert.deepEqual(got, expected, status);
      // The summary always counts every finding.
      assert.deepEqual((doc.summary as { findings: JsonValue }).findings, {
        pass: 1,
        fail: 6,
        'not-applicable': 1,
        indeterminate: 0,
        error: 1,
      });
    }
  });

  it('writes the documented top-level, summary and finding keys in contract order', () => {
    const doc = parse(render(syntheticReport(), 'all'));
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'tool', 'summary', 'findings', 'diagnostics']);
    assert.deepEqual(Object.keys(doc.summary as object), [
      'resources',
      'checks',
      'files',
      'findings',
      'failed',
      'suppressed',
      'unknownKinds',
      'diagnostics',
      'pssVersion',
      'frameworks',
    ]);
    assert.deepEqual(Object.keys((doc.summary as { failed: object }).failed), [
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]);
    // Unknown kinds are sorted by name whatever order the scan found them in.
    assert.deepEqual(Object.keys((doc.summary as { unknownKinds: object }).unknownKinds), ['ConfigMap', 'Service']);
    const first = findingsOf(doc)[0]!;
    assert.deepEqual(Object.keys(first), [
      'checkId',
      'slug',
      'status',
      'severity',
      'title',
      'message',
      'resource',
      'violations',
      'frameworks',
      'remediation',
      'exemptedViolations',
      'fingerprint',
    ]);
  });

  it('renders a failing finding exactly, optional fields left out', () => {
    const doc = parse(render(syntheticReport(), 'fail'));
    assert.deepEqual(findingsOf(doc)[1], {
      checkId: 'PAL-K8S-9007',
      slug: 'host-ports',
      status: 'fail',
      severity: 'high',
      title: 'Container binds a host port',
      message: 'Deployment "shop/web": Container binds a host port: container "web" binds host port 8080.',
      resource: {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        namespace: 'shop',
        name: 'web',
        source: { file: 'deploy/shop.yaml', line: 12, document: 1 },
      },
      violations: [
        {
          path: 'spec.template.spec.containers[0].ports[0].hostPort',
          message: 'container "web" binds host port 8080',
          container: 'web',
          actual: 8080,
        },
      ],
      frameworks: [
        { framework: 'pss-baseline', control: 'host-ports' },
        { framework: 'mitre-attack-containers', control: 'T1611' },
      ],
      remediation: {
        summary: 'Remove hostPort and expose the pod through a Service.',
        kubernetesPatch:
          'spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n              hostPort: null\n',
      },
      fingerprint: 'PAL-K8S-9007|apps/Deployment/shop/web',
    });
  });

  it('marks suppressed findings with source, reason, expiry and origin; error and n/a findings with a reason', () => {
    const findings = findingsOf(parse(render(syntheticReport(), 'all')));
    assert.deepEqual(findings[3]!.suppressed, {
      source: 'annotation',
      reason: 'node debugging session approved by SRE',
      expires: '2030-12-31',
      origin: 'metadata.annotations["palisade.io/ignore"]',
    });
    assert.deepEqual(findings[4]!.suppressed, {
      source: 'config',
      reason: 'CI needs it until the pipeline split',
      origin: 'palisade.yaml: exemptions[0]',
    });
    assert.equal(findings[7]!.reason, 'Windows pod');
    assert.equal(findings[8]!.reason, 'spec.template.spec.containers is required');
    assert.deepEqual(findings[0]!.exemptedViolations, [
      {
        path: 'spec.template.spec.initContainers[0].securityContext.privileged',
        message: 'init container "istio-init" sets securityContext.privileged=true',
        container: 'istio-init',
        suppressed: { source: 'config', reason: 'service mesh init container', origin: 'palisade.yaml: exemptions[1]' },
      },
    ]);
  });

  it('never writes null for an absent field', () => {
    const nulls: string[] = [];
    const walk = (value: JsonValue, path: string): void => {
      if (value === null) {
        nulls.push(path);
      } else if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) {
          walk(v, `${path}[${i}]`);
        }
      } else if (typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          walk(v, `${path}.${k}`);
        }
      }
    };
    walk(parse(render(syntheticReport(), 'all')), '$');
    assert.deepEqual(nulls, []);
  });

  it('is deterministic, 2-space indented and ends with one newline', () => {
    const a = render(syntheticReport(), 'all');
    assert.equal(a, render(syntheticReport(), 'all'));
    assert.ok(a.startsWith('{\n  "schemaVersion": "1.0",\n  "tool": {\n    "name": "palisade",'));
    assert.ok(a.endsWith('}\n') && !a.endsWith('\n\n'));
  });

  it('validates against docs/reference/report.schema.json with both filters', () => {
    for (const status of ['fail', 'all'] as const) {
      assert.deepEqual(reportSchemaErrors(parse(render(syntheticReport(), status))), [], status);
    }
  });

  it('the schema rejects what the contract forbids', () => {
    const valid = parse(render(syntheticReport(), 'fail'));
    const finding = findingsOf(valid)[0]!;
    const cases: readonly { name: string; doc: JsonValue }[] = [
      { name: 'unknown top-level field', doc: { ...valid, extra: 1 } },
      { name: 'null optional field', doc: { ...valid, findings: [{ ...finding, reason: null }] } },
      { name: 'missing checkId', doc: { ...valid, findings: [{ ...finding, checkId: undefined as never }] } },
      { name: 'bad status', doc: { ...valid, findings: [{ ...finding, status: 'failed' }] } },
      {
        name: 'bad expiry',
        doc: {
          ...valid,
          findings: [{ ...finding, suppressed: { source: 'config', reason: 'r', origin: 'o', expires: '31/12/2030' } }],
        },
      },
      { name: 'schema version 2', doc: { ...valid, schemaVersion: '2.0' } },
    ];
    for (const { name, doc } of cases) {
      assert.notDeepEqual(reportSchemaErrors(JSON.parse(JSON.stringify(doc))), [], name);
    }
  });

  it('renders 100,000 findings in linear time', () => {
    const small = largeReport(10_000);
    const large = largeReport(100_000);
    const time = (report: ScanReport): number => {
      const start = performance.now();
      render(report, 'all');
      return performance.now() - start;
    };
    time(small); // warm-up
    const tSmall = time(small);
    const tLarge = time(large);
    assert.ok(tLarge < 10_000, `100,000 findings took ${Math.round(tLarge)} ms`);
    // Ten times the findings should cost about ten times as much; allow generous noise.
    assert.ok(tLarge < tSmall * 30 + 200, `10k: ${Math.round(tSmall)} ms, 100k: ${Math.round(tLarge)} ms`);
  });
});

/** Every field path the schema defines: `a.b`, `a[].b`, `a.*` for maps. A $def is expanded once. */
function schemaFields(schema: { $defs?: Record<string, unknown> }): string[] {
  const out: string[] = [];
  const expanded = new Set<string>();
  const resolve = (node: Record<string, unknown>): Record<string, unknown> | undefined => {
    const ref = node.$ref;
    if (typeof ref !== 'string') {
      return node;
    }
    const name = ref.replace('#/$defs/', '');
    if (expanded.has(name)) {
      return undefined;
    }
    expanded.add(name);
    return schema.$defs?.[name] as Record<string, unknown>;
  };
  const walk = (raw: unknown, prefix: string): void => {
    if (typeof raw !== 'object' || raw === null) {
      return;
    }
    const node = resolve(raw as Record<string, unknown>);
    if (!node) {
      return;
    }
    for (const [name, child] of Object.entries((node.properties as Record<string, unknown>) ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      out.push(path);
      walk(child, path);
    }
    if (typeof node.additionalProperties === 'object') {
      const path = `${prefix}.*`;
      out.push(path);
      walk(node.additionalProperties, path);
    }
    if (node.items) {
      walk(node.items, `${prefix}[]`);
    }
  };
  walk(schema, '');
  return out;
}

/** The field paths of the doc's field tables (first cell of each row, in backticks). */
function documentedFields(doc: string): string[] {
  return [...doc.matchAll(/^\| `(?<field>[^`]+)` \|/gm)].map((m) => m.groups!.field!);
}

describe('report JSON documentation', () => {
  const schema = readJson(REPORT_SCHEMA_PATH) as { $defs?: Record<string, unknown> };
  const doc = readReportDoc();

  it('documents every field the schema has', () => {
    const documented = new Set(documentedFields(doc));
    const missing = schemaFields(schema).filter((field) => !documented.has(field));
    assert.deepEqual(missing, [], `add these fields to ${REPORT_DOC_PATH}`);
  });

  it('documents no field the schema lacks', () => {
    const known = new Set(schemaFields(schema));
    assert.deepEqual(
      documentedFields(doc).filter((field) => !known.has(field)),
      [],
    );
  });

  it('the walker sees nested, array and map fields (so the two tests above can fail)', () => {
    const fields = schemaFields(schema);
    for (const field of [
      'tool.version',
      'summary.unknownKinds.*',
      'findings[].resource.source.line',
      'findings[].suppressed.expires',
      'diagnostics[].location.path',
    ]) {
      assert.ok(fields.includes(field), field);
    }
  });

  it('the example validates against the schema', () => {
    const match = /```json\n(?<body>[\s\S]*?)\n```/.exec(doc);
    assert.ok(match?.groups?.body, 'the doc has a ```json example');
    assert.deepEqual(reportSchemaErrors(JSON.parse(match.groups.body)), []);
  });

  it('states the current schema version', () => {
    assert.ok(doc.includes(`The current version is \`${REPORT_SCHEMA_VERSION}\`.`));
    assert.deepEqual(
      reportSchemaErrors({ ...parse(render(syntheticReport(), 'fail')), schemaVersion: REPORT_SCHEMA_VERSION }),
      [],
    );
    assert.ok(readFileSync(REPORT_SCHEMA_PATH, 'utf8').includes('"pattern": "^1\\\\.[0-9]+$"'));
  });
});

describe('renderJsonText', () => {
  it('is byte-identical to stringifying the whole contract object', async () => {
    const { renderJsonText: render, toJsonReport: toJson } = await import('./json.ts');
    for (const report of [syntheticReport(), largeReport(2000)]) {
      for (const status of ['fail', 'all'] as const) {
        assert.equal(render(report, status), `${JSON.stringify(toJson(report, status), null, 2)}\n`);
        assert.equal(
          render({ ...report, findings: [] }, status),
          `${JSON.stringify(toJson({ ...report, findings: [] }, status), null, 2)}\n`,
        );
      }
    }
  });

  it('is not fooled by finding text that looks like its placeholders', async () => {
    const { renderJsonText: render, toJsonReport: toJson } = await import('./json.ts');
    const base = syntheticReport();
    const first = base.findings[0];
    assert.ok(first);
    const hostile = {
      ...base,
      summary: { ...base.summary, unknownKinds: { '\u0000findings': 1 } },
      findings: [{ ...first, status: 'fail' as const, message: '\u00000', reason: '"frameworks": "\u00000"' }],
    };
    assert.equal(render(hostile, 'all'), `${JSON.stringify(toJson(hostile, 'all'), null, 2)}\n`);
  });
});
