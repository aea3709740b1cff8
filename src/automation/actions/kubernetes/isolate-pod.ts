/**
 * kubernetes:isolate-pod: cuts a pod off the network. It labels the pod `<label>=true` and makes
 * sure a deny-all NetworkPolicy `<policyName>` in its namespace selects that label (policyTypes
 * Ingress and Egress, no rules). NetworkPolicies add up: any other policy that selects the pod and
 * allows traffic still allows it, so those are named in the outcome. The label patch also annotates
 * the pod `palisade.io/isolated-by: <runId>` (an annotation: selectors are not affected). Undo
 * removes the label (and the annotation) only while the annotation still names the run, so a pod
 * another run or a person isolated since stays isolated; and it deletes the policy when this run
 * created it and no other pod of the namespace carries the label.
 * Skipped: a pod on the host's network (`hostNetwork: true`: NetworkPolicies do not apply to it),
 * and for an alert, a pod created after the alert was first seen (a new pod of the same name).
 * Before writing, it notes in ActionInput.state whether the label and the policy were there and
 * the policy it creates, so a retry (after a transient failure that may have come after a write
 * took effect) that finds the pod isolated by its own writes reports them applied, with the undo;
 * a label without this run's annotation was set by someone else (the patch of the earlier attempt
 * did not take effect): it is not claimed.
 * Spec: https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { z } from 'zod';
import {
  describeKubeRef,
  isDnsSubdomain,
  KubeRefData,
  kubeTargetOf,
  newPodSince,
  parseUndoData,
  pointerToken,
  QualifiedKey,
  tookEffect,
  writeRefused,
} from '../../kube.ts';
import { ActionError, defineAction, type KubeObjectData, type KubeRef } from '../../types.ts';

const ID = 'kubernetes:isolate-pod';
const NETPOL = 'networking.k8s.io/v1';
const CREATED_BY_RUN = 'palisade.io/created-by-run';
/** The annotation, set with the label, that names the run that isolated the pod. */
export const ISOLATED_BY = 'palisade.io/isolated-by';
/** The key of the step's note in ActionInput.state (IsolateNote). */
const NOTE = 'isolate';

/** What the step saw before its first write, and the writes it sent (by attempt). */
const IsolateNote = z.strictObject({
  uid: z.string().optional(),
  /** The pod carried `<label>=true` before the first write. */
  labelledBefore: z.boolean(),
  /** The policy existed before the first write. */
  policyExistedBefore: z.boolean(),
  /** The attempt that sent the create of the policy, and the uid it got back. */
  createAttempt: z.number().int().min(1).optional(),
  policyUid: z.string().optional(),
  /** The attempt that sent the label patch (withdrawn when the API server refused it). */
  labelAttempt: z.number().int().min(1).optional(),
});
type IsolateNote = z.infer<typeof IsolateNote>;

const PodSpec = z.looseObject({ hostNetwork: z.boolean().nullish() });

const Params = z.strictObject({
  label: QualifiedKey.default('palisade.io/quarantine'),
  policyName: z
    .string()
    .refine(isDnsSubdomain, {
      message: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", at most 253 characters',
    })
    .default('palisade-quarantine'),
});

const Requirement = z.looseObject({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).nullish(),
});

const Selector = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z.array(Requirement).nullish(),
});

const PolicySpec = z.looseObject({
  podSelector: Selector.nullish(),
  policyTypes: z.array(z.string()).nullish(),
  ingress: z.array(z.unknown()).nullish(),
  egress: z.array(z.unknown()).nullish(),
});

type LabelSelector = z.infer<typeof Selector>;

/** Whether a LabelSelector selects these labels (an empty selector selects everything). */
export function selects(selector: LabelSelector | null | undefined, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    const list = values ?? [];
    switch (operator) {
      case 'In':
        if (!has || value === undefined || !list.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && list.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An operator the API server would have refused: select nothing, as it cannot match.
        return false;
    }
  }
  return true;
}

/** What a NetworkPolicy still allows for the pods it selects: 'ingress', 'egress', both, or nothing. */
function allows(spec: z.infer<typeof PolicySpec>): string | undefined {
  const types = spec.policyTypes ?? ['Ingress', ...((spec.egress ?? []).length > 0 ? ['Egress'] : [])];
  const ingress = types.includes('Ingress') && (spec.ingress ?? []).length > 0;
  const egress = types.includes('Egress') && (spec.egress ?? []).length > 0;
  if (ingress && egress) return 'ingress and egress';
  if (ingress) return 'ingress';
  if (egress) return 'egress';
  return undefined;
}

