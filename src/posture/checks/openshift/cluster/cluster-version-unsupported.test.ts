import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { OPENSHIFT_LIFECYCLE, supportStatus } from '../../../lib/openshift-versions.ts';
import { clusterVersionUnsupported } from './cluster-version-unsupported.ts';

const clusterVersion = (channel: string | undefined, version: string | undefined) => `
apiVersion: config.openshift.io/v1
kind: ClusterVersion
metadata: { name: version }
spec:
  clusterID: 3c9e0f4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f
${channel === undefined ? '' : `  channel: "${channel}"`}
${version === undefined ? '' : `status:\n  desired:\n    version: "${version}"`}
`;

const ARO_NAMESPACE = `---
apiVersion: v1
kind: Namespace
metadata: { name: openshift-azure-operator }
`;

function only(text: string, file?: string): Finding {
  const findings = runCheckOn(clusterVersionUnsupported, text, undefined, file).filter(
    (f) => f.resource.kind === 'ClusterVersion',
  );
  assert.equal(findings.length, 1);
  return findings[0] as Finding;
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  { name: 'ARO on stable-4.20 passes', yaml: clusterVersion('stable-4.20', '4.20.8') + ARO_NAMESPACE, status: 'pass' },
  {
    name: 'a stable channel of a later minor (prepared update) passes',
    yaml: clusterVersion('stable-4.21', '4.20.8'),
    status: 'pass',
  },
  {
    name: 'a minor newer than the table is supported',
    yaml: clusterVersion('stable-4.23', '4.23.1'),
    status: 'pass',
  },
  {
    name: 'OpenShift on eus-4.18 is supported until the end of its EUS term',
    yaml: clusterVersion('eus-4.18', '4.18.30'),
    status: 'pass',
  },
  {
    name: 'OpenShift 4.18 on a stable channel is past maintenance support',
    yaml: clusterVersion('stable-4.18', '4.18.30'),
    status: 'fail',
    violations: [
      {
        path: 'status.desired.version',
        message:
          'OpenShift 4.18 left maintenance support on 2026-08-25 (Red Hat OpenShift life cycle as of 2026-11-23); the oldest supported minor is 4.19',
        actual: '4.18.30',
      },
    ],
  },
  {
    name: 'ARO gets no EUS extension, and an eus channel is not supported on ARO',
    yaml: clusterVersion('eus-4.18', '4.18.30') + ARO_NAMESPACE,
    status: 'fail',
    violations: [
      {
        path: 'status.desired.version',
        message:
          'OpenShift 4.18 left maintenance support on 2026-08-25 (Red Hat OpenShift life cycle as of 2026-11-23); the oldest supported minor is 4.19',
        actual: '4.18.30',
      },
      {
        path: 'spec.channel',
        message: 'spec.channel is "eus-4.18", but Azure Red Hat OpenShift supports stable channels only (stable-4.18)',
        actual: 'eus-4.18',
      },
    ],
  },
  {
    name: 'a minor older than the table is out of support',
    yaml: clusterVersion('stable-4.11', '4.11.59'),
    status: 'fail',
    violations: [
      {
        path: 'status.desired.version',
        message:
          'OpenShift 4.11 is older than 4.12 and out of support (Red Hat OpenShift life cycle as of 2026-11-23); the oldest supported minor is 4.19',
        actual: '4.11.59',
      },
    ],
  },
  {
    name: 'a fast channel fails',
    yaml: clusterVersion('fast-4.21', '4.21.3'),
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message:
          'spec.channel is "fast-4.21", a channel not meant for production clusters; use a stable or eus channel (stable-4.21)',
        actual: 'fast-4.21',
      },
    ],
  },
  {
    name: 'a candidate channel on ARO fails with the ARO rule',
    yaml: clusterVersion('candidate-4.21', '4.21.3') + ARO_NAMESPACE,
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message:
          'spec.channel is "candidate-4.21", a channel not meant for production clusters; Azure Red Hat OpenShift supports stable channels only (stable-4.21)',
        actual: 'candidate-4.21',
      },
    ],
  },
  {
    name: 'an absent channel fails: no update recommendations',
    yaml: clusterVersion(undefined, '4.19.22'),
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message: 'spec.channel is not set, so the cluster version operator recommends no updates; set stable-4.19',
      },
    ],
  },
  {
    name: 'an eus channel of an odd minor does not exist',
    yaml: clusterVersion('eus-4.19', '4.19.22'),
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message:
          'spec.channel is "eus-4.19", but Extended Update Support channels exist only for even minors, so the cluster gets no update recommendations',
        actual: 'eus-4.19',
      },
    ],
  },
  {
    name: 'a channel older than the running minor fails',
    yaml: clusterVersion('stable-4.19', '4.20.8'),
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message:
          'spec.channel is "stable-4.19", older than the running 4.20, so it does not contain the cluster\'s release and recommends no updates; set stable-4.20',
        actual: 'stable-4.19',
      },
    ],
  },
  {
    name: 'an ARO aro.openshift.io object also marks the cluster as ARO',
    yaml: `${clusterVersion('eus-4.20', '4.20.8')}---
apiVersion: aro.openshift.io/v1alpha1
kind: Cluster
metadata: { name: cluster }
spec: {}
`,
    status: 'fail',
    violations: [
      {
        path: 'spec.channel',
        message: 'spec.channel is "eus-4.20", but Azure Red Hat OpenShift supports stable channels only (stable-4.20)',
        actual: 'eus-4.20',
      },
    ],
  },
];

