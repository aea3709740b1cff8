/**
 * Secure score, as Defender for Cloud's classic model computes it
 * (https://learn.microsoft.com/azure/defender-for-cloud/secure-score-security-controls):
 *   control score = max points × healthy ÷ (healthy + unhealthy) resources,
 *   score = Σ control scores over the controls that assessed at least one resource,
 *   max   = Σ max points of those controls, and percent = score ÷ max.
 * A resource is assessed for a control when a check of that control gave it pass, fail,
 * indeterminate or error (not-applicable does not count). It is healthy when none of those
 * findings is an unsuppressed fail, an indeterminate or an error: a value Palisade cannot know is
 * never counted as healthy. Suppressed (exempted) failures do not count against the resource, as
 * exempted resources do not in Defender. Shown in total, per subscription (Azure resources) and
 * per cluster (an ARO resource with its cluster objects).
 */
import type { ControlScore, Finding, Resource, ScoreGroup, SecureScore } from '#core';
import type { AnyCheck } from './checks/index.ts';
import type { ClusterLinks } from './clusters.ts';
import { SECURITY_CONTROLS, type SecurityControlId } from './security-controls.ts';

/** Which resources each control's checks assessed (filled by evaluate for checks that name a control). */
export type Assessed = ReadonlyMap<SecurityControlId, ReadonlySet<Resource>>;

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

function groupScore(
  id: string,
  name: string,
  assessed: Assessed,
  unhealthy: ReadonlyMap<SecurityControlId, ReadonlySet<Resource>>,
  member: (resource: Resource) => boolean,
): ScoreGroup {
  const controls: ControlScore[] = [];
  let current = 0;
  let max = 0;
  for (const control of SECURITY_CONTROLS) {
    const resources = assessed.get(control.id);
    if (!resources) {
      continue;
    }
    let healthyCount = 0;
    let unhealthyCount = 0;
    const bad = unhealthy.get(control.id);
    for (const resource of resources) {
      if (!member(resource)) {
        continue;
      }
      if (bad?.has(resource)) {
        unhealthyCount++;
      } else {
        healthyCount++;
      }
    }
    if (healthyCount + unhealthyCount === 0) {
      continue;
    }
    const score = (control.maxPoints * healthyCount) / (healthyCount + unhealthyCount);
    current += score;
    max += control.maxPoints;
    controls.push({
      id: control.id,
      title: control.title,
      maxPoints: control.maxPoints,
      healthy: healthyCount,
      unhealthy: unhealthyCount,
      current: round(score, 2),
    });
  }
  return {
    id,
    name,
    current: round(current, 2),
    max,
    percent: max === 0 ? 0 : round((current / max) * 100, 1),
    controls,
  };
}

export function secureScore(
  assessed: Assessed,
  findings: readonly Finding[],
  resourceOf: (finding: Finding) => Resource | undefined,
  checkOf: (checkId: string) => AnyCheck | undefined,
  clusters: ClusterLinks,
): SecureScore {
  const unhealthy = new Map<SecurityControlId, Set<Resource>>();
  for (const finding of findings) {
    if (
      finding.suppressed ||
      (finding.status !== 'fail' && finding.status !== 'indeterminate' && finding.status !== 'error')
    ) {
      continue;
    }
    const control = checkOf(finding.checkId)?.meta.securityControl;
    const resource = resourceOf(finding);
    if (control === undefined || resource === undefined) {
      continue;
    }
    let set = unhealthy.get(control);
    if (!set) {
      set = new Set();
      unhealthy.set(control, set);
    }
    set.add(resource);
  }
  const subscriptions = new Set<string>();
  for (const resources of assessed.values()) {
    for (const r of resources) {
      if (r.azure) {
        subscriptions.add(r.azure.subscriptionId ?? 'unknown');
      }
    }
  }
  return {
    total: groupScore('total', 'all resources', assessed, unhealthy, () => true),
    subscriptions: [...subscriptions]
      .sort()
      .map((sub) =>
        groupScore(
          sub,
          sub === 'unknown' ? 'resources without a known subscription (templates, data-plane exports)' : sub,
          assessed,
          unhealthy,
          (r) => r.azure !== undefined && (r.azure.subscriptionId ?? 'unknown') === sub,
        ),
      ),
    clusters: clusters.clusters
      .map((cluster) =>
        groupScore(cluster.id, cluster.name, assessed, unhealthy, (r) => clusters.clusterOf(r) === cluster.id),
      )
      .filter((group) => group.max > 0 || group.controls.length > 0),
  };
}
