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

/**
 * Which resources each control's checks judged (filled by evaluate): per resource, one bit per
 * SECURITY_CONTROLS index. A bit mask per resource instead of a set per control keeps this cheap on
 * an estate of hundreds of thousands of resources, each judged by a dozen checks.
 */
export interface Assessed {
  /** The resources, in evaluation order. */
  readonly resources: readonly Resource[];
  /** Bits of the controls whose checks judged the resource at the same index. */
  readonly mask: Int32Array;
  /** Index in `resources` of a (retained) finding's resource. */
  indexOf(finding: Finding): number | undefined;
}

/** The bit of a security control in an Assessed mask. */
export function controlBit(control: SecurityControlId): number {
  return 1 << SECURITY_CONTROLS.findIndex((c) => c.id === control);
}

/** An Assessed built from sets of resources per control (tests and hand-made reports). */
export function assessedFrom(
  byControl: ReadonlyMap<SecurityControlId, ReadonlySet<Resource>>,
  resourceOf: (finding: Finding) => Resource | undefined,
): Assessed {
  const resources: Resource[] = [];
  const at = new Map<Resource, number>();
  const bits: number[] = [];
  for (const [control, set] of byControl) {
    for (const resource of set) {
      let i = at.get(resource);
      if (i === undefined) {
        i = resources.length;
        at.set(resource, i);
        resources.push(resource);
        bits.push(0);
      }
      bits[i] = (bits[i] ?? 0) | controlBit(control);
    }
  }
  return {
    resources,
    mask: Int32Array.from(bits),
    indexOf: (finding) => {
      const resource = resourceOf(finding);
      return resource === undefined ? undefined : at.get(resource);
    },
  };
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Healthy and unhealthy counts per control index, for one group: [healthy0, unhealthy0, healthy1, ...]. */
type Tally = Int32Array;

const newTally = (): Tally => new Int32Array(SECURITY_CONTROLS.length * 2);

function groupScore(id: string, name: string, tally: Tally | undefined): ScoreGroup {
  const controls: ControlScore[] = [];
  let current = 0;
  let max = 0;
  for (const [i, control] of SECURITY_CONTROLS.entries()) {
    const healthy = tally?.[2 * i] ?? 0;
    const unhealthy = tally?.[2 * i + 1] ?? 0;
    if (healthy + unhealthy === 0) {
      continue;
    }
    const score = (control.maxPoints * healthy) / (healthy + unhealthy);
    current += score;
    max += control.maxPoints;
    controls.push({
      id: control.id,
      title: control.title,
      maxPoints: control.maxPoints,
      healthy,
      unhealthy,
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

function tallyOf(tallies: Map<string, Tally>, group: string): Tally {
  let tally = tallies.get(group);
  if (!tally) {
    tally = newTally();
    tallies.set(group, tally);
  }
  return tally;
}

function add(tally: Tally, assessed: number, unhealthy: number): void {
  for (let i = 0, bit = 1; i < SECURITY_CONTROLS.length; i++, bit <<= 1) {
    if (assessed & bit) {
      tally[2 * i + (unhealthy & bit ? 1 : 0)] = (tally[2 * i + (unhealthy & bit ? 1 : 0)] as number) + 1;
    }
  }
}

const UNKNOWN_SUBSCRIPTION = 'unknown';

/** One pass over the assessed resources, tallying each into the total, its subscription and its cluster. */
export function secureScore(
  assessed: Assessed,
  findings: readonly Finding[],
  checkOf: (checkId: string) => AnyCheck | undefined,
  clusters: ClusterLinks,
): SecureScore {
  const bitOf = new Map<string, number>();
  const unhealthy = new Int32Array(assessed.resources.length);
  for (const finding of findings) {
    if (
      finding.suppressed ||
      (finding.status !== 'fail' && finding.status !== 'indeterminate' && finding.status !== 'error')
    ) {
      continue;
    }
    let bit = bitOf.get(finding.checkId);
    if (bit === undefined) {
      const control = checkOf(finding.checkId)?.meta.securityControl;
      bit = control === undefined ? 0 : controlBit(control);
      bitOf.set(finding.checkId, bit);
    }
    const index = bit === 0 ? undefined : assessed.indexOf(finding);
    if (index !== undefined) {
      unhealthy[index] = (unhealthy[index] as number) | bit;
    }
  }
  const total = newTally();
  const bySubscription = new Map<string, Tally>();
  const byCluster = new Map<string, Tally>();
  const { resources, mask } = assessed;
  for (let i = 0; i < resources.length; i++) {
    const bits = mask[i] as number;
    if (bits === 0) {
      continue;
    }
    const resource = resources[i] as Resource;
    const bad = unhealthy[i] as number;
    add(total, bits, bad);
    if (resource.azure) {
      add(tallyOf(bySubscription, resource.azure.subscriptionId ?? UNKNOWN_SUBSCRIPTION), bits, bad);
    }
    const cluster = clusters.clusterOf(resource);
    if (cluster !== undefined) {
      add(tallyOf(byCluster, cluster), bits, bad);
    }
  }
  return {
    total: groupScore('total', 'all resources', total),
    subscriptions: [...bySubscription.keys()]
      .sort()
      .map((sub) =>
        groupScore(
          sub,
          sub === UNKNOWN_SUBSCRIPTION ? 'resources without a known subscription (templates, data-plane exports)' : sub,
          bySubscription.get(sub),
        ),
      ),
    clusters: clusters.clusters
      .map((cluster) => groupScore(cluster.id, cluster.name, byCluster.get(cluster.id)))
      .filter((group) => group.max > 0 || group.controls.length > 0),
  };
}
