/**
 * Secure score and cluster grouping in the scan report (computed by posture/score.ts and
 * posture/clusters.ts; see there for the formula and the linking rules).
 */

export interface ControlScore {
  /** Security control id ('encrypt-data-in-transit'). */
  readonly id: string;
  readonly title: string;
  readonly maxPoints: number;
  readonly healthy: number;
  readonly unhealthy: number;
  /** max × healthy ÷ (healthy + unhealthy), rounded to two decimals. */
  readonly current: number;
}

export interface ScoreGroup {
  /** 'total', the subscription id, or the cluster id. */
  readonly id: string;
  readonly name: string;
  readonly current: number;
  readonly max: number;
  /** current ÷ max × 100, rounded to one decimal; 0 when nothing was assessed. */
  readonly percent: number;
  readonly controls: readonly ControlScore[];
}

export interface SecureScore {
  readonly total: ScoreGroup;
  readonly subscriptions: readonly ScoreGroup[];
  readonly clusters: readonly ScoreGroup[];
}

export interface ClusterRef {
  /** The ARO resource id when there is one, else `openshift:<clusterID or API host>`, else 'kubernetes'. */
  readonly id: string;
  readonly name: string;
  readonly aroResourceId?: string;
  readonly apiServerUrl?: string;
  /** How the cluster objects were tied to the ARO resource. */
  readonly linkedBy?: 'api-server-url' | 'domain' | 'only-cluster';
  /** Kubernetes and OpenShift objects in the input that belong to it. */
  readonly objects: number;
}

/** One framework control's standing in a scan (`palisade scan --framework <id>`). */
export interface ControlCompliance {
  readonly id: string;
  readonly title: string;
  readonly section?: string;
  readonly status: 'passed' | 'failed' | 'indeterminate' | 'not-assessed' | 'manual';
  /** Ids of the selected checks that map to the control (empty: manual). */
  readonly checks: readonly string[];
  /** Unsuppressed failing findings of those checks. */
  readonly failed: number;
  /** Indeterminate and error findings of those checks. */
  readonly indeterminate: number;
  /** Findings of those checks that assessed a resource (pass, fail, indeterminate, error). */
  readonly assessed: number;
}

export interface FrameworkCompliance {
  readonly framework: string;
  readonly title: string;
  readonly version: string;
  readonly summary: Readonly<Record<ControlCompliance['status'], number>>;
  readonly controls: readonly ControlCompliance[];
}
