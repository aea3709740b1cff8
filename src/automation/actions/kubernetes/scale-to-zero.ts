/**
 * kubernetes:scale-to-zero: stops a workload by setting its replicas to 0. The target is a
 * Deployment, StatefulSet or OpenShift DeploymentConfig, or a pod whose controller chain leads to
 * one (ownerReferences with `controller: true`): Pod → ReplicaSet → Deployment, Pod → StatefulSet,
 * Pod → ReplicationController → DeploymentConfig. The patch carries the resourceVersion read, so a
 * concurrent change is a conflict the runner retries. A HorizontalPodAutoscaler that targets the
 * workload is named in the outcome: with minReplicas ≥ 1 it stops acting while the replicas are 0
 * and takes over again once they are set (by the undo, or by anyone); with minReplicas 0
 * (HPAScaleToZero) it may scale the workload back up by itself. The same patch annotates the
 * workload `palisade.io/scaled-to-zero-by: <runId>` and `palisade.io/previous-replicas: <n>` (for
 * people who restore it by hand). A retry (after a transient failure that may have come after the
 * patch took effect) reports the change applied, with its undo, only when it finds the workload it
 * noted at 0 replicas with this run's annotation: at 0 without it, someone else scaled it down
 * (another run, a person) while the patch of the earlier attempt did not take effect. Undo sets the
 * previous replicas back (and removes the annotations) only while the workload is still at 0 with
 * this run's annotation, so that it never scales up a workload someone else stopped.
 * Spec: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#implicit-maintenance-mode-deactivation
 */
import { z } from 'zod';
import {
  controllerOf,
  describeKubeRef,
  KubeRefData,
  kubeTargetOf,
  notedWrite,
  noteWrite,
  parseUndoData,
  refOfObject,
  sendNoted,
  tookEffect,
} from '../../kube.ts';
import { defineAction, type KubeClient, type KubeObjectData, type KubeRef, type Target } from '../../types.ts';

const ID = 'kubernetes:scale-to-zero';
/** The annotation that names the run that scaled the workload to zero (a marker, not a label: selectors stay). */
export const SCALED_BY = 'palisade.io/scaled-to-zero-by';
/** The replicas before, for people (the undo goes by its recorded data). */
export const PREVIOUS_REPLICAS = 'palisade.io/previous-replicas';
/** The key of the write noted in ActionInput.state (its `seen` is the undo data). */
const NOTE = 'scale';

const WORKLOAD_KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DeploymentConfig: 'apps.openshift.io/v1',
};

const Replicas = z.looseObject({ replicas: z.number().int().min(0).optional() });

const Hpa = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional() }),
  spec: z.looseObject({
    minReplicas: z.number().int().optional(),
    scaleTargetRef: z.looseObject({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }),
  }),
});

const UndoData = z.strictObject({
  workload: KubeRefData,
  uid: z.string().optional(),
  replicas: z.number().int().min(1),
  /** The run whose annotation (SCALED_BY) the patch set. */
  runId: z.string().min(1),
});

/** The replicas of a workload (the API defaults an absent field to 1). */
function replicasOf(workload: KubeObjectData): number {
  const spec = Replicas.safeParse(workload.spec);
  return spec.success ? (spec.data.replicas ?? 1) : 1;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
}

/** The workload a target stands for, or why there is none (a skip reason). */
async function resolveWorkload(
  kube: KubeClient,
  ref: KubeRef,
): Promise<{ workload: KubeObjectData; via?: string } | { skip: string }> {
  if (ref.kind !== 'Pod') {
    const workload = await kube.get(ref);
    return workload ? { workload } : { skip: `${describeKubeRef(ref)} no longer exists` };
  }
  const pod = await kube.get(ref);
  if (!pod) return { skip: `${describeKubeRef(ref)} no longer exists` };
  const namespace = pod.metadata.namespace ?? ref.namespace;
  const chain = [describeKubeRef(ref)];
  let current = pod;
  // At most two hops: Pod → ReplicaSet → Deployment, Pod → ReplicationController → DeploymentConfig.
  for (let hop = 0; hop < 2; hop++) {
    const owner = controllerOf(current);
    if (!owner) break;
    const ownerRef: KubeRef = {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      ...(namespace ? { namespace } : {}),
      name: owner.name,
    };
    chain.push(describeKubeRef(ownerRef));
    if (WORKLOAD_KINDS[owner.kind] === owner.apiVersion) {
      const workload = await kube.get(ownerRef);
      if (!workload) return { skip: `${chain.join(' → ')}: the workload no longer exists` };
      return { workload, via: chain.slice(0, -1).join(' → ') };
    }
    const intermediate =
      (owner.kind === 'ReplicaSet' && owner.apiVersion === 'apps/v1') ||
      (owner.kind === 'ReplicationController' && owner.apiVersion === 'v1');
    if (!intermediate) break;
    const next = await kube.get(ownerRef);
    if (!next) return { skip: `${chain.join(' → ')}: the ${owner.kind} no longer exists` };
    current = next;
  }
  const last = chain.length > 1 ? `its controller chain (${chain.join(' → ')})` : 'it has no controller';
  return {
    skip: `${describeKubeRef(ref)} is not managed by a Deployment, StatefulSet or DeploymentConfig: ${last}`,
  };
}

