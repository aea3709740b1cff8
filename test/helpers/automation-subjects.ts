/**
 * Subjects, inputs and an action context for the Kubernetes action tests: alerts as `palisade
 * detect` writes them about one object (an audit alert, or a Falco alert with the node's hostname)
 * and failed findings as `palisade scan` reports them, turned into subjects by subject.ts; and a
 * harness that starts the Kubernetes-API-shaped test server with a real client for each test.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, Finding, ResourceRef } from '#core';
import { silentLogger } from '#core';
import { createHttpPoster } from '../../src/automation/http.ts';
import { createKubeClient } from '../../src/automation/kube.ts';
import { subjectFromAlert, subjectFromFinding } from '../../src/automation/subject.ts';
import {
  type ActionContext,
  ActionError,
  type ActionInput,
  type AlertSubject,
  type FindingSubject,
  type KubeClient,
  type Subject,
  type UndoInput,
} from '../../src/automation/types.ts';
import { type KubeObjectsApi, startKubeObjectsApi } from './kube-objects-api.ts';
import { makeServingCerts } from './tls.ts';

export interface AlertTargetSpec {
  /** RBAC resource, e.g. `pods/exec`, `nodes`, `deployments`. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name: string;
  readonly verb?: string;
  /** A Falco event's hostname (the node the pod runs on). */
  readonly hostname?: string;
}

/** A final alert of PAL-TD-0001 (exec into a pod) about `target`; `overrides` replace fields. */
export function alertFor(target: AlertTargetSpec, overrides: Partial<Alert> = {}): Alert {
  const ns = target.namespace ?? '';
  return {
    schemaVersion: 1,
    id: `alert-${ns || 'cluster'}-${target.name}`,
    ruleId: 'PAL-TD-0001',
    title: 'Exec into a pod',
    severity: 'high',
    message: `Exec into pod ${ns}/${target.name} by mallory@example.com (code=101)`,
    mitre: { tactic: 'TA0002', technique: 'T1609' },
    count: 1,
    firstSeen: '2025-05-02T10:00:00.000Z',
    lastSeen: '2025-05-02T10:00:00.000Z',
    actor: {
      user: 'mallory@example.com',
      groups: ['system:authenticated'],
      sourceIPs: ['198.51.100.23'],
      userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    },
    target: { verb: target.verb ?? 'create', resource: target.resource, namespace: ns, name: target.name },
    evidence: {
      auditIds: target.hostname ? [] : ['0e0c8f0a-4a43-4bd8-9f0e-6d0c2f1b9a77'],
      ...(target.hostname
        ? {
            falcoEvents: [
              { rule: 'Terminal shell in container', time: '2025-05-02T10:00:00.000Z', hostname: target.hostname },
            ],
          }
        : {}),
      omitted: 0,
    },
    remediation: ['Confirm the session was expected.'],
    final: true,
    ...overrides,
  };
}

/** A failed finding of PAL-K8S-0001 about `resource`; `overrides` replace fields. */
export function findingFor(resource: ResourceRef, overrides: Partial<Finding> = {}): Finding {
  const where = resource.namespace ? `${resource.namespace}/${resource.name}` : resource.name;
  return {
    checkId: 'PAL-K8S-0001',
    slug: 'privileged-container',
    status: 'fail',
    severity: 'high',
    title: 'Privileged container',
    message: `${resource.kind} "${where}" runs a privileged container.`,
    resource,
    violations: [{ path: 'spec.containers[0].securityContext.privileged', message: 'container "app" is privileged' }],
    frameworks: [],
    remediation: { summary: 'Set securityContext.privileged to false.' },
    fingerprint: `fp-${resource.kind.toLowerCase()}-${where.replace('/', '-')}`,
    ...overrides,
  };
}

export function alertSubject(target: AlertTargetSpec, overrides: Partial<Alert> = {}): AlertSubject {
  return subjectFromAlert(alertFor(target, overrides));
}

export function findingSubject(resource: ResourceRef, overrides: Partial<Finding> = {}): FindingSubject {
  return subjectFromFinding(findingFor(resource, overrides));
}

export const TEST_RUN_ID = 'run-test-1';

/** The context the runner gives actions, with `client` as the cluster and no Azure. */
export function kubeContext(client: KubeClient, overrides: Partial<ActionContext> = {}): ActionContext {
  return {
    kube: async () => client,
    arm: async () => {
      throw new ActionError('no azure');
    },
    http: createHttpPoster(),
    logger: silentLogger,
    now: () => new Date('2025-05-02T10:05:00.000Z'),
    env: {},
    runId: TEST_RUN_ID,
    ...overrides,
  };
}

/** The input of a run on the subject's target. */
export function inputFor<P>(
  subject: Subject,
  params: P,
  options: { dryRun?: boolean; rule?: string; attempt?: number; state?: Record<string, unknown> } = {},
): ActionInput<P> {
  return {
    params,
    subject,
    target: subject.target,
    rule: options.rule ?? 'test-rule',
    dryRun: options.dryRun ?? false,
    attempt: options.attempt ?? 1,
    state: options.state ?? {},
  };
}

/** The input of an undo of data recorded on the subject's target. */
export function undoFor(
  subject: Subject,
  data: Readonly<Record<string, unknown>> | undefined,
  dryRun = false,
): UndoInput {
  if (data === undefined) throw new Error('the outcome has no undo data');
  return { data, target: subject.target, dryRun };
}

/** Test certificates in a temporary directory (`ca.crt`, `api.crt`/`.key`), and its removal. */
export function kubeCertDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-kube-actions-'));
  makeServingCerts(dir, ['api']);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface KubeHarness {
  readonly api: KubeObjectsApi;
  readonly client: KubeClient;
  readonly ctx: ActionContext;
  close(): Promise<void>;
}

/** A fresh test server (with the certificates of `dir`), a client of it and an action context. */
export async function startKubeHarness(dir: string): Promise<KubeHarness> {
  const api = await startKubeObjectsApi(dir);
  const client = await createKubeClient({ kubeconfigText: api.kubeconfig() });
  return { api, client, ctx: kubeContext(client), close: () => api.close() };
}

/**
 * When the pods of podObject were created unless told: before the alerts of alertFor (first seen
 * 2025-05-02T10:00:00.000Z) and of the CLI tests' fixtures, so that they are the pods the alerts
 * are about (a pod created after an alert is a new pod of the same name, left alone).
 */
export const POD_CREATED = '2025-04-28T08:00:00Z';

/** A pod as the API returns it (before the server adds uid and resourceVersion). */
export function podObject(
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    nodeName?: string;
    owner?: { apiVersion: string; kind: string; name: string };
    /** metadata.creationTimestamp (default POD_CREATED). */
    created?: string;
    hostNetwork?: boolean;
  } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      creationTimestamp: options.created ?? POD_CREATED,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
      ...(options.owner
        ? {
            ownerReferences: [
              { ...options.owner, uid: `uid-${options.owner.name}`, controller: true, blockOwnerDeletion: true },
            ],
          }
        : {}),
    },
    spec: {
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.hostNetwork === undefined ? {} : { hostNetwork: options.hostNetwork }),
      containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.4.2' }],
    },
    status: { phase: 'Running' },
  };
}

/** The ActionError a promise rejects with (fails the test when it resolves or throws something else). */
export async function actionError(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw new Error(`expected an ActionError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an ActionError, but it resolved');
}
