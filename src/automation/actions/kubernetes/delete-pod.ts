/**
 * kubernetes:delete-pod: deletes the pod a subject names (its controller, if any, starts a fresh
 * one from the workload's template: the running process and anything written to the container's
 * filesystem are gone). The delete carries the uid read as a precondition, so a new pod of the same
 * name (a StatefulSet's) is never deleted by mistake. Not undoable.
 */
import { z } from 'zod';
import { controllerOf, describeKubeRef, kubeTargetOf } from '../../kube.ts';
import { ActionError, defineAction } from '../../types.ts';

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
    if (!pod) return { result: 'skipped', reason: `${name} no longer exists` };
    const deletion = pod.metadata.deletionTimestamp;
    if (typeof deletion === 'string' && deletion !== '') {
      return { result: 'skipped', reason: `${name} is already terminating (deletion requested at ${deletion})` };
    }
    const uid = pod.metadata.uid;
    const grace = input.params.gracePeriodSeconds;
    const graceText = grace === undefined ? 'its default grace period' : `a grace period of ${grace}s`;
    const owner = controllerOf(pod);
    const after = owner
      ? `its controller ${describeKubeRef({ kind: owner.kind, namespace: pod.metadata.namespace, name: owner.name })} will start a replacement`
      : 'it has no controller: nothing will replace it';
    if (input.dryRun) return { result: 'planned', reason: `would delete ${name} with ${graceText}; ${after}` };
    let deleted: boolean;
    try {
      deleted = await kube.delete(target.ref, {
        ...(uid ? { uid } : {}),
        ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
      });
    } catch (error) {
      // The uid precondition failed: the pod of that name is a new one, not the one the subject saw.
      if (error instanceof ActionError && error.status === 409 && /precondition/i.test(error.message)) {
        return { result: 'skipped', reason: `${name} was replaced by a new pod of the same name since it was read` };
      }
      throw error;
    }
    if (!deleted) return { result: 'skipped', reason: `${name} no longer exists` };
    return { result: 'applied', reason: `deleted ${name} with ${graceText}; ${after}` };
  },
});