/** True when the policy is the deny-all policy this action makes for `label`. */
function isQuarantinePolicy(policy: KubeObjectData, label: string): boolean {
  const parsed = PolicySpec.safeParse(policy.spec);
  if (!parsed.success) return false;
  const { podSelector, policyTypes, ingress, egress } = parsed.data;
  const matchLabels = podSelector?.matchLabels ?? {};
  return (
    Object.keys(matchLabels).length === 1 &&
    matchLabels[label] === 'true' &&
    (podSelector?.matchExpressions ?? []).length === 0 &&
    (policyTypes ?? []).includes('Ingress') &&
    (policyTypes ?? []).includes('Egress') &&
    (ingress ?? []).length === 0 &&
    (egress ?? []).length === 0
  );
}

function policyObject(namespace: string, name: string, label: string, runId: string): KubeObjectData {
  return {
    apiVersion: NETPOL,
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
      annotations: {
        [CREATED_BY_RUN]: runId,
        'palisade.io/description': `Denies all ingress and egress of the pods labelled ${label}=true (isolated by Palisade).`,
      },
    },
    spec: { podSelector: { matchLabels: { [label]: 'true' } }, policyTypes: ['Ingress', 'Egress'] },
  };
}

const UndoData = z.strictObject({
  pod: KubeRefData,
  uid: z.string().optional(),
  label: z.string().min(1),
  /** This run set the label (it was not there). */
  labelled: z.boolean(),
  /** The run whose ISOLATED_BY annotation the label patch set. */
  runId: z.string().min(1),
  policy: KubeRefData,
  /** This run created the policy. */
  createdPolicy: z.boolean(),
  policyUid: z.string().optional(),
});

