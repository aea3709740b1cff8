/**
 * kubernetes:delete-pod: deletes the pod a subject names (its controller, if any, starts a fresh
 * one from the workload's template: the running process and anything written to the container's
 * filesystem are gone). It never deletes a new pod of the same name (a StatefulSet's): for an
 * alert, a pod created after the alert was first seen is left alone; and the delete carries the
 * uid read as a precondition, so a pod replaced between the read and the delete is not deleted
 * either. (Findings carry no time: for them, the pod of that name when the action runs is the one
 * deleted.) A retry (after a transient failure that may have come after the delete took effect)
 * cannot tell who deleted a pod it finds gone or terminating (a deleted object keeps no trace of
 * the request): it reports `applied` when the earlier attempt's delete was sent, saying just that
 * (the delete was sent before its error; the pod is gone), since nothing is undone either way. A
 * pod of that name with another uid is a new pod: the retry says so and is skipped. Not undoable.
 */
import { z } from 'zod';
import {
  controllerOf,
  describeKubeRef,
  kubeTargetOf,
  newPodSince,
  notedWrite,
  noteWrite,
  sendNoted,
} from '../../kube.ts';
import { ActionError, defineAction, type KubeObjectData } from '../../types.ts';

/** The key of the delete noted in ActionInput.state; its `seen` is the uid of the pod deleted. */
const NOTE = 'delete';
const Seen = z.strictObject({ uid: z.string().optional() });

function terminating(pod: KubeObjectData): string | undefined {
  const deletion = pod.metadata.deletionTimestamp;
  return typeof deletion === 'string' && deletion !== '' ? deletion : undefined;
}

const Params = z.strictObject({
  gracePeriodSeconds: z
    .number({ message: 'must be a whole number of seconds' })
    .int({ message: 'must be a whole number of seconds' })
    .min(0, { message: 'must be 0 (at once) or more seconds' })
    .optional(),
});

export const deletePod = defineAction({
  meta: {
    id: 'kubernetes:delete-pod',
    slug: 'delete-pod',
    provider: 'kubernetes',
    title: 'Delete a pod',
    description:
      'Deletes the pod (with its uid as a precondition), optionally with a grace period; a controller replaces it with a fresh pod from its template, a bare pod is gone for good. Not undoable.',
    targets: ['kubernetes'],
    kinds: ['Pod'],
    undoable: false,
    disruptive: true,
    permissions: { kubernetes: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'delete'] }] },
  },
  params: Params,

  async run(input, ctx) {
    const target = kubeTargetOf(input.target, ['Pod']);
    if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
    const name = describeKubeRef(target.ref);
    const kube = await ctx.kube();
    const pod = await kube.get(target.ref);
    // An earlier attempt sent the delete and failed after: whether it is what removed the pod cannot
    // be told, so the reason says what is known (not undoable: nothing to take back either way).
    const prior = input.dryRun ? undefined : notedWrite(input.state, NOTE, Seen);
    if (prior) {
      const sent = `the delete of attempt ${prior.attempt} was sent before its error`;
      if (!pod) return { result: 'applied', reason: `${prior.reason} (${sent}; the pod is gone)` };
      if (prior.seen.uid !== undefined && pod.metadata.uid !== prior.seen.uid) {
        return {
          result: 'skipped',
          reason: `${name} is a new pod (uid ${pod.metadata.uid ?? 'unknown'}): the pod of uid ${prior.seen.uid} is gone (${sent}); the new one is left alone`,
        };
      }
      const deletion = terminating(pod);
      if (deletion !== undefined) {
        return {
          result: 'applied',
          reason: `${prior.reason} (${sent}; the pod is terminating, deletion requested at ${deletion})`,
        };
      }
    }
    if (!pod) return { result: 'skipped', reason: `${name} no longer exists` };
    const deletion = terminating(pod);
    if (deletion !== undefined) {
      return { result: 'skipped', reason: `${name} is already terminating (deletion requested at ${deletion})` };
    }
    const replaced = newPodSince(pod, input.subject, name);
    if (replaced) return { result: 'skipped', reason: replaced };
    const uid = pod.metadata.uid;
    const grace = input.params.gracePeriodSeconds;
    const graceText = grace === undefined ? 'its default grace period' : `a grace period of ${grace}s`;
    const owner = controllerOf(pod);
    const after = owner
      ? `its controller ${describeKubeRef({ kind: owner.kind, namespace: pod.metadata.namespace, name: owner.name })} will start a replacement`
      : 'it has no controller: nothing will replace it';
    if (input.dryRun) return { result: 'planned', reason: `would delete ${name} with ${graceText}; ${after}` };
    const reason = `deleted ${name} with ${graceText}; ${after}`;
    noteWrite(input.state, NOTE, { attempt: input.attempt, reason, seen: uid ? { uid } : {} });
    let deleted: boolean;
    try {
      deleted = await sendNoted(input.state, NOTE, () =>
        kube.delete(target.ref, {
          ...(uid ? { uid } : {}),
          ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
        }),
      );
    } catch (error) {
      // The uid precondition failed: the pod of that name is a new one, not the one the subject saw.
      if (error instanceof ActionError && error.status === 409 && /precondition/i.test(error.message)) {
        return { result: 'skipped', reason: `${name} was replaced by a new pod of the same name since it was read` };
      }
      throw error;
    }
    if (!deleted) return { result: 'skipped', reason: `${name} no longer exists` };
    return { result: 'applied', reason };
  },
});