/** The run named by the workload's SCALED_BY annotation, if any. */
function scaledBy(workload: KubeObjectData): string | undefined {
  return workload.metadata.annotations?.[SCALED_BY];
}

/** ' (by run run-1)' or ' (without the palisade.io/scaled-to-zero-by annotation)'. */
function byText(by: string | undefined): string {
  return by === undefined ? ` (without the ${SCALED_BY} annotation)` : ` (by run ${by})`;
}

/** The HPAs of the namespace that target the workload, as sentences for the outcome. */
async function hpaNotes(kube: KubeClient, workload: KubeObjectData): Promise<string[]> {
  const namespace = workload.metadata.namespace;
  const notes: string[] = [];
  for (const item of await kube.list('autoscaling/v2', 'HorizontalPodAutoscaler', namespace ? { namespace } : {})) {
    const hpa = Hpa.safeParse(item);
    if (!hpa.success) continue;
    const target = hpa.data.spec.scaleTargetRef;
    if (target.kind !== workload.kind || target.name !== workload.metadata.name) continue;
    if (target.apiVersion !== undefined && groupOf(target.apiVersion) !== groupOf(workload.apiVersion)) continue;
    const name = describeKubeRef({ kind: 'HorizontalPodAutoscaler', namespace, name: hpa.data.metadata.name ?? '' });
    const min = hpa.data.spec.minReplicas ?? 1;
    notes.push(
      min === 0
        ? `note: ${name} targets it with minReplicas 0 and may scale it back up by itself`
        : `note: ${name} targets it: it stops autoscaling while the replicas are 0 and scales it back up (to at least ${min}) as soon as they are set again`,
    );
  }
  return notes;
}

