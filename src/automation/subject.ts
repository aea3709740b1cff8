/**
 * Subjects from the two contracts the runner reads as they are: alert records of
 * `palisade detect` (one JSON object per line) and findings of a `palisade scan` JSON report.
 * Each becomes a Subject with the target its actions act on.
 */
import type { Alert, Finding } from '#core';
import { alertTargetText } from '#threats';
import { isArmType } from './arm-types.ts';
import { resourceNamed } from './kube-resources.ts';
import type { AlertSubject, FindingSubject, KubeRef, Target } from './types.ts';

/** The object an alert is about (the pod of `pods/exec`), or `none` when it names no single object. */
export function alertTarget(alert: Alert): Target {
  const { resource, namespace, name } = alert.target;
  const plural = resource.split('/')[0] ?? '';
  const known = resourceNamed(plural);
  const node = alert.evidence.falcoEvents?.find((e) => e.hostname)?.hostname;
  if (!known || !name) {
    return { type: 'none', description: alertTargetText(alert.target) || `alert ${alert.id}` };
  }
  const ref: KubeRef = {
    apiVersion: known.apiVersion,
    kind: known.kind,
    ...(known.clusterScoped || !namespace ? {} : { namespace }),
    name,
  };
  return { type: 'kubernetes', ref, ...(node ? { node } : {}) };
}

/** The object a finding is about: an Azure resource (by id) or a Kubernetes object. */
export function findingTarget(finding: Finding): Target {
  const r = finding.resource;
  if (r.id !== undefined || isArmType(r.kind)) {
    if (r.id === undefined) {
      return { type: 'none', description: `${r.kind} "${r.name}" from a template (not deployed: no resource id)` };
    }
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(r.id)?.[1];
    return {
      type: 'azure',
      id: r.id,
      resourceType: r.kind,
      ...(subscription ? { subscriptionId: subscription } : {}),
    };
  }
  return {
    type: 'kubernetes',
    ref: { apiVersion: r.apiVersion, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name },
    ...(r.cluster ? { cluster: r.cluster } : {}),
  };
}

export function subjectFromAlert(alert: Alert): AlertSubject {
  return {
    type: 'alert',
    id: alert.id,
    ruleId: alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    message: alert.message,
    target: alertTarget(alert),
    alert,
  };
}

export function subjectFromFinding(finding: Finding): FindingSubject {
  return {
    type: 'finding',
    id: finding.fingerprint,
    ruleId: finding.checkId,
    title: finding.title,
    severity: finding.severity,
    message: finding.message,
    target: findingTarget(finding),
    finding,
  };
}