describe('cluster-version-unsupported', () => {
  for (const c of cases) {
    it(c.name, () => {
      const finding = only(c.yaml);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }

  it('is indeterminate without status.desired.version (a manifest or an export without status)', () => {
    const finding = only(clusterVersion('stable-4.20', undefined));
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'status.desired.version is not set, so the running version is unknown; export the live object with oc get clusterversion version -o yaml',
    );
  });

  it('is indeterminate on a version that is not a number', () => {
    const finding = only(clusterVersion('stable-4.20', 'latest'));
    assert.equal(finding.status, 'indeterminate');
    assert.equal(finding.reason, 'status.desired.version "latest" is not a version number');
  });

  it('renders its remediation', () => {
    const finding = only(clusterVersion('fast-4.21', '4.21.3'));
    assert.equal(finding.remediation.command, 'oc adm upgrade channel stable-<x.y>');
    assert.equal(finding.remediation.kubernetesPatch, 'spec:\n  channel: stable-<x.y>\n');
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterVersion',
      metadata: { name: 'version' },
      spec: { channel: 'stable-4.17' },
      status: { desired: { version: '4.17.40' }, history: [{ state: 'Completed', version: '4.17.40' }] },
    });
    const finding = only(json, 'a.json');
    assert.equal(finding.status, 'fail');
    assert.equal(
      finding.violations[0]?.message,
      'OpenShift 4.17 left maintenance support on 2026-04-01 (Red Hat OpenShift life cycle as of 2026-11-23); the oldest supported minor is 4.19',
    );
  });

  it('the lifecycle table is sorted, dated and complete between its first and last minor', () => {
    const minors = OPENSHIFT_LIFECYCLE.minors.map((m) => Number(m.minor.split('.')[1]));
    assert.deepEqual(
      minors,
      minors.map((_, i) => (minors[0] ?? 0) + i),
    );
    for (const m of OPENSHIFT_LIFECYCLE.minors) {
      assert.ok(m.ga < m.maintenanceEnds, m.minor);
      assert.ok(m.eusEnds === undefined || m.eusEnds > m.maintenanceEnds, m.minor);
      assert.equal(m.eusEnds !== undefined, Number(m.minor.split('.')[1]) % 2 === 0, m.minor);
    }
    assert.match(OPENSHIFT_LIFECYCLE.asOf, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('supportStatus: the window as of the table date', () => {
    assert.deepEqual(supportStatus({ major: 4, minor: 19 }, false), { supported: true });
    assert.deepEqual(supportStatus({ major: 4, minor: 18 }, true), { supported: true });
    assert.deepEqual(supportStatus({ major: 4, minor: 16 }, true), {
      supported: false,
      reason: 'OpenShift 4.16 left Extended Update Support on 2026-06-27',
      oldestSupported: '4.18',
    });
    assert.deepEqual(supportStatus({ major: 5, minor: 0 }, false), { supported: true });
  });

  it('settings.openshiftSupport.oldestSupportedMinor wins over the life cycle table, both ways', () => {
    const fail = runCheckOn(clusterVersionUnsupported, clusterVersion('stable-4.19', '4.19.22'), {
      openshiftSupport: { oldestSupportedMinor: '4.20' },
    })[0];
    assert.equal(fail?.status, 'fail');
    assert.deepEqual(fail?.violations, [
      {
        path: 'status.desired.version',
        message:
          'OpenShift 4.19 is older than 4.20, the oldest supported minor (settings.openshiftSupport.oldestSupportedMinor in the config)',
        actual: '4.19.22',
      },
    ]);
    // 4.18 on a stable channel is past maintenance support by the table; the config accepts it.
    const pass = runCheckOn(clusterVersionUnsupported, clusterVersion('stable-4.18', '4.18.30'), {
      openshiftSupport: { oldestSupportedMinor: '4.18' },
    })[0];
    assert.equal(pass?.status, 'pass');
  });

  it('settings.openshiftSupport.asOf judges the table as of that date', () => {
    const later = runCheckOn(clusterVersionUnsupported, clusterVersion('stable-4.19', '4.19.22'), {
      openshiftSupport: { asOf: '2027-01-10' },
    })[0];
    assert.equal(later?.status, 'fail');
    assert.equal(
      later?.violations[0]?.message,
      'OpenShift 4.19 left maintenance support on 2026-12-17 (Red Hat OpenShift life cycle as of 2027-01-10 from settings.openshiftSupport.asOf in the config); the oldest supported minor is 4.20',
    );
    const earlier = runCheckOn(clusterVersionUnsupported, clusterVersion('stable-4.17', '4.17.40'), {
      openshiftSupport: { asOf: '2026-03-31' },
    })[0];
    assert.equal(earlier?.status, 'pass');
  });
});
