/**
 * kubernetes:cordon-node: marks a node unschedulable (`kubectl cordon`) so that no new pod lands
 * on it while it is investigated; the pods already there keep running. The target is a Node, or a
 * pod: its node is the one the subject names (Falco's hostname), else the pod's spec.nodeName. The
 * node is annotated `palisade.io/cordoned-by: <runId>`; undo uncordons only a node that is still
 * unschedulable with that annotation, so a node someone else cordoned meanwhile stays cordoned.
 * The annotation also tells a retry (after a transient failure that may have come after the patch
 * took effect) that the node is cordoned by this run: that is reported applied, with the undo.
 * For an alert without the node's name, the pod's node is used only when the pod is older than the
 * alert: a pod created since is a new pod of the same name, maybe on another node.
 */
import { z } from 'zod';
import {
  describeKubeRef,
  kubeTargetOf,
  newPodSince,
  notedWrite,
  noteWrite,
  parseUndoData,
  tookEffect,
} from '../../kube.ts';
import { defineAction, type KubeObjectData, type KubeRef } from '../../types.ts';

const ID = 'kubernetes:cordon-node';
export const CORDONED_BY = 'palisade.io/cordoned-by';

const NodeSpec = z.looseObject({ unschedulable: z.boolean().optional() });
const PodSpec = z.looseObject({ nodeName: z.string().optional() });

const UndoData = z.strictObject({
  node: z.string().min(1),
  uid: z.string().optional(),
  runId: z.string().min(1),
});

/** The key of the patch noted in ActionInput.state; its `seen` is the undo data. */
const NOTE = 'cordon';

function unschedulable(node: KubeObjectData): boolean {
  const spec = NodeSpec.safeParse(node.spec);
  return spec.success && spec.data.unschedulable === true;
}

const nodeRef = (name: string): KubeRef => ({ apiVersion: 'v1', kind: 'Node', name });

export const cordonNode = defineAction({
  meta: {
    id: ID,
    slug: 'cordon-node',
    provider: 'kubernetes',
    title: 'Cordon the node',
    description:
      'Marks the node (or the node the pod runs on) unschedulable, so no new pod lands there; running pods stay. Undo uncordons it if it is still cordoned by this run.',
    targets: ['kubernetes'],
    kinds: ['Node', 'Pod'],
    undoable: true,
    disruptive: true,
    permissions: {
      kubernetes: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ],
    },
  },
  params: z.strictObject({}),

  async run(input, ctx) {
    const target = kubeTargetOf(input.target, ['Node', 'Pod']);
    if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
    const kube = await ctx.kube();
    const cluster = input.target.type === 'kubernetes' && input.target.cluster ? { cluster: input.target.cluster } : {};
    const outcomeTarget = (ref: KubeRef) => ({ type: 'kubernetes' as const, ref, ...cluster });
    let node: KubeObjectData | undefined;
    let via = '';
    if (target.ref.kind === 'Node') {
      node = await kube.get(target.ref);
      if (!node) return { result: 'skipped', reason: `${describeKubeRef(target.ref)} does not exist` };
    } else {
      const podName = describeKubeRef(target.ref);
      // The node the subject names (Falco's hostname), when a Node has that name.
      if (target.node) {
        node = await kube.get(nodeRef(target.node));
        via = ` (where ${podName} runs, as the subject says)`;
      }
      if (!node) {
        const pod = await kube.get(target.ref);
        if (!pod) return { result: 'skipped', reason: `${podName} no longer exists: its node is unknown` };
        const replaced = newPodSince(pod, input.subject, podName);
        if (replaced) return { result: 'skipped', reason: `${replaced}; its node may not be the alert's` };
        const spec = PodSpec.safeParse(pod.spec);
        const nodeName = spec.success ? spec.data.nodeName : undefined;
        if (!nodeName) return { result: 'skipped', reason: `${podName} is not scheduled on a node` };
        node = await kube.get(nodeRef(nodeName));
        via = ` (where ${podName} runs)`;
        if (!node) {
          return { result: 'skipped', reason: `${describeKubeRef(nodeRef(nodeName))}${via} does not exist` };
        }
      }
    }
    const nodeName = node.metadata.name ?? '';
    const ref = nodeRef(nodeName);
    const name = describeKubeRef(ref);
    const undo = { node: nodeName, ...(node.metadata.uid ? { uid: node.metadata.uid } : {}), runId: ctx.runId };
    const reason = `cordoned ${name}${via}: no new pods are scheduled there; running pods stay`;
    if (unschedulable(node)) {
      const by = node.metadata.annotations?.[CORDONED_BY];
      // A retry that finds the node cordoned by this run: the patch of an earlier attempt took effect.
      if (by === ctx.runId && input.attempt > 1 && !input.dryRun) {
        const prior = notedWrite(input.state, NOTE, UndoData);
        return {
          result: 'applied',
          reason: `${prior?.reason ?? reason}${tookEffect(prior?.attempt)}`,
          target: outcomeTarget(ref),
          undo,
        };
      }
      return {
        result: 'skipped',
        reason: `${name}${via} is already cordoned${by ? ` (by run ${by})` : ''}`,
        target: outcomeTarget(ref),
      };
    }
    if (input.dryRun) {
      return {
        result: 'planned',
        reason: `would cordon ${name}${via}: no new pods would be scheduled there`,
        target: outcomeTarget(ref),
      };
    }
    const resourceVersion = node.metadata.resourceVersion;
    noteWrite(input.state, NOTE, { attempt: input.attempt, reason, seen: undo });
    await kube.patch(
      ref,
      {
        metadata: { ...(resourceVersion ? { resourceVersion } : {}), annotations: { [CORDONED_BY]: ctx.runId } },
        spec: { unschedulable: true },
      },
      'strategic',
    );
    return { result: 'applied', reason, target: outcomeTarget(ref), undo };
  },

  async undo(input, ctx) {
    const data = parseUndoData(UndoData, input.data, ID);
    const ref = nodeRef(data.node);
    const name = describeKubeRef(ref);
    const kube = await ctx.kube();
    const node = await kube.get(ref);
    if (!node) return { result: 'skipped', reason: `${name} no longer exists` };
    if (data.uid !== undefined && node.metadata.uid !== data.uid) {
      return { result: 'skipped', reason: `${name} was replaced by a new Node object since` };
    }
    if (!unschedulable(node)) return { result: 'skipped', reason: `${name} is no longer cordoned` };
    const by = node.metadata.annotations?.[CORDONED_BY];
    if (by !== data.runId) {
      return {
        result: 'skipped',
        reason: `${name} changed since: it is cordoned ${by ? `by run ${by}` : 'without the palisade.io/cordoned-by annotation'}, not by run ${data.runId}; left cordoned`,
      };
    }
    if (input.dryRun) return { result: 'planned', reason: `would uncordon ${name}` };
    const resourceVersion = node.metadata.resourceVersion;
    await kube.patch(
      ref,
      {
        metadata: { ...(resourceVersion ? { resourceVersion } : {}), annotations: { [CORDONED_BY]: null } },
        spec: { unschedulable: null },
      },
      'strategic',
    );
    return { result: 'applied', reason: `uncordoned ${name}: pods can be scheduled there again` };
  },
});
