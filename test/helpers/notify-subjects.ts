/**
 * Subjects and an action context for the notification tests: an alert as `palisade detect` writes
 * it (PAL-TD-0001, exec into a pod) and failed findings as `palisade scan` reports them (a
 * Kubernetes workload with host ports, an Azure storage account that accepts HTTP).
 */
import type { Alert, Finding } from '#core';
import { silentLogger } from '#core';
import { subjectFromAlert, subjectFromFinding } from '../../src/automation/subject.ts';
import {
  type ActionContext,
  ActionError,
  type ActionInput,
  type AlertSubject,
  type FindingSubject,
  type HttpPoster,
} from '../../src/automation/types.ts';

export function execAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    schemaVersion: 1,
    id: 'a1b2c3d4e5f60718',
    ruleId: 'PAL-TD-0001',
    title: 'Exec into a pod',
    severity: 'medium',
    message:
      'Exec into pod shop/web-7d9f8-abcde by alice@example.com (code=101) user=alice@example.com verb=create resource=pods/exec namespace=shop name=web-7d9f8-abcde sourceIPs=203.0.113.7',
    mitre: { tactic: 'TA0002', technique: 'T1609' },
    count: 3,
    firstSeen: '2025-03-14T09:26:53.000Z',
    lastSeen: '2025-03-14T09:31:02.000Z',
    actor: {
      user: 'alice@example.com',
      groups: ['system:authenticated', 'dev'],
      sourceIPs: ['203.0.113.7'],
      userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    },
    target: { verb: 'create', resource: 'pods/exec', namespace: 'shop', name: 'web-7d9f8-abcde' },
    evidence: { auditIds: ['5f3c1b2a-0d7e-4a8b-9c61-2e4f6a8b0c1d'], omitted: 2 },
    remediation: [
      'Confirm the session was expected. Grant pods/exec only to break-glass roles, and prefer ephemeral debug containers with audited approval.',
    ],
    final: true,
    ...overrides,
  };
}

export function hostPortFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    checkId: 'PAL-K8S-0005',
    slug: 'host-ports',
    status: 'fail',
    severity: 'medium',
    title: 'Container binds a host port',
    message: 'Deployment "shop/web" has a container that binds host port 8080.',
    resource: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'shop',
      name: 'web',
      source: { file: 'deploy/web.yaml', line: 12, document: 0 },
    },
    violations: [
      {
        path: 'spec.template.spec.containers[0].ports[0].hostPort',
        message: 'container "web" binds host port 8080',
        container: 'web',
        actual: 8080,
      },
    ],
    frameworks: [],
    remediation: {
      summary: 'Remove hostPort and expose the container through a Service.',
      command:
        'oc patch deployment web -n shop --type=json -p \'[{"op":"remove","path":"/spec/template/spec/containers/0/ports/0/hostPort"}]\'',
    },
    fingerprint: '9c0e4b7d2a61f835',
    ...overrides,
  };
}

export const STORAGE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/stprod01';

export function httpsOnlyFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    checkId: 'PAL-AZR-0101',
    slug: 'storage-https-only',
    status: 'fail',
    severity: 'high',
    title: 'Storage account accepts unencrypted HTTP requests',
    message: 'Storage account "stprod01" accepts requests over plain HTTP (supportsHttpsTrafficOnly is false).',
    resource: {
      kind: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-05-01',
      name: 'stprod01',
      id: STORAGE_ID,
    },
    violations: [
      { path: 'properties.supportsHttpsTrafficOnly', message: 'supportsHttpsTrafficOnly is false', actual: false },
    ],
    frameworks: [],
    remediation: {
      summary: 'Set supportsHttpsTrafficOnly to true.',
      azureCli: 'az storage account update --name stprod01 --resource-group rg-prod --https-only true',
      armPatch: '{"properties":{"supportsHttpsTrafficOnly":true}}',
      armApiVersion: '2023-05-01',
    },
    fingerprint: '4d1f0a9e7b3c2e58',
    ...overrides,
  };
}

export const alertSubject = (overrides: Partial<Alert> = {}): AlertSubject => subjectFromAlert(execAlert(overrides));
export const k8sFindingSubject = (overrides: Partial<Finding> = {}): FindingSubject =>
  subjectFromFinding(hostPortFinding(overrides));
export const azureFindingSubject = (overrides: Partial<Finding> = {}): FindingSubject =>
  subjectFromFinding(httpsOnlyFinding(overrides));

/** An action input for `params` and `subject` (rule "notify-on-call"). */
export function notifyInput<P>(params: P, subject: AlertSubject | FindingSubject, dryRun = false): ActionInput<P> {
  return { params, subject, target: subject.target, rule: 'notify-on-call', dryRun, attempt: 1, state: {} };
}

/** A context with the given poster and environment; Kubernetes and Azure are not configured. */
export function notifyContext(http: HttpPoster, env: Record<string, string | undefined> = {}): ActionContext {
  return {
    kube: () => Promise.reject(new ActionError('no cluster is configured')),
    arm: () => Promise.reject(new ActionError('Azure is not configured')),
    http,
    logger: silentLogger,
    now: () => new Date('2025-03-14T09:32:00.000Z'),
    env,
    runId: 'run-20250314-0932-7f3a',
  };
}

/** A poster that records calls and fails the test if anything is posted (dry-run). */
export function recordingPoster(): HttpPoster & { calls: { url: string; body: unknown }[] } {
  const calls: { url: string; body: unknown }[] = [];
  return {
    calls,
    async post(url, body) {
      calls.push({ url, body });
      return { status: 200, body: 'ok' };
    },
  };
}
