/**
 * A hand-built ScanReport for the report-format tests: it does not depend on which checks exist
 * or how they word their messages. Check IDs are in the 9xxx range, which no real check uses,
 * so rule metadata always comes from the findings themselves.
 * Covers: every severity, fail / suppressed (annotation and config, with and without expiry) /
 * container-level exemption / pass / not-applicable / error, a cluster-scoped resource, standard
 * input, an absolute path outside the working directory, and diagnostics of every level.
 */
import type { Diagnostic, Finding, Remediation, ScanReport } from '#core';

export const SYNTHETIC_CWD = '/work/repo';

const hostPortFix: Remediation = {
  summary: 'Remove hostPort and expose the pod through a Service.',
  kubernetesPatch:
    'spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n              hostPort: null\n',
};

const privilegedFix: Remediation = {
  summary: 'Set securityContext.privileged to false or remove it.',
  steps: ['Find why the container needs privileges.', 'Grant the one capability it needs instead.'],
};

const hostPorts = {
  checkId: 'PAL-K8S-9007',
  slug: 'host-ports',
  severity: 'high',
  title: 'Container binds a host port',
  frameworks: [
    { framework: 'pss-baseline', control: 'host-ports' },
    { framework: 'mitre-attack-containers', control: 'T1611' },
  ],
  remediation: hostPortFix,
} as const;

const privileged = {
  checkId: 'PAL-K8S-9001',
  slug: 'privileged-container',
  severity: 'critical',
  title: 'Container runs privileged',
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.2.2' }],
  remediation: privilegedFix,
} as const;

const wildcardRole = {
  checkId: 'PAL-K8S-9100',
  slug: 'rbac-wildcard',
  severity: 'low',
  title: 'Role grants wildcard permissions',
  frameworks: [{ framework: 'cis-kubernetes-1.9', control: '5.1.3' }],
  remediation: {
    summary: 'Replace wildcards with the resources and verbs the subject needs.',
    command: 'kubectl edit clusterrole ci-deployer',
  },
} as const;

const routeTls = {
  checkId: 'PAL-OCP-9002',
  slug: 'route-without-tls',
  severity: 'info',
  title: 'Route serves plain HTTP',
  frameworks: [{ framework: 'mcsb-v1', control: 'DP-3' }],
  remediation: { summary: 'Set spec.tls.termination on the Route.' },
} as const;

const limits = {
  checkId: 'PAL-K8S-9020',
  slug: 'missing-limits',
  severity: 'medium',
  title: 'Container has no memory limit',
  frameworks: [{ framework: 'mcsb-v1', control: 'PV-2' }],
  remediation: { summary: 'Set resources.limits.memory on every container.' },
} as const;

const web = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  namespace: 'shop',
  name: 'web',
  source: { file: 'deploy/shop.yaml', line: 12, document: 1 },
};

