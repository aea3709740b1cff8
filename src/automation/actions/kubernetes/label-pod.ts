/**
 * kubernetes:label-pod: sets labels on the pod a subject names (for selection by NetworkPolicies,
 * by people, by other automations). `{runId}` in a value is replaced by the run's id. The same
 * patch annotates the pod `palisade.io/labelled-by: <runId>` (annotate-pod:
 * `palisade.io/annotated-by`): a marker (an annotation, so selectors are not affected) of the run
 * that made the change. Its undo puts back the values the labels had (removing the ones it added)
 * where the pod still carries the values it set, only while the marker still names the run (a
 * JSON Patch `test`s it), and puts the marker back as it was. annotate-pod shares the logic
 * (runMetadataChange, undoMetadataChange).
 * For an alert, a pod created after the alert was first seen is a new pod of the same name (a
 * StatefulSet's): it is left alone. A retry (after a transient failure that may have come after the
 * patch took effect) reports the change applied, with the undo, only when it finds the values it
 * noted in place with the marker of this run: without it, someone else set them while the patch of
 * the earlier attempt did not take effect, and the retry is skipped (already done, not by it).
 */
import { z } from 'zod';
import {
  describeKubeRef,
  isLabelValue,
  KubeRefData,
  kubeTargetOf,
  LABEL_VALUE_SYNTAX,
  newPodSince,
  notedWrite,
  noteWrite,
  parseUndoData,
  pointerToken,
  QualifiedKey,
  sendNoted,
  tookEffect,
} from '../../kube.ts';
import {
  type ActionContext,
  ActionError,
  type ActionInput,
  type ActionOutcome,
  defineAction,
  MAX_RUN_ID_LENGTH,
  type UndoInput,
} from '../../types.ts';

/** What differs between label-pod and annotate-pod. */
export interface MetadataChangeSpec {
  readonly actionId: string;
  readonly field: 'labels' | 'annotations';
  readonly noun: 'label' | 'annotation';
  /** 'labelled' / 'annotated'. */
  readonly done: string;
  /** 'label' / 'annotate'. */
  readonly verb: string;
  /** The annotation that names the run that made the change (set in the same patch). */
  readonly marker: string;
  /** Checks a value once `{runId}` is replaced; returns the problem, if any. */
  readonly checkValue: (value: string) => string | undefined;
}

const UndoData = z.strictObject({
  pod: KubeRefData,
  uid: z.string().optional(),
  set: z.record(z.string(), z.string()),
  previous: z.record(z.string(), z.string().nullable()),
  /** The run whose marker the patch set, and the marker's value before (absent: there was none). */
  runId: z.string().min(1),
  markerBefore: z.string().optional(),
});

/** A value as reasons show it: bare when short and plain, else JSON-quoted and cut at 80 characters. */
function show(value: string): string {
  if (/^[-A-Za-z0-9_.]{0,63}$/.test(value)) return value;
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut);
}

function entries(map: Readonly<Record<string, string>>): string {
  return Object.entries(map)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(', ');
}

/** Sets `desired` (values with `{runId}`) in the pod's labels or annotations. */
export async function runMetadataChange(
  spec: MetadataChangeSpec,
  desiredTemplate: Readonly<Record<string, string>>,
  input: ActionInput<unknown>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const target = kubeTargetOf(input.target, ['Pod']);
  if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
  const name = describeKubeRef(target.ref);
  const desired: Record<string, string> = {};
  for (const [key, template] of Object.entries(desiredTemplate)) {
    const value = template.replaceAll('{runId}', ctx.runId);
    const problem = spec.checkValue(value);
    if (problem) throw new ActionError(`${spec.actionId}: the value of ${spec.noun} ${key} ("${value}") ${problem}`);
    desired[key] = value;
  }
  const kube = await ctx.kube();
  const pod = await kube.get(target.ref);
  if (!pod) return { result: 'skipped', reason: `${name} no longer exists` };
  const replaced = newPodSince(pod, input.subject, name);
  if (replaced) return { result: 'skipped', reason: replaced };
  const current = pod.metadata[spec.field] ?? {};
  const marker = pod.metadata.annotations?.[spec.marker];
  // An earlier attempt patched the pod and failed after: if its values are in place with this
  // run's marker, that was its patch (without the marker, someone else set them: skipped below).
  const prior = input.dryRun ? undefined : notedWrite(input.state, spec.field, UndoData);
  if (
    prior &&
    marker === ctx.runId &&
    (prior.seen.uid === undefined || prior.seen.uid === pod.metadata.uid) &&
    Object.entries(prior.seen.set).every(([key, value]) => current[key] === value)
  ) {
    return { result: 'applied', reason: `${prior.reason}${tookEffect(prior.attempt)}`, undo: prior.seen };
  }
  const changes = Object.entries(desired).filter(([key, value]) => current[key] !== value);
  if (changes.length === 0) {
    return { result: 'skipped', reason: `${name} already has ${spec.noun}s ${entries(desired)}` };
  }
  const set = Object.fromEntries(changes);
  const previous = Object.fromEntries(changes.map(([key]) => [key, current[key] ?? null]));
  const what = changes
    .map(([key, value]) => {
      const before = current[key];
      return `${key}=${show(value)}${before === undefined ? '' : ` (was ${show(before)})`}`;
    })
    .join(', ');
  if (input.dryRun) return { result: 'planned', reason: `would ${spec.verb} ${name} ${what}` };
  const reason = `${spec.done} ${name} ${what}`;
  const undo = {
    pod: target.ref,
    ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
    set,
    previous,
    runId: ctx.runId,
    ...(marker === undefined ? {} : { markerBefore: marker }),
  };
  // The marker goes in the same request as the change: both take effect, or neither.
  const metadata =
    spec.field === 'annotations'
      ? { annotations: { ...set, [spec.marker]: ctx.runId } }
      : { labels: set, annotations: { [spec.marker]: ctx.runId } };
  noteWrite(input.state, spec.field, { attempt: input.attempt, reason, seen: undo });
  await sendNoted(input.state, spec.field, () => kube.patch(target.ref, { metadata }, 'merge'));
  return { result: 'applied', reason, undo };
}