export const scaleToZero = defineAction({
  meta: {
    id: ID,
    slug: 'scale-to-zero',
    provider: 'kubernetes',
    title: 'Scale a workload to zero replicas',
    description:
      'Sets the replicas of the Deployment, StatefulSet or DeploymentConfig (or of the one that owns the pod) to 0, stopping all its pods, and annotates it palisade.io/scaled-to-zero-by with the run id. A HorizontalPodAutoscaler that targets it is named in the outcome. Undo sets the previous replicas back while it is still at 0 by this run.',
    targets: ['kubernetes'],
    kinds: ['Pod', 'Deployment', 'StatefulSet', 'DeploymentConfig'],
    undoable: true,
    disruptive: true,
    permissions: {
      kubernetes: [
        { apiGroups: [''], resources: ['pods', 'replicationcontrollers'], verbs: ['get'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'patch'] },
        { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], verbs: ['get', 'patch'] },
        { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list'] },
      ],
    },
  },
  params: z.strictObject({}),

  async run(input, ctx) {
    const target = kubeTargetOf(input.target, ['Pod', ...Object.keys(WORKLOAD_KINDS)]);
    if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
    const kube = await ctx.kube();
    const targetOf = (ref: KubeRef): Target => ({
      type: 'kubernetes',
      ref,
      ...(input.target.type === 'kubernetes' && input.target.cluster ? { cluster: input.target.cluster } : {}),
    });
    // An earlier attempt sent the patch and failed after: if the workload is at 0 with this run's
    // annotation, that was its patch; at 0 without it, someone else stopped it meanwhile.
    // (Checked first: the pod the subject names may be gone, since the workload was scaled down.)
    const prior = input.dryRun ? undefined : notedWrite(input.state, NOTE, UndoData);
    if (prior) {
      const now = await kube.get(prior.seen.workload);
      const same = now !== undefined && (prior.seen.uid === undefined || now.metadata.uid === prior.seen.uid);
      if (same && replicasOf(now) === 0) {
        const by = scaledBy(now);
        if (by === ctx.runId) {
          return {
            result: 'applied',
            reason: `${prior.reason}${tookEffect(prior.attempt)}`,
            target: targetOf(prior.seen.workload),
            undo: prior.seen,
          };
        }
        return {
          result: 'skipped',
          reason: `${describeKubeRef(prior.seen.workload)} is already scaled to 0 replicas${byText(by)}, not by this run (the patch of attempt ${prior.attempt} is not what stopped it)`,
          target: targetOf(prior.seen.workload),
        };
      }
    }
    const resolved = await resolveWorkload(kube, target.ref);
    if ('skip' in resolved) return { result: 'skipped', reason: resolved.skip };
    const { workload, via } = resolved;
    const ref = refOfObject(workload);
    const name = describeKubeRef(ref);
    const workloadTarget = targetOf(ref);
    const viaText = via ? ` (owner of ${via})` : '';
    const replicas = replicasOf(workload);
    if (replicas === 0) {
      return {
        result: 'skipped',
        reason: `${name}${viaText} is already scaled to 0 replicas${byText(scaledBy(workload))}`,
        target: workloadTarget,
      };
    }
    const notes = (await hpaNotes(kube, workload)).map((n) => `; ${n}`).join('');
    if (input.dryRun) {
      return {
        result: 'planned',
        reason: `would scale ${name}${viaText} from ${replicas} to 0 replicas${notes}`,
        target: workloadTarget,
      };
    }
    const resourceVersion = workload.metadata.resourceVersion;
    const reason = `scaled ${name}${viaText} from ${replicas} to 0 replicas${notes}`;
    const undo = {
      workload: ref,
      ...(workload.metadata.uid ? { uid: workload.metadata.uid } : {}),
      replicas,
      runId: ctx.runId,
    };
    noteWrite(input.state, NOTE, { attempt: input.attempt, reason, seen: undo });
    await sendNoted(input.state, NOTE, () =>
      kube.patch(
        ref,
        {
          metadata: {
            ...(resourceVersion ? { resourceVersion } : {}),
            annotations: { [SCALED_BY]: ctx.runId, [PREVIOUS_REPLICAS]: String(replicas) },
          },
          spec: { replicas: 0 },
        },
        'merge',
      ),
    );
    return { result: 'applied', reason, target: workloadTarget, undo };
  },

  async undo(input, ctx) {
    const data = parseUndoData(UndoData, input.data, ID);
    const name = describeKubeRef(data.workload);
    const kube = await ctx.kube();
    const workload = await kube.get(data.workload);
    if (!workload) return { result: 'skipped', reason: `${name} no longer exists` };
    if (data.uid !== undefined && workload.metadata.uid !== data.uid) {
      return { result: 'skipped', reason: `${name} was replaced by a new object since` };
    }
    const replicas = replicasOf(workload);
    if (replicas !== 0) {
      return { result: 'skipped', reason: `${name} changed since: it has ${replicas} replicas now, not 0; left as is` };
    }
    const by = scaledBy(workload);
    if (by !== data.runId) {
      return {
        result: 'skipped',
        reason: `${name} changed since: it is at 0 replicas ${by === undefined ? `without the ${SCALED_BY} annotation` : `scaled to zero by run ${by}`}, not by run ${data.runId}; left as is`,
      };
    }
    if (input.dryRun)
      return { result: 'planned', reason: `would scale ${name} back from 0 to ${data.replicas} replicas` };
    const resourceVersion = workload.metadata.resourceVersion;
    await kube.patch(
      data.workload,
      {
        metadata: {
          ...(resourceVersion ? { resourceVersion } : {}),
          annotations: { [SCALED_BY]: null, [PREVIOUS_REPLICAS]: null },
        },
        spec: { replicas: data.replicas },
      },
      'merge',
    );
    return { result: 'applied', reason: `scaled ${name} back from 0 to ${data.replicas} replicas` };
  },
});