export const isolatePod = defineAction({
  meta: {
    id: ID,
    slug: 'isolate-pod',
    provider: 'kubernetes',
    title: 'Isolate a pod with a deny-all NetworkPolicy',
    description:
      'Labels the pod (palisade.io/quarantine=true by default) and makes sure a NetworkPolicy in its namespace denies all ingress and egress of the pods with that label. Other NetworkPolicies that select the pod and allow traffic still do (policies add up): the outcome names them. The pod is annotated palisade.io/isolated-by with the run id. Undo removes the label while that annotation names the run, and deletes the policy it created once no pod carries the label.',
    targets: ['kubernetes'],
    kinds: ['Pod'],
    undoable: true,
    disruptive: true,
    permissions: {
      kubernetes: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch'] },
        {
          apiGroups: ['networking.k8s.io'],
          resources: ['networkpolicies'],
          verbs: ['get', 'list', 'create', 'delete'],
        },
      ],
    },
  },
  params: Params,

  async run(input, ctx) {
    const target = kubeTargetOf(input.target, ['Pod']);
    if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
    const { label, policyName } = input.params;
    const podName = describeKubeRef(target.ref);
    const kube = await ctx.kube();
    const pod = await kube.get(target.ref);
    if (!pod) return { result: 'skipped', reason: `${podName} no longer exists` };
    const replaced = newPodSince(pod, input.subject, podName);
    if (replaced) return { result: 'skipped', reason: replaced };
    const podSpec = PodSpec.safeParse(pod.spec);
    if (podSpec.success && podSpec.data.hostNetwork === true) {
      return {
        result: 'skipped',
        reason: `${podName} uses the host's network (hostNetwork: true): NetworkPolicies do not apply to it, so it cannot be isolated this way`,
      };
    }
    const namespace = pod.metadata.namespace ?? target.ref.namespace ?? 'default';
    const policyRef: KubeRef = { apiVersion: NETPOL, kind: 'NetworkPolicy', namespace, name: policyName };
    const policyText = describeKubeRef(policyRef);
    const labels = pod.metadata.labels ?? {};
    const labelled = labels[label] === 'true';

    let policy = await kube.get(policyRef);
    if (policy && !isQuarantinePolicy(policy, label)) {
      throw new ActionError(
        `${ID}: ${policyText} exists but is not a deny-all policy selecting ${label}=true; delete it or set another policyName`,
      );
    }

    // Policies add up: those that select the pod (once labelled) and allow traffic still do.
    const isolatedLabels = { ...labels, [label]: 'true' };
    const notes: string[] = [];
    for (const other of await kube.list(NETPOL, 'NetworkPolicy', { namespace })) {
      if (other.metadata.name === policyName) continue;
      const spec = PolicySpec.safeParse(other.spec);
      if (!spec.success || !selects(spec.data.podSelector, isolatedLabels)) continue;
      const allowed = allows(spec.data);
      if (allowed) {
        notes.push(
          `note: ${describeKubeRef({ kind: 'NetworkPolicy', namespace, name: other.metadata.name ?? '' })} also selects the pod and still allows ${allowed}`,
        );
      }
    }
    const noteText = notes.map((n) => `; ${n}`).join('');

    // What an earlier attempt of this step saw and sent (a write may have taken effect before its error).
    const noted = input.dryRun ? undefined : IsolateNote.safeParse(input.state[NOTE]);
    const prior =
      noted?.success && (noted.data.uid === undefined || noted.data.uid === pod.metadata.uid) ? noted.data : undefined;
    // Its label patch sets ISOLATED_BY with the label: a label without this run's annotation is
    // someone else's (the earlier patch did not take effect), not claimed.
    const labelledByEarlier =
      prior !== undefined &&
      !prior.labelledBefore &&
      prior.labelAttempt !== undefined &&
      pod.metadata.annotations?.[ISOLATED_BY] === ctx.runId;
    const ours = (p: KubeObjectData): boolean =>
      p.metadata.annotations?.[CREATED_BY_RUN] === ctx.runId ||
      (prior?.policyUid !== undefined && p.metadata.uid === prior.policyUid);

    // On a retry, a label or policy of this step's earlier attempts is its change, not one found done.
    const earlierWrites = input.attempt > 1 && (labelledByEarlier || (policy !== undefined && ours(policy)));
    if (labelled && policy && (input.dryRun || !earlierWrites)) {
      return {
        result: 'skipped',
        reason: `${podName} is already isolated (labelled ${label}=true, ${policyText} denies all ingress and egress)${noteText}`,
      };
    }
    const steps = [
      ...(labelled ? [] : [`label ${podName} ${label}=true`]),
      ...(policy ? [] : [`create ${policyText} (deny all ingress and egress)`]),
    ];
    if (input.dryRun) return { result: 'planned', reason: `would ${steps.join(' and ')}${noteText}` };

    let note: IsolateNote = prior ?? {
      ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
      labelledBefore: labelled,
      policyExistedBefore: policy !== undefined,
    };
    const save = (next: IsolateNote): void => {
      note = next;
      input.state[NOTE] = next;
    };
    save(note);
    const wroteNow = !labelled || !policy;
    // A policy this step created on an earlier attempt (the runner retries transient failures) is its own.
    let createdPolicy = policy !== undefined && ours(policy);
    if (!policy) {
      const { policyUid: _stale, ...rest } = note;
      save({ ...rest, createAttempt: input.attempt });
      try {
        policy = await kube.create(policyObject(namespace, policyName, label, ctx.runId));
        createdPolicy = true;
        if (policy.metadata.uid) save({ ...note, policyUid: policy.metadata.uid });
      } catch (error) {
        // Created meanwhile (another run): use it if it is the same policy.
        if (!(error instanceof ActionError && error.status === 409 && !error.transient)) throw error;
        policy = await kube.get(policyRef);
        if (!policy || !isQuarantinePolicy(policy, label)) throw error;
      }
    }
    if (!labelled) {
      // (A label patch noted by an earlier attempt did not take effect: the pod is not labelled.)
      const { labelAttempt: _stale, ...rest } = note;
      save({ ...rest, labelAttempt: input.attempt });
      try {
        await kube.patch(
          target.ref,
          { metadata: { labels: { [label]: 'true' }, annotations: { [ISOLATED_BY]: ctx.runId } } },
          'merge',
        );
      } catch (error) {
        // Refused (nothing changed): a retry must not take someone else's label for this patch.
        if (writeRefused(error)) save(rest);
        throw error;
      }
    }
    const labelledByStep = !labelled || labelledByEarlier;

    const done = [
      ...(labelledByStep ? [`labelled ${podName} ${label}=true`] : []),
      ...(createdPolicy
        ? [`created ${policyText} (deny all ingress and egress)`]
        : [`${policyText} already denies all its ingress and egress`]),
    ];
    // Nothing written now: the writes of earlier attempts took effect before their errors.
    const earlier = wroteNow
      ? ''
      : tookEffect(
          Math.max(
            labelledByEarlier ? (prior?.labelAttempt ?? 0) : 0,
            createdPolicy ? (prior?.createAttempt ?? 0) : 0,
          ) || undefined,
        );
    return {
      result: 'applied',
      reason: `${done.join(' and ')}${noteText}${earlier}`,
      undo: {
        pod: target.ref,
        ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
        label,
        labelled: labelledByStep,
        runId: ctx.runId,
        policy: policyRef,
        createdPolicy,
        ...(policy.metadata.uid ? { policyUid: policy.metadata.uid } : {}),
      },
    };
  },

  async undo(input, ctx) {
    const data = parseUndoData(UndoData, input.data, ID);
    const podName = describeKubeRef(data.pod);
    const policyText = describeKubeRef(data.policy);
    const kube = await ctx.kube();
    const actions: string[] = [];
    const skips: string[] = [];

    let unlabel = false;
    if (data.labelled) {
      const pod = await kube.get(data.pod);
      if (!pod) skips.push(`${podName} no longer exists`);
      else if (data.uid !== undefined && pod.metadata.uid !== data.uid)
        skips.push(`${podName} was replaced by a new pod since`);
      else if (pod.metadata.labels?.[data.label] !== 'true')
        skips.push(`${podName} no longer carries ${data.label}=true`);
      else {
        const by = pod.metadata.annotations?.[ISOLATED_BY];
        if (by === data.runId) unlabel = true;
        else
          skips.push(
            `${podName} was isolated since by ${by === undefined ? `someone else (no ${ISOLATED_BY} annotation)` : `run ${by}`}, not run ${data.runId}: label kept`,
          );
      }
    } else {
      skips.push(`${podName} already carried ${data.label}=true before the run: label kept`);
    }
    if (unlabel) {
      actions.push(`remove label ${data.label} from ${podName}`);
      if (!input.dryRun) {
        const path = `/metadata/labels/${pointerToken(data.label)}`;
        const byPath = `/metadata/annotations/${pointerToken(ISOLATED_BY)}`;
        try {
          await kube.patch(
            data.pod,
            [
              { op: 'test', path, value: 'true' },
              { op: 'test', path: byPath, value: data.runId },
              { op: 'remove', path },
              { op: 'remove', path: byPath },
            ],
            'json',
          );
        } catch (error) {
          if (error instanceof ActionError && error.status === 422) {
            throw new ActionError(
              `${ID}: the label ${data.label} or the ${ISOLATED_BY} annotation of ${podName} changed while removing them`,
              {
                transient: true,
                status: 422,
                cause: error,
              },
            );
          }
          throw error;
        }
      }
    }

    if (data.createdPolicy) {
      const holders = (
        await kube.list('v1', 'Pod', {
          namespace: data.policy.namespace ?? 'default',
          labelSelector: `${data.label}=true`,
        })
      )
        .map((p) => p.metadata.name ?? '')
        .filter((n) => !(unlabel && n === data.pod.name));
      const policy = holders.length === 0 ? await kube.get(data.policy) : undefined;
      if (holders.length > 0) {
        const shown = holders.slice(0, 5).join(', ') + (holders.length > 5 ? ', …' : '');
        skips.push(`${policyText} kept: ${holders.length} pod(s) still carry ${data.label}=true (${shown})`);
      } else if (!policy) {
        skips.push(`${policyText} no longer exists`);
      } else if (data.policyUid !== undefined && policy.metadata.uid !== data.policyUid) {
        skips.push(`${policyText} was replaced since: kept`);
      } else {
        actions.push(`delete ${policyText}`);
        if (!input.dryRun) await kube.delete(data.policy, policy.metadata.uid ? { uid: policy.metadata.uid } : {});
      }
    } else {
      skips.push(`${policyText} existed before the run: kept`);
    }

    const skipText = skips.length > 0 ? ` (${skips.join('; ')})` : '';
    if (actions.length === 0) return { result: 'skipped', reason: `nothing to undo${skipText}` };
    if (input.dryRun) return { result: 'planned', reason: `would ${actions.join(' and ')}${skipText}` };
    const past = actions.map((a) => a.replace(/^remove /, 'removed ').replace(/^delete /, 'deleted '));
    return { result: 'applied', reason: `${past.join(' and ')}${skipText}` };
  },
});