/** Puts back the previous values of the keys that still carry the values the run set. */
export async function undoMetadataChange(
  spec: MetadataChangeSpec,
  input: UndoInput,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const data = parseUndoData(UndoData, input.data, spec.actionId);
  const name = describeKubeRef(data.pod);
  const kube = await ctx.kube();
  const pod = await kube.get(data.pod);
  if (!pod) return { result: 'skipped', reason: `${name} no longer exists` };
  if (data.uid !== undefined && pod.metadata.uid !== data.uid) {
    return {
      result: 'skipped',
      reason: `${name} was replaced by a new pod since (uid ${pod.metadata.uid ?? 'unknown'})`,
    };
  }
  const marker = pod.metadata.annotations?.[spec.marker];
  if (marker !== data.runId) {
    return {
      result: 'skipped',
      reason: `${name} changed since: ${marker === undefined ? `its ${spec.marker} annotation is gone` : `its ${spec.marker} annotation names run ${marker}`}, not run ${data.runId}; nothing restored`,
    };
  }
  const current = pod.metadata[spec.field] ?? {};
  const ours = Object.keys(data.set).filter((key) => current[key] === data.set[key]);
  const changed = Object.keys(data.set).filter((key) => current[key] !== data.set[key]);
  const changedText = changed
    .map((key) => {
      const now = current[key];
      return `${spec.noun} ${key} is now ${now === undefined ? 'absent' : show(now)}`;
    })
    .join(', ');
  if (ours.length === 0) {
    return { result: 'skipped', reason: `${name} changed since: ${changedText}; nothing to restore` };
  }
  const restored = ours
    .map((key) => {
      const before = data.previous[key];
      return before === null || before === undefined ? `${key} removed` : `${key}=${show(before)}`;
    })
    .join(', ');
  const left = changed.length > 0 ? `; left alone because it changed since: ${changedText}` : '';
  if (input.dryRun) {
    return { result: 'planned', reason: `would restore the ${spec.noun}s of ${name}: ${restored}${left}` };
  }
  const markerPath = `/metadata/annotations/${pointerToken(spec.marker)}`;
  const operations: unknown[] = [{ op: 'test', path: markerPath, value: data.runId }];
  for (const key of ours) {
    const path = `/metadata/${spec.field}/${pointerToken(key)}`;
    operations.push({ op: 'test', path, value: data.set[key] });
    const before = data.previous[key];
    if (before === null || before === undefined) operations.push({ op: 'remove', path });
    else operations.push({ op: 'replace', path, value: before });
  }
  operations.push(
    data.markerBefore === undefined
      ? { op: 'remove', path: markerPath }
      : { op: 'replace', path: markerPath, value: data.markerBefore },
  );
  try {
    await kube.patch(data.pod, operations, 'json');
  } catch (error) {
    // A `test` failed: the values changed between the read and the patch; read again.
    if (error instanceof ActionError && error.status === 422) {
      throw new ActionError(`${spec.actionId}: the ${spec.noun}s of ${name} changed while restoring them`, {
        transient: true,
        status: 422,
        cause: error,
      });
    }
    throw error;
  }
  return { result: 'applied', reason: `restored the ${spec.noun}s of ${name}: ${restored}${left}` };
}

const SPEC: MetadataChangeSpec = {
  actionId: 'kubernetes:label-pod',
  field: 'labels',
  noun: 'label',
  done: 'labelled',
  verb: 'label',
  marker: 'palisade.io/labelled-by',
  checkValue: (value) => (isLabelValue(value) ? undefined : LABEL_VALUE_SYNTAX),
};

/** The longest run id, to check at load the values that embed `{runId}`. */
const RUN_ID_STAND_IN = 'r'.repeat(MAX_RUN_ID_LENGTH);

const Params = z.strictObject({
  labels: z
    .record(
      QualifiedKey,
      z.string().refine((value) => isLabelValue(value.replaceAll('{runId}', RUN_ID_STAND_IN)), {
        message: `${LABEL_VALUE_SYNTAX} ({runId} is replaced by the run id, up to ${MAX_RUN_ID_LENGTH} characters)`,
      }),
    )
    .refine((labels) => Object.keys(labels).length > 0, { message: 'must set at least one label' }),
});

export const labelPod = defineAction({
  meta: {
    id: 'kubernetes:label-pod',
    slug: 'label-pod',
    provider: 'kubernetes',
    title: 'Label a pod',
    description:
      'Sets labels on the pod, for NetworkPolicies, people and other automations to select it; `{runId}` in a value is replaced by the run id; the pod is annotated palisade.io/labelled-by with the run id. Undo puts back the previous values where the pod still carries the ones set, while that annotation still names the run.',
    targets: ['kubernetes'],
    kinds: ['Pod'],
    undoable: true,
    disruptive: false,
    permissions: { kubernetes: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }] },
  },
  params: Params,
  run: (input, ctx) => runMetadataChange(SPEC, input.params.labels, input, ctx),
  undo: (input, ctx) => undoMetadataChange(SPEC, input, ctx),
});