export const FINDINGS: readonly Finding[] = [
  {
    ...privileged,
    status: 'fail',
    message:
      'Deployment "shop/web": Container runs privileged: container "debug" sets securityContext.privileged=true.',
    resource: web,
    violations: [
      {
        path: 'spec.template.spec.containers[1].securityContext.privileged',
        message: 'container "debug" sets securityContext.privileged=true',
        container: 'debug',
        actual: true,
      },
    ],
    exemptedViolations: [
      {
        path: 'spec.template.spec.initContainers[0].securityContext.privileged',
        message: 'init container "istio-init" sets securityContext.privileged=true',
        container: 'istio-init',
        suppressed: { source: 'config', reason: 'service mesh init container', origin: 'palisade.yaml: exemptions[1]' },
      },
    ],
    fingerprint: 'PAL-K8S-9001|apps/Deployment/shop/web',
  },
  {
    ...hostPorts,
    status: 'fail',
    message: 'Deployment "shop/web": Container binds a host port: container "web" binds host port 8080.',
    resource: web,
    violations: [
      {
        path: 'spec.template.spec.containers[0].ports[0].hostPort',
        message: 'container "web" binds host port 8080',
        container: 'web',
        actual: 8080,
      },
    ],
    fingerprint: 'PAL-K8S-9007|apps/Deployment/shop/web',
  },
  {
    ...limits,
    status: 'fail',
    message: 'CronJob "ops/backup": Container has no memory limit: init container "prepare" has no memory limit.',
    resource: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      namespace: 'ops',
      name: 'backup',
      source: { file: 'deploy/jobs.yaml', line: 1, document: 0 },
    },
    violations: [
      {
        path: 'spec.jobTemplate.spec.template.spec.initContainers[0].resources.limits.memory',
        message: 'init container "prepare" has no memory limit',
        container: 'prepare',
      },
    ],
    fingerprint: 'PAL-K8S-9020|batch/CronJob/ops/backup',
  },
  {
    ...hostPorts,
    status: 'fail',
    message: 'Pod "shop/node-debugger": Container binds a host port: container "shell" binds host port 2222.',
    resource: {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: 'shop',
      name: 'node-debugger',
      source: { file: 'deploy/debug.yaml', line: 3, document: 0 },
    },
    violations: [
      {
        path: 'spec.containers[0].ports[0].hostPort',
        message: 'container "shell" binds host port 2222',
        container: 'shell',
        actual: 2222,
      },
    ],
    suppressed: {
      source: 'annotation',
      reason: 'node debugging session approved by SRE',
      expires: '2030-12-31',
      origin: 'metadata.annotations["palisade.io/ignore"]',
    },
    fingerprint: 'PAL-K8S-9007|/Pod/shop/node-debugger',
  },
  {
    ...wildcardRole,
    status: 'fail',
    message: 'ClusterRole "ci-deployer": Role grants wildcard permissions: rule 0 grants every verb on every resource.',
    resource: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      name: 'ci-deployer',
      source: { file: '/srv/shared/rbac.yaml', line: 20, column: 1, document: 2 },
    },
    violations: [{ path: 'rules[0]', message: 'rule 0 grants every verb on every resource' }],
    suppressed: {
      source: 'config',
      reason: 'CI needs it until the pipeline split',
      origin: 'palisade.yaml: exemptions[0]',
    },
    fingerprint: 'PAL-K8S-9100|rbac.authorization.k8s.io/ClusterRole//ci-deployer',
  },
  {
    ...routeTls,
    status: 'fail',
    message: 'Route "shop/web": Route serves plain HTTP: spec.tls is not set.',
    resource: {
      kind: 'Route',
      apiVersion: 'route.openshift.io/v1',
      namespace: 'shop',
      name: 'web',
      source: { file: '<stdin>', line: 3, document: 1 },
    },
    violations: [{ path: 'spec.tls', message: 'spec.tls is not set' }],
    fingerprint: 'PAL-OCP-9002|route.openshift.io/Route/shop/web',
  },
  {
    ...hostPorts,
    status: 'pass',
    message: 'Deployment "ops/api" passes: container binds a host port not found.',
    resource: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'ops',
      name: 'api',
      source: { file: 'deploy/ops.yaml', line: 1, document: 0 },
    },
    violations: [],
    fingerprint: 'PAL-K8S-9007|apps/Deployment/ops/api',
  },
  {
    ...privileged,
    status: 'not-applicable',
    message: 'Deployment "ops/api": not applicable (Windows pod).',
    resource: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'ops',
      name: 'api',
      source: { file: 'deploy/ops.yaml', line: 1, document: 0 },
    },
    violations: [],
    reason: 'Windows pod',
    fingerprint: 'PAL-K8S-9001|apps/Deployment/ops/api',
  },
  {
    ...privileged,
    status: 'error',
    message: 'StatefulSet "ops/db": check could not run: spec.template.spec.containers is required.',
    resource: {
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      namespace: 'ops',
      name: 'db',
      source: { file: 'deploy/ops.yaml', line: 30, document: 1 },
    },
    violations: [],
    reason: 'spec.template.spec.containers is required',
    fingerprint: 'PAL-K8S-9001|apps/StatefulSet/ops/db',
  },
];

export const DIAGNOSTICS: readonly Diagnostic[] = [
  {
    level: 'error',
    code: 'yaml.syntax',
    message: 'document 3 is not valid YAML and was skipped: Missing closing "quote',
    location: { file: 'deploy/shop.yaml', line: 40, column: 3 },
  },
  {
    level: 'warning',
    code: 'exemption.expired',
    message: 'exemptions[2] expired on 2024-01-31 and no longer applies (old migration)',
    location: { file: 'palisade.yaml', path: 'exemptions[2].expires' },
  },
  {
    level: 'info',
    code: 'manifest.duplicate',
    message: 'ConfigMap "shop/settings" was read twice and kept once',
    location: { file: `${SYNTHETIC_CWD}/deploy/must-gather/configmaps.yaml`, line: 7 },
  },
];

/** The full report (every status), with a summary consistent with FINDINGS and DIAGNOSTICS. */
export function syntheticReport(): ScanReport {
  return {
    schemaVersion: '1.0',
    tool: { name: 'palisade', version: '9.9.9-test' },
    summary: {
      resources: 7,
      checks: 5,
      files: 5,
      findings: { pass: 1, fail: 6, 'not-applicable': 1, error: 1, indeterminate: 0 },
      failed: { critical: 1, high: 1, medium: 1, low: 0, info: 1 },
      suppressed: 2,
      unknownKinds: { Service: 2, ConfigMap: 1 },
      diagnostics: { error: 1, warning: 1, info: 1 },
      pssVersion: 'v1.35',
      frameworks: ['pss-restricted', 'cis-kubernetes-1.9'],
    },
    findings: FINDINGS,
    diagnostics: DIAGNOSTICS,
  };
}

/** A large report for performance tests: `count` failing findings over count/10 resources. */
export function largeReport(count: number): ScanReport {
  const base = syntheticReport();
  const findings: Finding[] = [];
  const template = FINDINGS[1]!;
  for (let i = 0; i < count; i++) {
    const name = `web-${Math.floor(i / 10)}`;
    findings.push({
      ...template,
      status: i % 3 === 0 ? 'pass' : 'fail',
      checkId: `PAL-K8S-9${String(i % 10).padStart(3, '0')}`,
      message: `Deployment "shop/${name}": Container binds a host port: container "web" binds host port ${8000 + (i % 10)}.`,
      resource: { ...template.resource, name, source: { file: `deploy/${name}.yaml`, line: 1, document: 0 } },
      violations: i % 3 === 0 ? [] : template.violations,
      fingerprint: `PAL-K8S-9${String(i % 10).padStart(3, '0')}|apps/Deployment/shop/${name}`,
    });
  }
  return { ...base, findings };
}
